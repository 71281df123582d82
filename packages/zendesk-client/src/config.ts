// Client configuration: a real account (subdomain) or any base URL (the sandbox), API token or OAuth token.
// Validated with zod; every wrong field is named. zendeskConfigFromEnv reads ZENDESK_* (or ITSM_ZENDESK_*).
import { z } from 'zod';
import { ConfigError, parseConfig, type Env } from '@zendesk-lifecycle/core';

export interface RetryPolicy {
  retries: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface ClientLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

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
     * owner is (`GET /api/v2/account` is not in its OpenAPI description, facts.md §11), so it is configured.
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
    if (!c.oauthToken && !(c.email && c.apiToken)) {
      ctx.addIssue({ code: 'custom', path: ['apiToken'], message: 'set email + apiToken, or oauthToken' });
    }
  });

export type ZendeskConfigInput = z.input<typeof configSchema> & {
  logger?: ClientLogger;
  onCall?: (info: CallInfo) => void;
};

export interface ZendeskConfig extends z.output<typeof configSchema> {
  /** The API base, ending in /api/v2. */
  apiBase: string;
  /** The account's origin, for the private entitlements endpoint and agent links. */
  origin: string;
  logger?: ClientLogger;
  onCall?: (info: CallInfo) => void;
}

export function parseZendeskConfig(input: ZendeskConfigInput): ZendeskConfig {
  const { logger, onCall, ...rest } = input;
  const parsed = parseConfig(configSchema, rest);
  const origin = parsed.subdomain
    ? `https://${parsed.subdomain}.zendesk.com`
    : parsed.baseUrl!.replace(/\/+$/, '').replace(/\/api\/v2$/, '');
  return {
    ...parsed,
    apiBase: `${origin}/api/v2`,
    origin,
    ...(logger ? { logger } : {}),
    ...(onCall ? { onCall } : {}),
  };
}

/** Reads `{prefix}SUBDOMAIN | {prefix}BASE_URL`, `{prefix}EMAIL` + `{prefix}API_TOKEN` or `{prefix}OAUTH_TOKEN`. */
export function zendeskConfigFromEnv(env: Env, prefix = 'ZENDESK_'): ZendeskConfig {
  const value = (name: string) =>
    env[`${prefix}${name}`]?.trim() ? env[`${prefix}${name}`]!.trim() : undefined;
  const input = {
    subdomain: value('SUBDOMAIN'),
    baseUrl: value('BASE_URL'),
    email: value('EMAIL'),
    apiToken: value('API_TOKEN'),
    oauthToken: value('OAUTH_TOKEN'),
    timeoutMs: value('TIMEOUT_MS') === undefined ? undefined : Number(value('TIMEOUT_MS')),
    accountOwnerId: value('ACCOUNT_OWNER_ID') === undefined ? undefined : Number(value('ACCOUNT_OWNER_ID')),
  };
  try {
    return parseZendeskConfig(Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const names: Record<string, string> = {
      subdomain: 'SUBDOMAIN',
      baseUrl: 'BASE_URL',
      email: 'EMAIL',
      apiToken: 'API_TOKEN',
      oauthToken: 'OAUTH_TOKEN',
      accountOwnerId: 'ACCOUNT_OWNER_ID',
    };
    throw new ConfigError(
      error.problems.map((p) => p.replace(/^(\w+):/, (_, f: string) => `${prefix}${names[f] ?? f}:`)),
    );
  }
}
