// The audit trail the consumer writes to: the ITSM logger from ITSM_* (or the target account), sharing the target
// client (and its rate budget) when the audit tickets go to the same account; and the start-up check that the
// configured ticket group, assignee, custom fields, brand and form suit that account (an audit ticket Zendesk
// refuses stops deletions).
import type { AuditPort, Env } from '@zendesk-lifecycle/core';
import {
  createItsmLoggerFromEnv,
  itsmLoggerConfigFromEnv,
  type AuditTicketSettings,
} from '@zendesk-lifecycle/itsm-logger';
import { createZendeskClient, type ZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import type { Logger } from '@zendesk-lifecycle/service-runtime';
import { fieldBrandFormProblems, type TicketSettingsReader } from './audit-ticket-fields.js';

export interface AuditTrail {
  port: AuditPort;
  /** The service identity requesting audit tickets: protected from every action. */
  serviceEmails: string[];
  /** The audit account's own client when ITSM_ZENDESK_* is set (to sign in at start-up), else undefined. */
  client: ZendeskClient | undefined;
  /** The client of the account holding the audit tickets (the target's when shared). */
  auditAccount: ZendeskClient;
  /** Group, assignee, fields… of the audit tickets (ITSM_TICKET_*). */
  ticket: AuditTicketSettings;
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
  return {
    port,
    serviceEmails: requester ? [requester] : [],
    client,
    auditAccount: client ?? target,
    ticket: config.ticket,
  };
}

/**
 * What is wrong with the audit tickets' settings in the audit account, one sentence each (none: all good): a group
 * that does not exist or is deleted, an assignee who does not exist, is inactive or is not an agent; then custom
 * fields, brand and form (audit-ticket-fields.ts).
 */
export async function ticketSettingsProblems(
  client: Pick<ZendeskClient, 'getGroup' | 'getUser'> & TicketSettingsReader,
  ticket: AuditTicketSettings,
): Promise<string[]> {
  const problems: string[] = [];
  if (ticket.groupId !== undefined) {
    const group = await client.getGroup(ticket.groupId);
    if (group === null) problems.push(`ITSM_TICKET_GROUP_ID ${ticket.groupId}: no such group`);
    else if (group.deleted) problems.push(`ITSM_TICKET_GROUP_ID ${ticket.groupId}: the group is deleted`);
  }
  if (ticket.assigneeId !== undefined) {
    const user = await client.getUser(ticket.assigneeId);
    if (user === null) problems.push(`ITSM_TICKET_ASSIGNEE_ID ${ticket.assigneeId}: no such user`);
    else if (!user.active) problems.push(`ITSM_TICKET_ASSIGNEE_ID ${ticket.assigneeId}: the user is deleted`);
    else if (user.role === 'end-user')
      problems.push(`ITSM_TICKET_ASSIGNEE_ID ${ticket.assigneeId}: an end user cannot be assigned tickets`);
  }
  problems.push(...(await fieldBrandFormProblems(client, ticket)));
  return problems;
}
