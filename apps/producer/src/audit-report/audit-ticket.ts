// Reads one audit ticket back into facts, as packages/itsm-logger writes it (its README, "The ticket"): the tags
// (itsm_audit, action_, workflow_, variant_, outcome_, dry_run, event_digest_, zl_user_), and the plain comment's
// facts ("  Label: value" lines under upper-case block titles: OUTCOME, ACTION, EVENT, USER) and its last block,
// the prior-state record after the marker `zendesk-lifecycle-prior-state`. Pure: no I/O. A ticket that is not an
// audit ticket of a step (no itsm_audit tag, a notice, no event id) reads as null.

/** What the report needs of a Zendesk ticket (a search result). */
export interface TicketLike {
  id: number;
  external_id?: string | null;
  status?: string;
  tags: string[];
  description?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  submitter_id?: number | null;
}

/** One audit ticket: one step of one event, as the audit trail records it. */
export interface AuditedStepTicket {
  ticket_id: number;
  external_id: string | null;
  status: string | null;
  created_at: string | null;
  updated_at: string | null;
  submitter_id: number | null;
  action: string | null;
  workflow: string | null;
  variant: string | null;
  /** The outcome tag: succeeded, already_done, refused, failed, planned, cancelled, in_progress. */
  outcome: string | null;
  dry_run: boolean;
  event_digest: string | null;
  user_id: number | null;
  event: {
    id: string;
    type: string | null;
    source: string | null;
    time: string | null;
    requested_by: string | null;
    reason: string | null;
    /** The authenticated principal that sent the event (`Sent by` fact); null for a direct Kafka publisher. */
    principal: { authid: string; authtype: string } | null;
  };
  step: { index: number | null; count: number | null; key: string | null };
  user: { name: string | null; email: string | null };
  refusal: { rule: string; reason: string | null } | null;
  error: { code: string; message: string } | null;
}

const AUDIT_TAG = 'itsm_audit';
const NOT_GIVEN = '(not given)';
const NONE = '(none)';

/** The one value of a tag prefix (`outcome_succeeded` -> `succeeded`), or null when none or several. */
function tagValue(tags: readonly string[], prefix: string): string | null {
  const values = tags.filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length));
  return values.length === 1 ? values[0]! : null;
}

/** The plain comment's facts per block title: `EVENT` -> `Event id` -> `zl-1`. */
export function readFacts(description: string): Map<string, Map<string, string>> {
  const blocks = new Map<string, Map<string, string>>();
  for (const chunk of description.replace(/\r\n/g, '\n').split(/\n\s*\n/)) {
    const [title, ...lines] = chunk.split('\n');
    if (title === undefined || !/^[A-Z][A-Z0-9 ,()'-]*$/.test(title.trim())) continue;
    const facts = new Map<string, string>();
    for (const line of lines) {
      const match = /^ {2}([^:]+): (.*)$/.exec(line);
      if (match && !facts.has(match[1]!)) facts.set(match[1]!, match[2]!);
    }
    if (!blocks.has(title.trim())) blocks.set(title.trim(), facts);
  }
  return blocks;
}

const given = (value: string | undefined): string | null =>
  value === undefined || value === NOT_GIVEN || value === NONE || value === '' ? null : value;

/** "principal svc-hr (api_key)" -> { authid: 'svc-hr', authtype: 'api_key' }; a direct publisher -> null. */
function principalOf(sentBy: string | undefined): AuditedStepTicket['event']['principal'] {
  const match = sentBy === undefined ? null : /^principal (.+) \(([^()]*)\)$/.exec(sentBy);
  return match ? { authid: match[1]!, authtype: match[2]! } : null;
}

/** "2 of 3" -> { index: 1, count: 3 }. */
function stepOf(position: string | undefined): { index: number | null; count: number | null } {
  const match = position === undefined ? null : /^(\d+) of (\d+)$/.exec(position);
  return match ? { index: Number(match[1]) - 1, count: Number(match[2]) } : { index: null, count: null };
}

/** "1012 (https://acme.zendesk.com/agent/users/1012)" -> 1012. */
function idOf(value: string | undefined): number | null {
  const match = value === undefined ? null : /^(\d+)/.exec(value);
  return match ? Number(match[1]) : null;
}

/** The audit ticket's facts, or null when the ticket is not the audit ticket of a step. */
export function readAuditTicket(ticket: TicketLike): AuditedStepTicket | null {
  const tags = ticket.tags ?? [];
  if (!tags.includes(AUDIT_TAG)) return null;
  const facts = readFacts(ticket.description ?? '');
  const event = facts.get('EVENT');
  const eventId = given(event?.get('Event id'));
  if (eventId === null) return null;
  const action = facts.get('ACTION');
  const outcome = facts.get('OUTCOME');
  const user = facts.get('USER');
  const rule = given(outcome?.get('Refused by rule'));
  const error = given(outcome?.get('Error'));
  const errorAt = error === null ? -1 : error.indexOf(': ');
  const userId = tagValue(tags, 'zl_user_');
  return {
    ticket_id: ticket.id,
    external_id: ticket.external_id ?? null,
    status: ticket.status ?? null,
    created_at: ticket.created_at ?? null,
    updated_at: ticket.updated_at ?? null,
    submitter_id: ticket.submitter_id ?? null,
    action: tagValue(tags, 'action_') ?? given(action?.get('Action')),
    workflow: tagValue(tags, 'workflow_'),
    variant: tagValue(tags, 'variant_'),
    outcome: tagValue(tags, 'outcome_'),
    dry_run: tags.includes('dry_run'),
    event_digest: tagValue(tags, 'event_digest_'),
    user_id: userId !== null && /^\d+$/.test(userId) ? Number(userId) : idOf(user?.get('Id')),
    event: {
      id: eventId,
      type: given(event?.get('Type')),
      source: given(event?.get('Source system')),
      time: given(event?.get('Time')),
      requested_by: given(event?.get('Requested by')),
      reason: given(event?.get('Reason')),
      principal: principalOf(event?.get('Sent by')),
    },
    step: { ...stepOf(action?.get('Step')), key: given(action?.get('Step key')) },
    user: { name: given(user?.get('Name')), email: given(user?.get('Email')) },
    refusal: rule === null ? null : { rule, reason: given(outcome?.get('Why')) },
    error:
      error === null
        ? null
        : errorAt < 0
          ? { code: error, message: '' }
          : { code: error.slice(0, errorAt), message: error.slice(errorAt + 2) },
  };
}
