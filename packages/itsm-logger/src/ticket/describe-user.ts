// The user part of an audit comment: who was acted on, and their Zendesk state before and after the action.
import type { UserRef, UserSnapshot } from '@zendesk-lifecycle/core';
import { text, type Block, type Fact, type Phrase } from './document.js';
import { oneLine } from './untrusted-text.js';
import type { ZendeskLinks } from './zendesk-links.js';
import type { AuditedStep } from './audited-step.js';

// role_type 0 (custom agent) is left out: the custom role id, when there is one, says more.
const ROLE_TYPE_NAMES: Record<number, string> = {
  1: 'light agent',
  2: 'chat agent',
  3: 'contributor',
  4: 'admin',
  5: 'billing admin',
};

const NONE = '(none)';

/** The user as Zendesk showed it: the snapshot taken for the step, else the state before or after it. */
export function actedOnUser(outcome: AuditedStep): UserSnapshot | null {
  return outcome.user ?? outcome.before ?? outcome.after;
}

/** "agent (light agent)", "agent (custom role 42)", "end-user". */
export function describeRole(user: UserSnapshot): string {
  const details: string[] = [];
  const typeName = user.role_type === null ? undefined : ROLE_TYPE_NAMES[user.role_type];
  if (typeName !== undefined && typeName !== user.role) details.push(typeName);
  if (user.custom_role_id !== null) details.push(`custom role ${user.custom_role_id}`);
  return details.length === 0 ? user.role : `${user.role} (${details.join(', ')})`;
}

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

function describeRef(ref: UserRef): Phrase[] {
  const parts: Phrase[] = [];
  if (ref.id !== undefined) parts.push(text(`id ${ref.id}`));
  if (ref.email !== undefined) parts.push(text(`email ${oneLine(ref.email)}`));
  if (ref.external_id !== undefined) parts.push(text(`external id ${oneLine(ref.external_id)}`));
  return parts.length === 0 ? [text(NONE)] : parts;
}

function snapshotFacts(user: UserSnapshot, links: ZendeskLinks): Fact[] {
  const facts: Fact[] = [
    { label: 'Id', value: [{ text: String(user.id), href: links.user(user.id) }] },
    { label: 'Name', value: [text(oneLine(user.name) || NONE)] },
    { label: 'Email', value: [text(user.email === null ? NONE : oneLine(user.email))] },
    { label: 'External id', value: [text(user.external_id === null ? NONE : oneLine(user.external_id))] },
    { label: 'Last sign-in', value: [text(user.last_login_at ?? 'never')] },
  ];
  if (user.is_account_owner === true) facts.push({ label: 'Account owner', value: [text('yes')] });
  return facts;
}

/** The "User" block: the Zendesk user with a link, or how the event named a user that was not found. */
export function userBlock(outcome: AuditedStep, links: ZendeskLinks): Block {
  const user = actedOnUser(outcome);
  const facts: Fact[] =
    user === null ? [{ label: 'Found in Zendesk', value: [text('no')] }] : snapshotFacts(user, links);
  facts.push({ label: 'Named by the event as', value: describeRef(outcome.user_ref) });
  return { kind: 'facts', title: 'User', facts };
}

/** "3, 7", "(none)", or "(not read)" when the groups were not looked up for this step. */
function groupsCell(user: UserSnapshot): string {
  if (user.group_ids === undefined) return '(not read)';
  return user.group_ids.length === 0 ? NONE : user.group_ids.join(', ');
}

function stateCells(user: UserSnapshot | null): [string, string, string, string] {
  if (user === null) return [NONE, NONE, NONE, NONE];
  return [describeRole(user), yesNo(user.suspended), groupsCell(user), user.active ? 'yes' : 'no (deleted)'];
}

/** The "Zendesk state" block: role (and custom role), suspended, groups and active, before and after the action. */
export function stateBlock(outcome: AuditedStep): Block {
  const before = stateCells(outcome.before);
  const after = stateCells(outcome.after);
  const labels = ['Role', 'Suspended', 'Groups', 'Active'] as const;
  return {
    kind: 'comparison',
    title: 'Zendesk state',
    headings: ['', 'Before', 'After'],
    rows: labels.map((label, i) => [label, before[i] ?? NONE, after[i] ?? NONE] as const),
  };
}
