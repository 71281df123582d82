// The audit trail the consumer writes to: the ITSM logger from ITSM_* (or the target account), sharing the target
// client (and its rate budget) when the audit tickets go to the same account.
import type { AuditPort, Env } from '@zendesk-lifecycle/core';
import { createItsmLoggerFromEnv, itsmLoggerConfigFromEnv } from '@zendesk-lifecycle/itsm-logger';
import { createZendeskClient, type ZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import type { Logger } from '@zendesk-lifecycle/service-runtime';

export interface AuditTrail {
  port: AuditPort;
  /** The service identity requesting audit tickets: protected from every action. */
  serviceEmails: string[];
  /** The audit account's own client when ITSM_ZENDESK_* is set (to sign in at start-up), else undefined. */
  client: ZendeskClient | undefined;
}

export async function createAuditTrail(env: Env, target: ZendeskClient, logger: Logger): Promise<AuditTrail> {
  const config = itsmLoggerConfigFromEnv(env);
  const client = config.sharesTargetClient
    ? undefined
    : createZendeskClient({ ...config.zendesk, logger: logger.child({ component: 'itsm' }) });
  const port = createItsmLoggerFromEnv(env, {
    targetClient: target,
    ...(client ? { auditClient: client } : {}),
    client: { logger: logger.child({ component: 'itsm' }) },
  });
  // The requester as the ITSM logger reads it (ITSM_REQUESTER_EMAIL, else the audit account's email).
  const requester =
    config.requester !== 'api_user' && 'email' in config.requester ? config.requester.email : null;
  return { port, serviceEmails: requester ? [requester] : [], client };
}
