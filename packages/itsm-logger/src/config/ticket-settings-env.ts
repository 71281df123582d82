// Audit ticket settings and the requester, from ITSM_TICKET_* and ITSM_REQUESTER_* variables. Every variable is
// optional; a wrong one is named in the ConfigError with what was expected.
import { parseConfig, type Env } from '@zendesk-lifecycle/core';
import { z } from 'zod';
import type { ServiceRequester } from '../requester/service-requester.js';
import type { AuditTicketSettings, CustomFieldValue } from '../ticket/audit-ticket.js';

const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

const blankToUndefined = (value: string | undefined) =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

/** A Zendesk id (positive whole number), or undefined when unset. */
const optionalId = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const v = blankToUndefined(value);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a Zendesk id (a positive whole number), got "${value}"`,
      });
      return z.NEVER;
    }
    return n;
  });

const optionalPriority = z
  .string()
  .optional()
  .transform((value) => blankToUndefined(value)?.toLowerCase())
  .pipe(z.enum(PRIORITIES, { message: `expected one of ${PRIORITIES.join(', ')}` }).optional());

/** "sox, lifecycle evidence" -> ["sox", "lifecycle", "evidence"]: commas or spaces separate tags. */
const tagList = z
  .string()
  .optional()
  .transform((value) => (value ?? '').split(/[\s,]+/).filter((tag) => tag.length > 0));

const customFieldValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);

/** A JSON object from field id to value: {"360001":"lifecycle","360002":true}. */
const customFields = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const v = blankToUndefined(value);
    if (v === undefined) return [];
    const parsed = z.record(z.string().regex(/^\d+$/), customFieldValue).safeParse(safeJson(v));
    if (!parsed.success) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected a JSON object from field id to value, e.g. {"360001":"lifecycle"}',
      });
      return z.NEVER;
    }
    return Object.entries(parsed.data)
      .map(([id, fieldValue]) => ({ id: Number(id), value: fieldValue as CustomFieldValue }))
      .sort((a, b) => a.id - b.id);
  });

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

const ticketEnvSchema = z.object({
  ITSM_TICKET_GROUP_ID: optionalId,
  ITSM_TICKET_BRAND_ID: optionalId,
  ITSM_TICKET_FORM_ID: optionalId,
  ITSM_TICKET_ASSIGNEE_ID: optionalId,
  ITSM_TICKET_PRIORITY: optionalPriority,
  ITSM_TICKET_ATTENTION_PRIORITY: optionalPriority,
  ITSM_TICKET_TAGS: tagList,
  ITSM_TICKET_CUSTOM_FIELDS: customFields,
});

/** The audit ticket settings from ITSM_TICKET_* variables. */
export function ticketSettingsFromEnv(env: Env): AuditTicketSettings {
  const parsed = parseConfig(ticketEnvSchema, env);
  const settings: AuditTicketSettings = {};
  if (parsed.ITSM_TICKET_GROUP_ID !== undefined) settings.groupId = parsed.ITSM_TICKET_GROUP_ID;
  if (parsed.ITSM_TICKET_BRAND_ID !== undefined) settings.brandId = parsed.ITSM_TICKET_BRAND_ID;
  if (parsed.ITSM_TICKET_FORM_ID !== undefined) settings.ticketFormId = parsed.ITSM_TICKET_FORM_ID;
  if (parsed.ITSM_TICKET_ASSIGNEE_ID !== undefined) settings.assigneeId = parsed.ITSM_TICKET_ASSIGNEE_ID;
  if (parsed.ITSM_TICKET_PRIORITY !== undefined) settings.priority = parsed.ITSM_TICKET_PRIORITY;
  if (parsed.ITSM_TICKET_ATTENTION_PRIORITY !== undefined) {
    settings.attentionPriority = parsed.ITSM_TICKET_ATTENTION_PRIORITY;
  }
  if (parsed.ITSM_TICKET_TAGS.length > 0) settings.extraTags = parsed.ITSM_TICKET_TAGS;
  if (parsed.ITSM_TICKET_CUSTOM_FIELDS.length > 0) settings.customFields = parsed.ITSM_TICKET_CUSTOM_FIELDS;
  return settings;
}

const requesterEnvSchema = z.object({
  ITSM_REQUESTER_EMAIL: z
    .string()
    .optional()
    .transform(blankToUndefined)
    .pipe(z.email({ message: 'expected an email address' }).optional()),
  ITSM_REQUESTER_NAME: z.string().optional().transform(blankToUndefined),
  ITSM_REQUESTER_ID: optionalId,
});

/**
 * The service identity requesting audit tickets: ITSM_REQUESTER_ID, else ITSM_REQUESTER_EMAIL, else the API
 * user (by `apiUserEmail` when the credentials name one, else whoever the token authenticates).
 */
export function requesterFromEnv(env: Env, apiUserEmail: string | null): ServiceRequester {
  const parsed = parseConfig(requesterEnvSchema, env);
  if (parsed.ITSM_REQUESTER_ID !== undefined) return { id: parsed.ITSM_REQUESTER_ID };
  const email = parsed.ITSM_REQUESTER_EMAIL ?? apiUserEmail;
  if (email === null) return 'api_user';
  const name = parsed.ITSM_REQUESTER_NAME;
  return name === undefined ? { email } : { email, name };
}
