// The audit ticket of a notice (core's AuditNotice): something the service records that is not a step of an event,
// such as the brake tripping or being released. Exactly once per notice key, like a step's ticket: its external id
// and Idempotency-Key come from the key. Pure: no I/O.
import type { AuditNotice } from '@zendesk-lifecycle/core';
import { requesterFields, type ServiceRequester } from '../requester/service-requester.js';
import type { AuditTicket, AuditTicketBody, AuditTicketSettings } from './audit-ticket.js';
import { text, type AuditDocument } from './document.js';
import { renderPlainText } from './plain-text.js';
import { renderSafeHtml } from './safe-html.js';
import { AUDIT_TAG, toTag } from './tags.js';
import { auditExternalId, auditIdempotencyKey } from './ticket-keys.js';
import { oneLine } from './untrusted-text.js';

/** Notice keys get their own namespace: never the same external id as a step's ticket. */
export const noticeTicketKey = (key: string): string => `notice:${key}`;

export function buildNoticeTicket(
  notice: AuditNotice,
  context: { requester: ServiceRequester; settings: AuditTicketSettings; serviceAssigneeId?: number },
): AuditTicket {
  const { settings } = context;
  const externalId = auditExternalId(noticeTicketKey(notice.key));
  const document: AuditDocument = {
    summary: oneLine(notice.title),
    blocks: [
      {
        kind: 'facts',
        title: notice.kind.replace('_', ' '),
        facts: notice.facts.map(([label, value]) => ({
          label: oneLine(label),
          value: [text(oneLine(value))],
        })),
      },
    ],
    footer:
      `Written by zendesk-lifecycle. Writing this notice again finds this ticket by its external id ` +
      `${oneLine(externalId)}; keep it unchanged.`,
  };
  const priority = notice.attention ? (settings.attentionPriority ?? 'high') : settings.priority;
  const tags = [...new Set([AUDIT_TAG, `notice_${notice.kind}`, ...(settings.extraTags ?? [])].map(toTag))];
  const body: AuditTicketBody = {
    subject: `Audit: ${oneLine(notice.title, 200)}`,
    comment: { body: renderPlainText(document), html_body: renderSafeHtml(document), public: false },
    ...requesterFields(context.requester),
    status: notice.attention ? 'open' : 'solved',
    ...(priority === undefined ? {} : { priority }),
    tags: tags.filter((t) => t.length > 0),
    external_id: externalId,
    ...(settings.groupId === undefined ? {} : { group_id: settings.groupId }),
    ...(settings.brandId === undefined ? {} : { brand_id: settings.brandId }),
    ...(settings.ticketFormId === undefined ? {} : { ticket_form_id: settings.ticketFormId }),
    ...(settings.assigneeId === undefined ? {} : { assignee_id: settings.assigneeId }),
    ...(settings.customFields && settings.customFields.length > 0
      ? { custom_fields: settings.customFields.map(({ id, value }) => ({ id, value })) }
      : {}),
  };
  if (!notice.attention && body.assignee_id === undefined && context.serviceAssigneeId !== undefined)
    body.assignee_id = context.serviceAssigneeId;
  return { externalId, idempotencyKey: auditIdempotencyKey(noticeTicketKey(notice.key)), body };
}
