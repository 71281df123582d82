// Who is calling: a bearer token, or a request signed by the Standard Webhooks scheme (webhook-id,
// webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256>) over a canonical request that also covers the
// method, the path, the content type and every ce-* header. Stale timestamps and replays are refused.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { secretBytes, sha256, type PrincipalCredentials } from './principals.js';

/** How far a signature's timestamp may be from our clock, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export interface RequestHead {
  method: string;
  /** The request target as received (path and query). */
  url: string;
  headers: IncomingHttpHeaders;
}

export type AuthFailure = { ok: false; status: 401 | 503; code: string; detail: string };
export type Authenticated = { ok: true; principal: string; via: 'token' | 'signature' };
type Pending =
  | { kind: 'token'; principal: string }
  | { kind: 'signature'; id: string; timestamp: string; signatures: string[]; keyId: string | undefined };

const fail = (code: string, detail: string, status: 401 | 503 = 401): AuthFailure => ({
  ok: false,
  status,
  code,
  detail,
});

const headerText = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

/**
 * The bytes a signature covers: `{webhook-id}.{webhook-timestamp}.` then the canonical request, lines ending in
 * "\n": `{METHOD} {path}`, `content-type:{value}`, each `ce-*` header as `{name}:{value}` (names in lower case,
 * sorted), an empty line, then the raw body. The part after the second "." is the Standard Webhooks payload.
 */
export function signedContent(
  request: RequestHead,
  id: string,
  timestamp: string,
  body: Buffer | string,
): Buffer {
  const ce = Object.keys(request.headers)
    .map((name) => name.toLowerCase())
    .filter((name) => name.startsWith('ce-'))
    .sort()
    .map((name) => `${name}:${headerText(request.headers, name) ?? ''}\n`);
  const head =
    `${id}.${timestamp}.${request.method.toUpperCase()} ${request.url}\n` +
    `content-type:${headerText(request.headers, 'content-type') ?? ''}\n${ce.join('')}\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]);
}

const hmac = (key: Buffer, content: Buffer): Buffer => createHmac('sha256', key).update(content).digest();

/**
 * The headers that sign a request (for senders and tests): webhook-id, webhook-timestamp, webhook-signature and,
 * with a key id, webhook-key-id. `request.headers` must hold the content type and every ce-* header sent.
 */
export function signRequest(
  secret: string,
  request: RequestHead & { body: Buffer | string },
  options: { keyId?: string; id?: string; timestamp?: number } = {},
): Record<string, string> {
  const id = options.id ?? `msg_${randomUUID()}`;
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = hmac(secretBytes(secret), signedContent(request, id, timestamp, request.body));
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature.toString('base64')}`,
    ...(options.keyId ? { 'webhook-key-id': options.keyId } : {}),
  };
}

/** The webhook-ids seen within the tolerance window, per principal; bounded, it refuses when full. */
class ReplayCache {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
  ) {}

  /** Records the id; 'replayed' when it was seen before, 'full' when there is no room. */
  add(key: string, now: number): 'ok' | 'replayed' | 'full' {
    for (const [k, expires] of this.seen) {
      if (expires > now) break; // insertion order is expiry order: one ttl for all
      this.seen.delete(k);
    }
    if (this.seen.has(key)) return 'replayed';
    if (this.seen.size >= this.capacity) return 'full';
    this.seen.set(key, now + this.ttlMs);
    return 'ok';
  }
}

export interface AuthenticatorOptions {
  now?: () => number;
  /** Most webhook-ids remembered at once (each for twice the tolerance); default 100,000. */
  replayCapacity?: number;
}

/** Authenticates requests against the principals' credentials, in two steps: before and after the body. */
export class Authenticator {
  private readonly now: () => number;
  private readonly replays: ReplayCache;

  constructor(
    private readonly principals: PrincipalCredentials[],
    options: AuthenticatorOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.replays = new ReplayCache(options.replayCapacity ?? 100_000, 2 * SIGNATURE_TOLERANCE_SECONDS * 1000);
  }

  /** Whether any credential is configured. */
  get configured(): boolean {
    return this.principals.some((p) => p.tokenDigests.length + p.hmacKeys.length > 0);
  }

  /** What can be checked before the body is read: a bearer token, or the signature headers and their timestamp. */
  precheck(request: RequestHead): AuthFailure | { ok: true; pending: Pending } {
    const signature = headerText(request.headers, 'webhook-signature');
    if (signature !== undefined) {
      const id = headerText(request.headers, 'webhook-id') ?? '';
      const timestamp = headerText(request.headers, 'webhook-timestamp') ?? '';
      if (!id || id.length > 256 || !/^\d{1,12}$/.test(timestamp))
        return fail(
          'bad_signature',
          'a signed request needs webhook-id and webhook-timestamp (Unix seconds)',
        );
      const skew = Math.abs(this.now() / 1000 - Number(timestamp));
      if (skew > SIGNATURE_TOLERANCE_SECONDS)
        return fail(
          'stale_signature',
          `webhook-timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} s away from now`,
        );
      const signatures = signature
        .split(' ')
        .filter((s) => s.startsWith('v1,'))
        .map((s) => s.slice(3));
      const keyId = headerText(request.headers, 'webhook-key-id');
      return { ok: true, pending: { kind: 'signature', id, timestamp, signatures, keyId } };
    }
    const authorization = headerText(request.headers, 'authorization') ?? '';
    if (!authorization.startsWith('Bearer '))
      return fail('unauthenticated', 'send a bearer token or sign the request (Standard Webhooks)');
    const digest = sha256(authorization.slice(7));
    const principal = this.principals.find((p) => p.tokenDigests.some((d) => timingSafeEqual(d, digest)));
    if (!principal) return fail('unauthenticated', 'the bearer token is not valid');
    if (principal.hmacKeys.length > 0)
      return fail('signature_required', 'this principal has an HMAC key: its requests must be signed');
    return { ok: true, pending: { kind: 'token', principal: principal.name } };
  }

  /** Completes authentication with the raw body: the signature must match, and its webhook-id be new. */
  verify(request: RequestHead, pending: Pending, body: Buffer): AuthFailure | Authenticated {
    if (pending.kind === 'token') return { ok: true, principal: pending.principal, via: 'token' };
    const content = signedContent(request, pending.id, pending.timestamp, body);
    const given = pending.signatures.map((s) => Buffer.from(s, 'base64'));
    const signer = this.principals.find((p) =>
      p.hmacKeys.some((k) => {
        if (pending.keyId !== undefined && k.id !== pending.keyId) return false;
        const expected = hmac(k.key, content);
        return given.some((g) => g.length === expected.length && timingSafeEqual(g, expected));
      }),
    );
    if (!signer) return fail('bad_signature', 'the signature does not match the request');
    const seen = this.replays.add(`${signer.name}\n${pending.id}`, this.now());
    if (seen === 'replayed') return fail('replayed_signature', 'this webhook-id was seen before');
    if (seen === 'full') return fail('replay_cache_full', 'too many signed requests; try again shortly', 503);
    return { ok: true, principal: signer.name, via: 'signature' };
  }

  /** Both steps at once (the body already read). */
  authenticate(request: RequestHead, body: Buffer): AuthFailure | Authenticated {
    const first = this.precheck(request);
    return first.ok ? this.verify(request, first.pending, body) : first;
  }
}
