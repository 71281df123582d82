// Assembles the whole audit ticket for one step outcome: subject, private comment (text and HTML), requester,
// status and priority, tags, routing fields, and the keys that keep it exactly-once. Pure: no I/O.
import {
  requesterFields,
  type RequesterFields,
  type ServiceRequester,
} from '../requester/service-requester.js';
import { describeOutcome } from './describe-outcome.js';
import { renderPlainText } from './plain-text.js';
import { renderSafeHtml } from './safe-html.js';
import { auditSubject } from './subject.js';
import { auditTags } from './tags.js';
import { auditExternalId, auditIdempotencyKey, auditTicketKey } from './ticket-keys.js';
import type { ZendeskLinks } from './zendesk-links.js';
import type { AuditedStep, TicketOutcome } from './audited-step.js';

/** A Zendesk ticket priority. */
export type TicketPriority = 'low' | 'normal' | 'high' | 'urgent';
/** A value of a ticket custom field. */
export type CustomFieldValue = string | number | boolean | string[] | null;

/** Where audit tickets go and how they look beyond their content; every field is optional. */
export interface AuditTicketSettings {
  groupId?: number;
  brandId?: number;
  ticketFormId?: number;
  /**
   * The agent audit tickets are assigned to. Zendesk needs an assignee to solve a ticket: unset, solved tickets
   * are assigned to the service identity (the API user), and open ones are left to Zendesk's routing.
   */
  assigneeId?: number;
  customFields?: Array<{ id: number; value: CustomFieldValue }>;
  /** Priority of tickets for actions that succeeded or were already done. Zendesk's default when unset. */
  priority?: TicketPriority;
  /** Priority of tickets left open for a person: failed or refused actions. Default `high`. */
  attentionPriority?: TicketPriority;
  /** Tags added to every audit ticket. */
  extraTags?: string[];
}

/** The `ticket` object of a Zendesk create-ticket request. */
export interface AuditTicketBody extends RequesterFields {
  subject: string;
  comment: { body: string; html_body: string; public: false };
  status: 'open' | 'solved';
  priority?: TicketPriority;
  tags: string[];
  external_id: string;
  group_id?: number;
  brand_id?: number;
  ticket_form_id?: number;
  assignee_id?: number;
  custom_fields?: Array<{ id: number; value: CustomFieldValue }>;
}

/** An audit ticket ready to write: its external id, idempotency key and body. */
export interface AuditTicket {
  externalId: string;
  idempotencyKey: string;
  body: AuditTicketBody;
}

/** Outcomes that need a person to look: the ticket stays open. */
const NEEDS_ATTENTION: ReadonlySet<TicketOutcome> = new Set<TicketOutcome>(['failed', 'refused']);

/** Whether an outcome leaves its audit ticket open for a person (failed, refused) or solved. */
export function needsAttention(outcome: TicketOutcome): boolean {
  return NEEDS_ATTENTION.has(outcome);
}

function routingFields(settings: AuditTicketSettings): Partial<AuditTicketBody> {
  const fields: Partial<AuditTicketBody> = {};
  if (settings.groupId !== undefined) fields.group_id = settings.groupId;
  if (settings.brandId !== undefined) fields.brand_id = settings.brandId;
  if (settings.ticketFormId !== undefined) fields.ticket_form_id = settings.ticketFormId;
  if (settings.assigneeId !== undefined) fields.assignee_id = settings.assigneeId;
  if (settings.customFields !== undefined && settings.customFields.length > 0) {
    fields.custom_fields = settings.customFields.map(({ id, value }) => ({ id, value }));
  }
  return fields;
}

export interface AuditTicketContext {
  requester: ServiceRequester;
  /** Links into the account where the user and their tickets live. */
  links: ZendeskLinks;
  settings: AuditTicketSettings;
  /** The service identity's user id (the API user): the assignee of solved tickets when none is configured. */
  serviceAssigneeId?: number;
}

/** The audit ticket for one step outcome. The same outcome always gives the same ticket. */
export function buildAuditTicket(outcome: AuditedStep, context: AuditTicketContext): AuditTicket {
  const { settings } = context;
  const externalId = auditExternalId(auditTicketKey(outcome));
  const document = describeOutcome(outcome, context.links, externalId);
  const attention = needsAttention(outcome.outcome);
  // An in-progress ticket stays open (status and priority of a solved one follow once it is completed).
  const open = attention || outcome.outcome === 'in_progress';
  const priority = attention ? (settings.attentionPriority ?? 'high') : settings.priority;
  const body: AuditTicketBody = {
    subject: auditSubject(outcome),
    comment: { body: renderPlainText(document), html_body: renderSafeHtml(document), public: false },
    ...requesterFields(context.requester),
    status: open ? 'open' : 'solved',
    ...(priority === undefined ? {} : { priority }),
    tags: auditTags(outcome, settings.extraTags),
    external_id: externalId,
    ...routingFields(settings),
  };
  if (!open && body.assignee_id === undefined && context.serviceAssigneeId !== undefined)
    body.assignee_id = context.serviceAssigneeId;
  return { externalId, idempotencyKey: auditIdempotencyKey(outcome.step.idempotency_key), body };
}
