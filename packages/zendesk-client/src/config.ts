// Client configuration: a real account (subdomain) or any base URL (the sandbox), and how to sign in: OAuth client
// credentials (normal), an OAuth refresh token, a static OAuth token, or a legacy API token.
// Validated with zod; every wrong field is named. zendeskConfigFromEnv reads ZENDESK_* (or ITSM_ZENDESK_*).
import { z } from 'zod';
import { ConfigError, parseConfig, type Env } from '@zendesk-lifecycle/core';
import type { AuthKind } from './auth/providers.js';
import type { TokenStore } from './auth/token-store.js';

/** How failed calls are retried (transient errors and 429s, with jittered back-off and Retry-After). */
export interface RetryPolicy {
  retries: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/** A pino-like logger the client writes to (never with credentials). */
export interface ClientLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** One HTTP call, as the `onCall` hook sees it (for metrics). */
export interface CallInfo {
  method: string;
  path: string;
  status: number | null;
  durationMs: number;
  attempt: number;
}

const configSchema = z
  .object({
    subdomain: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/i, { message: 'expected the account name, e.g. "acme"' })
      .optional(),
    baseUrl: z.url().optional(),
    email: z.email().optional(),
    apiToken: z.string().min(1).optional(),
    oauthToken: z.string().min(1).optional(),
    oauthClientId: z.string().min(1).optional(),
    oauthClientSecret: z.string().min(1).optional(),
    oauthScopes: z
      .string()
      .regex(/^[a-z_:\s]+$/, { message: 'expected space-separated scopes, e.g. "read write"' })
      .default('read write'),
    oauthRefreshToken: z.string().min(1).optional(),
    /** Where the refresh-token grant keeps the current token pair (shared by every instance). */
    oauthTokenFile: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().default(30_000),
    retry: z
      .object({
        retries: z.number().int().min(0).default(5),
        initialDelayMs: z.number().int().positive().default(500),
        maxDelayMs: z.number().int().positive().default(30_000),
      })
      .default({ retries: 5, initialDelayMs: 500, maxDelayMs: 30_000 }),
    transferJobTimeoutMs: z.number().int().positive().default(120_000),
    /**
     * The account owner's user id, whom automation never changes. Zendesk's public API does not tell who the
     * owner is (`GET /api/v2/account` is not in its OpenAPI description, docs/zendesk-rules.md §11), so it is configured.
     */
    accountOwnerId: z.number().int().positive().optional(),
  })
  .superRefine((c, ctx) => {
    if (!c.subdomain === !c.baseUrl)
      ctx.addIssue({
        code: 'custom',
        path: ['subdomain'],
        message: 'set exactly one of subdomain or baseUrl',
      });
    if (c.oauthClientId && !c.oauthClientSecret)
      ctx.addIssue({ code: 'custom', path: ['oauthClientSecret'], message: 'required with oauthClientId' });
    if (c.oauthClientSecret && !c.oauthClientId)
      ctx.addIssue({ code: 'custom', path: ['oauthClientId'], message: 'required with oauthClientSecret' });
    if (c.oauthRefreshToken && !c.oauthClientId)
      ctx.addIssue({
        code: 'custom',
        path: ['oauthRefreshToken'],
        message: 'needs oauthClientId + oauthClientSecret too',
      });
    if (!c.oauthClientId && !c.oauthToken && !(c.email && c.apiToken)) {
      ctx.addIssue({
        code: 'custom',
        path: ['oauthClientId'],
        message: 'set oauthClientId + oauthClientSecret (OAuth), or oauthToken, or email + apiToken (legacy)',
      });
    }
  });

/** A client configuration as given: account (subdomain or baseUrl), credentials and options. */
export type ZendeskConfigInput = z.input<typeof configSchema> & {
  logger?: ClientLogger;
  onCall?: (info: CallInfo) => void;
  /** Where the refresh-token grant keeps its state, instead of oauthTokenFile (e.g. a secret manager). */
  tokenStore?: TokenStore;
  /** The environment prefix the settings came from (ZENDESK_), so that messages name the variables. */
  envPrefix?: string;
};

/** A validated client configuration (`parseZendeskConfig`). */
export interface ZendeskConfig extends z.output<typeof configSchema> {
  /** The API base, ending in /api/v2. */
  apiBase: string;
  /** The account's origin, for the private entitlements endpoint and agent links. */
  origin: string;
  logger?: ClientLogger;
  onCall?: (info: CallInfo) => void;
  tokenStore?: TokenStore;
  envPrefix?: string;
  /** How calls sign in, from the credentials given (OAuth client credentials first, legacy API token last). */
  authKind: AuthKind;
}

function authKindOf(c: z.output<typeof configSchema>): AuthKind {
  if (c.oauthRefreshToken) return 'refresh_token';
  if (c.oauthClientId) return 'client_credentials';
  if (c.oauthToken) return 'static_oauth';
  return 'api_token';
}

/** Validates a configuration; throws `ConfigError` naming every wrong field. */
export function parseZendeskConfig(input: ZendeskConfigInput): ZendeskConfig {
  const { logger, onCall, tokenStore, envPrefix, ...rest } = input;
  const parsed = parseConfig(configSchema, rest);
  if (parsed.oauthRefreshToken && !parsed.oauthTokenFile && !tokenStore)
    throw new ConfigError([
      'oauthTokenFile: required with oauthRefreshToken: Zendesk replaces the refresh token on every refresh, ' +
        'so the current one must be kept where a restart (and every other instance) finds it',
    ]);
  const origin = parsed.subdomain
    ? `https://${parsed.subdomain}.zendesk.com`
    : parsed.baseUrl!.replace(/\/+$/, '').replace(/\/api\/v2$/, '');
  return {
    ...parsed,
    apiBase: `${origin}/api/v2`,
    origin,
    authKind: authKindOf(parsed),
    ...(logger ? { logger } : {}),
    ...(onCall ? { onCall } : {}),
    ...(tokenStore ? { tokenStore } : {}),
    ...(envPrefix !== undefined ? { envPrefix } : {}),
  };
}

/** The setting's name as the user wrote it: ZENDESK_OAUTH_CLIENT_SECRET when read from the environment. */
export function settingName(
  config: { envPrefix?: string | undefined },
  field: keyof typeof ENV_NAMES,
): string {
  return config.envPrefix === undefined ? field : `${config.envPrefix}${ENV_NAMES[field]}`;
}

const ENV_NAMES = {
  subdomain: 'SUBDOMAIN',
  baseUrl: 'BASE_URL',
  email: 'EMAIL',
  apiToken: 'API_TOKEN',
  oauthToken: 'OAUTH_TOKEN',
  oauthClientId: 'OAUTH_CLIENT_ID',
  oauthClientSecret: 'OAUTH_CLIENT_SECRET',
  oauthScopes: 'OAUTH_SCOPES',
  oauthRefreshToken: 'OAUTH_REFRESH_TOKEN',
  oauthTokenFile: 'OAUTH_TOKEN_FILE',
  timeoutMs: 'TIMEOUT_MS',
  accountOwnerId: 'ACCOUNT_OWNER_ID',
} as const;

/**
 * Reads `{prefix}SUBDOMAIN | {prefix}BASE_URL` and the credentials: `{prefix}OAUTH_CLIENT_ID` +
 * `{prefix}OAUTH_CLIENT_SECRET` (+ `{prefix}OAUTH_SCOPES`; + `{prefix}OAUTH_REFRESH_TOKEN` and
 * `{prefix}OAUTH_TOKEN_FILE` for the refresh-token grant), or `{prefix}OAUTH_TOKEN`, or the legacy
 * `{prefix}EMAIL` + `{prefix}API_TOKEN`.
 */
export function zendeskConfigFromEnv(env: Env, prefix = 'ZENDESK_'): ZendeskConfig {
  const value = (name: string) =>
    env[`${prefix}${name}`]?.trim() ? env[`${prefix}${name}`]!.trim() : undefined;
  const input: Record<string, unknown> = Object.fromEntries(
    Object.entries(ENV_NAMES).map(([field, name]) => [field, value(name)]),
  );
  if (input.timeoutMs !== undefined) input.timeoutMs = Number(input.timeoutMs);
  if (input.accountOwnerId !== undefined) input.accountOwnerId = Number(input.accountOwnerId);
  try {
    return parseZendeskConfig({
      ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
      envPrefix: prefix,
    } as ZendeskConfigInput);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const fields = new RegExp(`\\b(${Object.keys(ENV_NAMES).join('|')})\\b`, 'g');
    throw new ConfigError(
      error.problems.map((p) =>
        p.replace(fields, (f) => `${prefix}${ENV_NAMES[f as keyof typeof ENV_NAMES]}`),
      ),
    );
  }
}
