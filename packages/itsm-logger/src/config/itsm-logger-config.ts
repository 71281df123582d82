// Where audit tickets go, from the environment. ITSM_ZENDESK_* names a separate audit account with the same
// variable names as the target account's ZENDESK_*; unset, the target account is used. Credentials never fall
// back across accounts: a separate account needs its own, so the target's token is never sent to another host.
import { ConfigError, type Env } from '@zendesk-lifecycle/core';
import { zendeskConfigFromEnv, type ZendeskConfig } from '@zendesk-lifecycle/zendesk-client';
import type { ServiceRequester } from '../requester/service-requester.js';
import type { AuditTicketSettings } from '../ticket/audit-ticket.js';
import { requesterFromEnv, ticketSettingsFromEnv } from './ticket-settings-env.js';

/** The logger's settings read from the environment (ITSM_ZENDESK_*, ITSM_REQUESTER_*, ITSM_TICKET_*). */
export interface ItsmLoggerConfig {
  /** The account holding the audit tickets. */
  zendesk: ZendeskConfig;
  /** Whether that account is another one than the target account (ZENDESK_*). */
  separateAccount: boolean;
  /** True when no ITSM_ZENDESK_* is set: the target account's client (and its rate budget) can be shared. */
  sharesTargetClient: boolean;
  /** The target account's address, for links to users and tickets; undefined when ZENDESK_* names none. */
  targetAccountUrl: string | undefined;
  requester: ServiceRequester;
  ticket: AuditTicketSettings;
}

const LOCATION = ['SUBDOMAIN', 'BASE_URL'] as const;
const CREDENTIALS = [
  'OAUTH_CLIENT_ID',
  'OAUTH_CLIENT_SECRET',
  'OAUTH_SCOPES',
  'OAUTH_REFRESH_TOKEN',
  'OAUTH_TOKEN_FILE',
  'OAUTH_TOKEN',
  'EMAIL',
  'API_TOKEN',
] as const;

const isSet = (env: Env, name: string): boolean => (env[name]?.trim() ?? '') !== '';
const anySet = (env: Env, prefix: string, names: readonly string[]) =>
  names.some((name) => isSet(env, `${prefix}${name}`));

/** The web address of the account ZENDESK_SUBDOMAIN or ZENDESK_BASE_URL names, if any. */
function accountUrl(env: Env, prefix: string): string | undefined {
  const subdomain = env[`${prefix}SUBDOMAIN`]?.trim();
  if (subdomain) return `https://${subdomain}.zendesk.com`;
  const baseUrl = env[`${prefix}BASE_URL`]?.trim();
  return baseUrl ? baseUrl.replace(/\/+$/, '').replace(/\/api\/v2$/, '') : undefined;
}

/** The audit account's client configuration, following the fallback rules above. */
function auditAccountConfig(env: Env): ZendeskConfig {
  if (anySet(env, 'ITSM_ZENDESK_', LOCATION)) return zendeskConfigFromEnv(env, 'ITSM_ZENDESK_');
  if (!anySet(env, 'ITSM_ZENDESK_', CREDENTIALS)) return zendeskConfigFromEnv(env, 'ZENDESK_');
  // The target account under another API user (a dedicated audit identity): its place, our credentials.
  const place = Object.fromEntries(LOCATION.map((name) => [`ITSM_ZENDESK_${name}`, env[`ZENDESK_${name}`]]));
  return zendeskConfigFromEnv({ ...env, ...place }, 'ITSM_ZENDESK_');
}

/**
 * Reads the logger's configuration: ITSM_ZENDESK_* (else ZENDESK_*), ITSM_REQUESTER_EMAIL (else the API user),
 * ITSM_REQUESTER_NAME, ITSM_REQUESTER_ID and ITSM_TICKET_*. Throws a ConfigError naming every wrong variable.
 */
export function itsmLoggerConfigFromEnv(env: Env): ItsmLoggerConfig {
  const problems: string[] = [];
  const read = <T>(part: () => T): T | undefined => {
    try {
      return part();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const zendesk = read(() => auditAccountConfig(env));
  const requester = read(() => requesterFromEnv(env, zendesk?.email ?? null));
  const ticket = read(() => ticketSettingsFromEnv(env));
  if (zendesk === undefined || requester === undefined || ticket === undefined)
    throw new ConfigError(problems);
  const targetAccountUrl = accountUrl(env, 'ZENDESK_');
  return {
    zendesk,
    separateAccount: targetAccountUrl !== undefined && targetAccountUrl !== zendesk.origin,
    sharesTargetClient: !anySet(env, 'ITSM_ZENDESK_', [...LOCATION, ...CREDENTIALS]),
    targetAccountUrl,
    requester,
    ticket,
  };
}
