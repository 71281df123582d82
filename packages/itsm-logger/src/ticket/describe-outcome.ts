// Turns one step outcome into the audit document an auditor reads: what happened, which event asked for it,
// which workflow and step, which user, the Zendesk state around it, the requests made and the tickets touched.
// Pure and deterministic: the same outcome always gives the same document, which keeps the ticket body stable
// for Zendesk's idempotency check. Timings are left out for that reason; the ticket's creation time stands in.
import type { StepOutcome } from '@zendesk-lifecycle/core';
import { relatedTicketsBlock } from './describe-related.js';
import { priorStateBlock } from './prior-state-record.js';
import { actedOnUser, stateBlock, userBlock } from './describe-user.js';
import { text, type AuditDocument, type Block, type Fact } from './document.js';
import { oneLine } from './untrusted-text.js';
import type { ZendeskLinks } from './zendesk-links.js';
import type { AuditedStep, TicketOutcome } from './audited-step.js';

export const OUTCOME_LABELS: Record<TicketOutcome, string> = {
  succeeded: 'succeeded',
  already_done: 'already done (Zendesk already showed the wanted state; nothing was changed)',
  refused: 'refused (the action was not attempted)',
  failed: 'failed',
  planned: 'planned (dry run: this is what would be done; nothing was changed)',
  cancelled: 'cancelled (the step waited for its time and was called off; nothing was changed)',
  in_progress: 'in progress (opened before the action; this ticket is completed with its outcome)',
};

const NOT_GIVEN = '(not given)';
const given = (value: string | null): string => (value === null ? NOT_GIVEN : oneLine(value) || NOT_GIVEN);
const fact = (label: string, value: string): Fact => ({ label, value: [text(value)] });

/** "2 of 3": the step's position in the plan, counting from one (`step.index` counts from zero). */
export function stepPosition(step: StepOutcome['step']): string {
  return `${step.index + 1} of ${step.count}`;
}

/** "offboarding" or "offboarding (variant: reversal)". */
export function workflowLabel(outcome: AuditedStep): string {
  const variant = outcome.workflow_variant;
  return variant === null ? outcome.workflow : `${outcome.workflow} (variant: ${oneLine(variant, 80)})`;
}

function outcomeBlock(outcome: AuditedStep): Block {
  const facts = [fact('Outcome', OUTCOME_LABELS[outcome.outcome])];
  if (outcome.dry_run)
    facts.push(fact('Dry run', 'yes: planned and audited, nothing was changed in Zendesk'));
  if (outcome.refusal !== undefined) {
    const { rule, reason } = outcome.refusal;
    facts.push(fact('Refused by rule', oneLine(rule, 120)), fact('Why', oneLine(reason)));
  }
  if (outcome.error !== undefined) {
    const { code, message, retryable } = outcome.error;
    facts.push(fact('Error', `${oneLine(code, 120)}: ${oneLine(message)}`));
    facts.push(fact('Error is retryable', retryable ? 'yes' : 'no'));
  }
  if (outcome.detail !== undefined) facts.push(fact('Detail', oneLine(outcome.detail)));
  return { kind: 'facts', title: 'Outcome', facts };
}

function actionBlock(outcome: AuditedStep): Block {
  const facts = [
    fact('Action', outcome.step.action),
    fact('Step', stepPosition(outcome.step)),
    fact('Workflow', workflowLabel(outcome)),
    fact('Step key', oneLine(outcome.step.idempotency_key)),
  ];
  return { kind: 'facts', title: 'Action', facts };
}

/** The authenticated principal (authcontext), or the direct Kafka publisher when there is none. */
function sentBy(principal: StepOutcome['event']['principal']): string {
  if (!principal) return 'a direct Kafka publisher (no authcontext)';
  return `principal ${oneLine(principal.authid, 256)} (${oneLine(principal.authtype, 40)})`;
}

function eventBlock(outcome: AuditedStep): Block {
  const { event } = outcome;
  const facts = [
    fact('Event id', oneLine(event.id)),
    fact('Type', oneLine(event.type)),
    fact('Source system', oneLine(event.source)),
    fact('Time', given(event.time)),
    fact('Subject', given(event.subject)),
    fact('Requested by', given(event.requested_by)),
    ...(event.principal === undefined ? [] : [fact('Sent by', sentBy(event.principal))]),
    fact('Reason', given(event.reason)),
  ];
  return { kind: 'facts', title: 'Event', facts };
}

function requestsBlock(outcome: AuditedStep): Block {
  const ids = outcome.request_ids.map((id) => text(oneLine(id, 120)));
  const value = ids.length === 0 ? [text('(none)')] : ids;
  return { kind: 'facts', title: 'Zendesk requests', facts: [{ label: 'Request ids', value }] };
}

function summary(outcome: AuditedStep): string {
  const user = actedOnUser(outcome);
  const who = user === null ? 'a user not found in Zendesk' : `${oneLine(user.name, 120)} (#${user.id})`;
  const dryRun = outcome.dry_run ? ' Dry run: nothing was changed in Zendesk.' : '';
  const result = outcome.outcome.replace('_', ' ');
  return `${outcome.step.action} ${result} for ${who}, step ${stepPosition(outcome.step)} of ${outcome.workflow}.${dryRun}`;
}

/** The audit document for `outcome`; `externalId` is the ticket's external id, quoted in the footer. */
export function describeOutcome(
  outcome: AuditedStep,
  links: ZendeskLinks,
  externalId: string,
): AuditDocument {
  const blocks = [
    outcomeBlock(outcome),
    actionBlock(outcome),
    eventBlock(outcome),
    userBlock(outcome, links),
    stateBlock(outcome),
    requestsBlock(outcome),
    relatedTicketsBlock(outcome, links),
    // Last, so that no untrusted text after it can pass for the record (prior-state-record.ts).
    priorStateBlock(outcome),
  ].filter((block): block is Block => block !== null);
  const footer =
    `Written by zendesk-lifecycle. A replay of this step finds this ticket by its external id ` +
    `${oneLine(externalId)}; keep it unchanged.`;
  return { summary: summary(outcome), blocks, footer };
}
