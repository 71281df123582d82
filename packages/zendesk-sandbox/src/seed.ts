// Seed data: a small readable company for the demo and docs, or large generated accounts. Deterministic.
import { CONTRIBUTOR_ROLE_ID, LIGHT_AGENT_ROLE_ID, type TicketStatus, type User } from './model.js';
import type { SandboxState } from './state.js';

interface Person {
  id: number;
  email: string;
  name: string;
  role: 'end-user' | 'agent' | 'admin';
}

const person = (id: number, name: string, role: Person['role'], handle: string): Person => ({
  id,
  name,
  role,
  email: `${handle}@acme.test`,
});

/** The named people of the demo seed, so that docs, tests and the demo scenario can refer to them. */
export const DEMO_PEOPLE = {
  owner: person(1001, 'Olivia Owner', 'admin', 'admin'),
  admin: person(1002, 'Adam Admin', 'admin', 'adam'),
  bot: person(1003, 'Lifecycle Bot', 'admin', 'lifecycle-bot'),
  manager: person(1010, 'Maya Manager', 'agent', 'maya'),
  leaver: person(1011, 'Leo Leaver', 'agent', 'leo'),
  reviewed: person(1012, 'Rita Reviewed', 'agent', 'rita'),
  inactive: person(1013, 'Ivan Inactive', 'agent', 'ivan'),
  rehire: person(1014, 'Rosa Rehire', 'agent', 'rosa'),
  agent: person(1015, 'Alex Agent', 'agent', 'alex'),
  lightAgent: person(1020, 'Lena Light', 'agent', 'lena'),
  lightAgent2: person(1021, 'Luis Light', 'agent', 'luis'),
  contributor: person(1022, 'Carl Contributor', 'agent', 'carl'),
  customer1: person(1030, 'Cora Customer', 'end-user', 'cora'),
  customer2: person(1031, 'Colin Customer', 'end-user', 'colin'),
  customer3: person(1032, 'Cathy Customer', 'end-user', 'cathy'),
} as const;

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

export function seedDemo(state: SandboxState, apiEmail: string): void {
  const p = DEMO_PEOPLE;
  const extra: Partial<Record<keyof typeof DEMO_PEOPLE, Partial<User>>> = {
    owner: { last_login_at: daysAgo(0), email: apiEmail },
    admin: { last_login_at: daysAgo(2) },
    bot: { last_login_at: daysAgo(0) },
    manager: { last_login_at: daysAgo(1) },
    leaver: { last_login_at: daysAgo(3), external_id: 'HR-1011' },
    reviewed: { last_login_at: daysAgo(10), external_id: 'HR-1012' },
    inactive: { last_login_at: daysAgo(200) },
    rehire: { last_login_at: daysAgo(120), suspended: true },
    agent: { last_login_at: null },
    lightAgent: { custom_role_id: LIGHT_AGENT_ROLE_ID, last_login_at: daysAgo(5) },
    lightAgent2: { custom_role_id: LIGHT_AGENT_ROLE_ID, last_login_at: daysAgo(400) },
    contributor: { custom_role_id: CONTRIBUTOR_ROLE_ID, last_login_at: daysAgo(30) },
  };
  for (const [key, who] of Object.entries(p) as Array<[keyof typeof DEMO_PEOPLE, Person]>) {
    state.addUser({ ...who, ...extra[key], created_at: daysAgo(700) });
  }
  state.ownerId = p.owner.id;
  // Groups (S7's reassignment rule needs them): everyone with a full seat is in Support; the owner, who makes the
  // API calls, is not in Escalations, so Escalations tickets of a removed agent go to its first agent instead.
  const fullSeats = [p.owner, p.admin, p.bot, p.manager, p.leaver, p.reviewed, p.inactive, p.rehire, p.agent];
  const support = state.addGroup(
    'Support',
    fullSeats.map((who) => who.id),
    true,
  );
  const escalations = state.addGroup('Escalations', [p.manager.id, p.leaver.id, p.agent.id]);
  const statuses: TicketStatus[] = ['new', 'open', 'pending', 'solved', 'closed'];
  const requesters = [
    p.leaver,
    p.leaver,
    p.leaver,
    p.leaver,
    p.leaver,
    p.inactive,
    p.inactive,
    p.customer1,
    p.customer2,
    p.customer3,
  ];
  const assignees = [p.leaver, p.manager, p.agent, p.inactive, null];
  for (let i = 0; i < 25; i++) {
    const assignee = assignees[i % assignees.length] ?? null;
    state.addTicket({
      id: 101 + i,
      subject: `Demo request ${i + 1}`,
      requester_id: requesters[i % requesters.length]!.id,
      assignee_id: assignee?.id ?? null,
      // Every other ticket of the leaver's sits in Escalations (ids 106 and 116).
      group_id: assignee === null ? null : assignee === p.leaver && i % 2 === 1 ? escalations.id : support.id,
      status: statuses[i % statuses.length]!,
      created_at: daysAgo(60 - i),
    });
  }
}

/** A large account: `users` users (mostly agents, some admins, light agents, contributors, end users). */
export function seedGenerated(
  state: SandboxState,
  apiEmail: string,
  counts: { users: number; tickets: number },
  random: () => number,
): void {
  state.addUser({
    id: 1,
    name: 'Account Owner',
    email: apiEmail,
    role: 'admin',
    last_login_at: new Date().toISOString(),
  });
  state.ownerId = 1;
  for (let i = 0; i < counts.users; i++) {
    const r = random();
    const role = r < 0.05 ? 'admin' : r < 0.85 ? 'agent' : 'end-user';
    const seat = random();
    const never = random() < 0.05;
    state.addUser({
      id: 100_000 + i,
      name: `User ${i}`,
      email: `user${i}@bulk.test`,
      role,
      custom_role_id:
        role === 'agent'
          ? seat < 0.1
            ? LIGHT_AGENT_ROLE_ID
            : seat < 0.15
              ? CONTRIBUTOR_ROLE_ID
              : null
          : null,
      suspended: random() < 0.05,
      last_login_at: never ? null : daysAgo(Math.floor(random() * 730)),
      external_id: `EXT-${i}`,
    });
  }
  const fullSeats = [...state.users.values()].filter(
    (u) => u.role === 'admin' || (u.role === 'agent' && u.role_type === 0),
  );
  state.addGroup(
    'Support',
    fullSeats.map((u) => u.id),
    true,
  );
  const ids = state.userIds.ids;
  const statuses: TicketStatus[] = ['new', 'open', 'pending', 'solved', 'closed'];
  for (let i = 0; i < counts.tickets; i++) {
    state.addTicket({
      subject: `Ticket ${i}`,
      requester_id: ids[Math.floor(random() * ids.length)]!,
      assignee_id: null,
      status: statuses[Math.floor(random() * statuses.length)]!,
    });
  }
}
