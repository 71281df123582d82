// Sandbox helpers for the logger's tests: a client with quick retries, and the audit tickets in the state.
import { DEMO_PEOPLE, type RunningSandbox, type Ticket } from '@zendesk-lifecycle/zendesk-sandbox';
import { createZendeskClient, type ZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import type { StepOutcome, UserSnapshot } from '@zendesk-lifecycle/core';
import { createItsmLogger, type ItsmLogger, type ItsmLoggerOptions } from '../itsm-logger.js';
import { AUDIT_TAG } from '../ticket/tags.js';
import { anOutcome, aUser } from './outcomes.js';

/** The service identity of the demo seed: Lifecycle Bot. */
export const SERVICE_EMAIL = DEMO_PEOPLE.bot.email;

export function clientFor(sandbox: RunningSandbox, extra: Record<string, unknown> = {}): ZendeskClient {
  return createZendeskClient({
    baseUrl: sandbox.url,
    email: sandbox.credentials.email,
    apiToken: sandbox.credentials.token,
    timeoutMs: 2_000,
    retry: { retries: 2, initialDelayMs: 10, maxDelayMs: 50 },
    ...extra,
  });
}

export function loggerFor(
  sandbox: RunningSandbox,
  options: Partial<ItsmLoggerOptions> & { client?: Record<string, unknown> } = {},
): ItsmLogger {
  const { client, ...rest } = options;
  return createItsmLogger({
    zendesk: clientFor(sandbox, client),
    requester: { email: SERVICE_EMAIL },
    settle: { attempts: 5, delayMs: 50 },
    ...rest,
  });
}

/** Every audit ticket in the sandbox, optionally only those of one external id. */
export function auditTickets(sandbox: RunningSandbox, externalId?: string): Ticket[] {
  return [...sandbox.state.tickets.values()].filter(
    (t) => t.tags.includes(AUDIT_TAG) && (externalId === undefined || t.external_id === externalId),
  );
}

/** A demo person as the logger sees a Zendesk user. */
export function demoUser(who: keyof typeof DEMO_PEOPLE, overrides: Partial<UserSnapshot> = {}): UserSnapshot {
  const person = DEMO_PEOPLE[who];
  return aUser({
    id: person.id,
    name: person.name,
    email: person.email,
    external_id: null,
    role: person.role,
    ...overrides,
  });
}

/** A succeeded suspend of Rita Reviewed in an access review; override anything. */
export function ritaSuspended(overrides: Partial<StepOutcome> = {}): StepOutcome {
  const rita = demoUser('reviewed');
  return anOutcome({
    user: { ...rita, suspended: true },
    user_ref: { email: rita.email ?? '' },
    before: rita,
    after: { ...rita, suspended: true },
    ...overrides,
  });
}
