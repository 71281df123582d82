// The logger as the consumer app builds it: everything from the environment, sharing the target account's client
// when the audit tickets go there with the same credentials, so that both obey one rate budget.
import type { Env } from '@zendesk-lifecycle/core';
import {
  createZendeskClient,
  type ZendeskConfig,
  type ZendeskConfigInput,
} from '@zendesk-lifecycle/zendesk-client';
import { itsmLoggerConfigFromEnv } from './config/itsm-logger-config.js';
import type { AuditZendeskClient } from './delivery/zendesk-ticket-gateway.js';
import { createItsmLogger, type ItsmLogger } from './itsm-logger.js';

/** Extra options of `createItsmLoggerFromEnv`: clients to reuse, settings of a client built here. */
export interface FromEnvOptions {
  /** The target account's client; reused when no ITSM_ZENDESK_* variable is set. */
  targetClient?: AuditZendeskClient;
  /** A client the caller built (and signed in) from this config's `zendesk`, used when ITSM_ZENDESK_* is set. */
  auditClient?: AuditZendeskClient;
  /** Extra client settings for a client built here (timeoutMs, retry, logger, onCall). */
  client?: Omit<ZendeskConfigInput, keyof AccountAndCredentials>;
}

const FIELDS = [
  'subdomain',
  'baseUrl',
  'email',
  'apiToken',
  'oauthToken',
  'oauthClientId',
  'oauthClientSecret',
  'oauthScopes',
  'oauthRefreshToken',
  'oauthTokenFile',
  'tokenStore',
  'envPrefix',
] as const;

type AccountAndCredentials = Pick<ZendeskConfigInput, (typeof FIELDS)[number]>;

/** The account and credentials of a parsed config, so that the client's other settings are parsed anew. */
function accountAndCredentials(config: ZendeskConfig): AccountAndCredentials {
  return Object.fromEntries(
    FIELDS.map((field) => [field, config[field]]).filter(([, value]) => value !== undefined),
  ) as AccountAndCredentials;
}

/** A logger configured from ITSM_ZENDESK_* / ZENDESK_*, ITSM_REQUESTER_* and ITSM_TICKET_* (see the README). */
export function createItsmLoggerFromEnv(env: Env, options: FromEnvOptions = {}): ItsmLogger {
  const config = itsmLoggerConfigFromEnv(env);
  const zendesk =
    config.sharesTargetClient && options.targetClient !== undefined
      ? options.targetClient
      : (options.auditClient ??
        createZendeskClient({ ...accountAndCredentials(config.zendesk), ...options.client }));
  return createItsmLogger({
    zendesk,
    requester: config.requester,
    ticket: config.ticket,
    ...(config.targetAccountUrl === undefined ? {} : { targetAccountUrl: config.targetAccountUrl }),
  });
}
