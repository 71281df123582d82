// The ITSM logger: one audit ticket in Zendesk per step outcome, exactly once (opened "in progress" first for an
// irreversible step, then completed). It implements core's AuditPort,
// so the executor can use it as is, and it is usable alone: createItsmLogger({ zendesk, requester }).log(outcome).
import {
  LifecycleError,
  type AuditNote,
  type AuditNotice,
  type AuditPort,
  type AuditReceipt,
  type PriorState,
  type RecalledOutcome,
  type RecordContext,
  type StepIdentity,
  type StepStart,
  type StepOutcome,
} from '@zendesk-lifecycle/core';
import { auditRejected, auditUnavailable } from './delivery/audit-errors.js';
import { readPriorState } from './delivery/prior-state.js';
import { digestFromTags, IN_PROGRESS_TAG, recallOutcome } from './delivery/recall.js';
import {
  DEFAULT_SETTLE_POLICY,
  findAuditTicket,
  serviceIdentity,
  writeOnce,
  type SettlePolicy,
} from './delivery/write-once.js';
import type { AuditTicketGateway } from './delivery/ticket-gateway.js';
import { zendeskTicketGateway, type AuditZendeskClient } from './delivery/zendesk-ticket-gateway.js';
import {
  checkServiceRequester,
  refuseRequesterActedOn,
  type ServiceRequester,
} from './requester/service-requester.js';
import {
  buildAuditTicket,
  needsAttention,
  type AuditTicket,
  type AuditTicketSettings,
} from './ticket/audit-ticket.js';
import { inProgress, type AuditedStep } from './ticket/audited-step.js';
import { buildNoticeTicket } from './ticket/notice-ticket.js';
import { noteChanges } from './ticket/note-comment.js';
import { auditExternalId } from './ticket/ticket-keys.js';
import { zendeskLinks, type ZendeskLinks } from './ticket/zendesk-links.js';

/** What `log` tells about the ticket it wrote or found. */
export interface ItsmLogReceipt extends AuditReceipt {
  external_id: string;
  /** The ticket in the agent interface of the account holding the audit tickets. */
  ticket_url: string;
}

/** Core's `AuditPort` as audit tickets in Zendesk, plus `log(outcome)` for one step outcome. */
export interface ItsmLogger extends AuditPort {
  /**
   * Writes the audit ticket for `outcome`, or finds the one an earlier delivery wrote. With a recent
   * `nothingRecalledAt` (see RecordContext) it skips its own look-up by external id.
   */
  log(outcome: StepOutcome, context?: RecordContext): Promise<ItsmLogReceipt>;
  /**
   * Opens the step's ticket "in progress" (status open, tag `outcome_in_progress`) before an irreversible action,
   * or finds the one an earlier delivery opened; `log`/`record` completes it. Refuses (non-retryable) when the
   * step's ticket records another event.
   */
  begin(start: StepStart, context?: RecordContext): Promise<AuditReceipt>;
  /** The AuditPort method: the same as `log`. */
  record(outcome: StepOutcome, context?: RecordContext): Promise<AuditReceipt>;
  /** The outcome audited for this step (a conflict when another event's), or null; see recallOutcome. */
  recall(step: StepIdentity): Promise<RecalledOutcome | null>;
  /** The ticket `log` would write for `outcome`, without writing anything. */
  preview(outcome: StepOutcome): AuditTicket;
  /** Writes the ticket of a notice (the brake tripped or released), exactly once per notice key. */
  notice(notice: AuditNotice): Promise<ItsmLogReceipt>;
  /**
   * Undo: the state before the user's last recorded change (see delivery/prior-state.ts), or null. Needs a client
   * with `searchTickets` (zendesk-client's has it) and a service identity (`serviceUser`).
   */
  priorState(user: { id: number }): Promise<PriorState | null>;
  /**
   * Adds a private comment to the step's audit ticket, found by its audit key as recall finds it (a ticket the
   * service identity submitted); the ticket id, or null when the step has no ticket. A note needing attention
   * reopens the ticket with the attention priority.
   */
  comment(step: { audit_key: string }, note: AuditNote): Promise<number | null>;
}

/** How to create a logger: the Zendesk client, who requests the tickets, ticket settings. */
export interface ItsmLoggerOptions {
  /** A zendesk-client client for the account that holds the audit tickets (the target one or an ITSM one). */
  zendesk: AuditZendeskClient;
  /** The service identity requesting the tickets; never the user acted on. */
  requester: ServiceRequester;
  /** The account where the users acted on live (for links), when the audit tickets go to another account. */
  targetAccountUrl?: string;
  /** Group, brand, form, assignee, custom fields, priorities and extra tags of the tickets. */
  ticket?: AuditTicketSettings;
  /** How long to wait for a ticket another delivery of the same step is writing. */
  settle?: SettlePolicy;
}

/** An audit logger writing one ticket per step outcome through a zendesk-client client. */
export function createItsmLogger(options: ItsmLoggerOptions): ItsmLogger {
  const { zendesk, ...rest } = options;
  return assembleItsmLogger({
    ...rest,
    gateway: zendeskTicketGateway(zendesk),
    auditAccountUrl: zendesk.config.origin,
  });
}

/** What the logger needs to know; `gateway` is how it reaches the Zendesk account holding the audit tickets. */
export interface ItsmLoggerParts {
  gateway: AuditTicketGateway;
  /** The base URL of the account holding the audit tickets (API base or web address). */
  auditAccountUrl: string;
  requester: ServiceRequester;
  /** The account where the users acted on live, for links; defaults to the audit account. */
  targetAccountUrl?: string;
  ticket?: AuditTicketSettings;
  settle?: SettlePolicy;
}

/** How recent a recall that found no ticket must be to spare the write its own look-up (RecordContext). */
export const RECALL_FRESH_MS = 60_000;

const sameOrigin = (a: ZendeskLinks, b: ZendeskLinks): boolean => a.accountUrl === b.accountUrl;

/** Builds a logger from its parts, for a gateway of your own; createItsmLogger is the usual entry. */
export function assembleItsmLogger(parts: ItsmLoggerParts): ItsmLogger {
  checkServiceRequester(parts.requester);
  const auditLinks = zendeskLinks(parts.auditAccountUrl);
  const targetLinks = zendeskLinks(parts.targetAccountUrl ?? parts.auditAccountUrl);
  const sameAccount = sameOrigin(auditLinks, targetLinks);
  const settings = parts.ticket ?? {};
  const settle = parts.settle ?? DEFAULT_SETTLE_POLICY;

  // Zendesk needs an assignee to solve a ticket: without a configured one, the service identity (read once).
  let serviceAssigneeId: number | undefined;
  const assigneeFor = async (outcome: AuditedStep): Promise<void> => {
    if (serviceAssigneeId !== undefined || settings.assigneeId !== undefined) return;
    if (needsAttention(outcome.outcome) || parts.gateway.serviceUserId === undefined) return;
    try {
      serviceAssigneeId = await parts.gateway.serviceUserId();
    } catch (error) {
      const wait = error instanceof LifecycleError ? error.retryAfterSeconds : undefined;
      throw new LifecycleError(
        'audit_unavailable',
        'could not read the service identity (GET /users/me) to assign the solved audit ticket',
        { retryable: true, cause: error, ...(wait === undefined ? {} : { retryAfterSeconds: wait }) },
      );
    }
  };
  const preview = (outcome: AuditedStep) =>
    buildAuditTicket(outcome, {
      requester: parts.requester,
      links: targetLinks,
      settings,
      ...(serviceAssigneeId === undefined ? {} : { serviceAssigneeId }),
    });

  // The recall-then-write shortcut of the AuditPort contract: the executor recalls each step right before acting
  // and says so when it records, so a recent "no ticket" spares the write its own look-up (one Zendesk call per
  // step). Racing deliveries stay covered by the Idempotency-Key and the look-up after a reused key.
  const lookedUpJustNow = (context: RecordContext): boolean => {
    const at = context.nothingRecalledAt?.getTime();
    return at !== undefined && Date.now() - at < RECALL_FRESH_MS;
  };

  // In-progress tickets this logger's recall found (by external id): the step's record completes them.
  const openTickets = new Map<string, number>();
  /** In-progress tickets the recall found opened for another event that reused this one's id. */
  const foreignOpenTickets = new Map<string, number>();

  /**
   * The step's ticket when one exists, and whether it is in progress (to be completed); undefined when not looked
   * up (a recall just found none: the write's own layers still catch a racing delivery).
   */
  const existingTicket = async (
    ticket: AuditTicket,
    context: RecordContext,
  ): Promise<{ id: number; open: boolean } | null | undefined> => {
    const known = context.begun?.ticket_id ?? openTickets.get(ticket.externalId);
    if (known !== undefined) return { id: known, open: true };
    if (lookedUpJustNow(context)) return undefined;
    const found = await findAuditTicket(
      parts.gateway,
      ticket.externalId,
      await serviceIdentity(parts.gateway),
    );
    return found && { id: found.id, open: found.tags.includes(IN_PROGRESS_TAG) };
  };

  const complete = async (id: number, ticket: AuditTicket): Promise<void> => {
    // The requester and external id stay as opened; the outcome's comment is added to the ticket.
    const { requester: _r, requester_id: _ri, external_id: _e, ...changes } = ticket.body;
    try {
      await parts.gateway.update(id, changes);
    } catch (error) {
      throw parts.gateway.classifyCreateFailure(error) === 'rejected'
        ? auditRejected(error)
        : auditUnavailable(error);
    }
    openTickets.delete(ticket.externalId);
  };

  const log = async (outcome: StepOutcome, context: RecordContext = {}): Promise<ItsmLogReceipt> => {
    refuseRequesterActedOn(parts.requester, outcome, sameAccount);
    await assigneeFor(outcome);
    const ticket = preview(outcome);
    const receiptOf = (r: AuditReceipt): ItsmLogReceipt => ({
      ...r,
      external_id: ticket.externalId,
      ticket_url: auditLinks.ticket(r.ticket_id),
    });
    const existing = await existingTicket(ticket, context);
    if (existing?.open) await complete(existing.id, ticket);
    if (existing) return receiptOf({ ticket_id: existing.id, created: false });
    return receiptOf(await writeOnce(parts.gateway, ticket, settle, { lookedUpJustNow: true }));
  };

  const begin = async (start: StepStart, context: RecordContext = {}): Promise<AuditReceipt> => {
    const step = inProgress(start);
    refuseRequesterActedOn(parts.requester, { ...start, outcome: 'succeeded' }, sameAccount);
    const ticket = preview(step);
    // The executor's recall just looked (it found this step's in-progress ticket, or nothing): no second look-up.
    const opened = openTickets.get(ticket.externalId);
    if (opened !== undefined) return { ticket_id: opened, created: false };
    const reused = (id: number) =>
      new LifecycleError(
        'audit_rejected',
        `the audit ticket ${id} of this step records another event (its id was reused): not acting`,
      );
    const foreign = foreignOpenTickets.get(ticket.externalId);
    if (foreign !== undefined) {
      foreignOpenTickets.delete(ticket.externalId);
      throw reused(foreign);
    }
    if (lookedUpJustNow(context)) return writeOnce(parts.gateway, ticket, settle, { lookedUpJustNow: true });
    const existing = await findAuditTicket(
      parts.gateway,
      ticket.externalId,
      await serviceIdentity(parts.gateway),
    );
    if (existing !== null && digestFromTags(existing.tags) !== start.step.event_digest)
      throw reused(existing.id);
    if (existing !== null) return { ticket_id: existing.id, created: false };
    return writeOnce(parts.gateway, ticket, settle, { lookedUpJustNow: true });
  };

  const notice = async (n: AuditNotice): Promise<ItsmLogReceipt> => {
    if (!n.attention && settings.assigneeId === undefined && parts.gateway.serviceUserId !== undefined)
      serviceAssigneeId ??= (await serviceIdentity(parts.gateway)) ?? undefined;
    const ticket = buildNoticeTicket(n, {
      requester: parts.requester,
      settings,
      ...(serviceAssigneeId === undefined ? {} : { serviceAssigneeId }),
    });
    const receipt = await writeOnce(parts.gateway, ticket, settle);
    return { ...receipt, external_id: ticket.externalId, ticket_url: auditLinks.ticket(receipt.ticket_id) };
  };

  return {
    log,
    preview,
    begin,
    notice,
    recall: (step) =>
      recallOutcome(parts.gateway, step, (id, sameEvent) =>
        (sameEvent ? openTickets : foreignOpenTickets).set(auditExternalId(step.audit_key), id),
      ),
    record: async (outcome, context) => {
      const { ticket_id, created } = await log(outcome, context);
      return { ticket_id, created };
    },
    priorState: (user) => readPriorState(parts.gateway, user.id),
    comment: async (step, note) => {
      const ticket = await findAuditTicket(
        parts.gateway,
        auditExternalId(step.audit_key),
        await serviceIdentity(parts.gateway),
      );
      if (ticket === null) return null;
      try {
        await parts.gateway.update(ticket.id, noteChanges(note, settings));
      } catch (error) {
        throw parts.gateway.classifyCreateFailure(error) === 'rejected'
          ? auditRejected(error)
          : auditUnavailable(error);
      }
      return ticket.id;
    },
  };
}
