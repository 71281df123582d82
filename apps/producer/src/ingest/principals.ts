// The credentials of each principal, resolved once at start-up: the policy names environment variables (or token
// hashes), this reads them; INGEST_TOKEN / INGEST_HMAC_SECRET become the implicit principal `default`.
import { createHash } from 'node:crypto';
import { ConfigError, DEFAULT_PRINCIPAL, type Env, type Policy } from '@zendesk-lifecycle/core';

export interface HmacKey {
  id: string;
  key: Buffer;
}

export interface PrincipalCredentials {
  name: string;
  /** sha256 digests of its bearer tokens (the tokens themselves are not kept). */
  tokenDigests: Buffer[];
  hmacKeys: HmacKey[];
}

export const sha256 = (text: string | Buffer): Buffer => createHash('sha256').update(text).digest();

/** A Standard Webhooks secret (`whsec_<base64>`) is its decoded bytes; any other secret is its UTF-8 bytes. */
export function secretBytes(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

/** Every principal with its credentials; throws ConfigError naming each variable that is missing or refused. */
export function principalCredentials(
  policy: Policy,
  env: Env,
  legacy: { token?: string | undefined; hmacSecret?: string | undefined } = {},
): PrincipalCredentials[] {
  const problems: string[] = [];
  const read = (name: string, where: string): string | undefined => {
    const value = env[name];
    if (value === undefined || value === '') problems.push(`${name}: not set (named by ${where})`);
    return value || undefined;
  };
  const out: PrincipalCredentials[] = Object.entries(policy.principals).map(([name, principal]) => {
    const where = `principals.${name}.credentials in the policy`;
    return {
      name,
      tokenDigests: principal.credentials.tokens.flatMap((t) => {
        if ('sha256' in t) return [Buffer.from(t.sha256, 'hex')];
        const token = read(t.env, where);
        return token === undefined ? [] : [sha256(token)];
      }),
      hmacKeys: principal.credentials.hmac_keys.flatMap((k) => {
        const secret = read(k.env, where);
        return secret === undefined ? [] : [{ id: k.id, key: secretBytes(secret) }];
      }),
    };
  });
  if (legacy.token || legacy.hmacSecret) {
    if (policy.default_principal === false) {
      problems.push(
        `${legacy.token ? 'INGEST_TOKEN' : 'INGEST_HMAC_SECRET'}: the policy turns the default principal off ("default_principal": false)`,
      );
    } else {
      out.push({
        name: DEFAULT_PRINCIPAL,
        tokenDigests: legacy.token ? [sha256(legacy.token)] : [],
        hmacKeys: legacy.hmacSecret ? [{ id: DEFAULT_PRINCIPAL, key: secretBytes(legacy.hmacSecret) }] : [],
      });
    }
  }
  const ids = out.flatMap((p) => p.hmacKeys.map((k) => k.id));
  if (legacy.hmacSecret && ids.filter((id) => id === DEFAULT_PRINCIPAL).length > 1)
    problems.push('INGEST_HMAC_SECRET: its key id "default" is also a key id in the policy');
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}
