// Issue 19 through the consumer's pipeline, with the real client, the real ITSM logger and the sandbox over HTTP:
// if the in-progress audit ticket cannot be written, the user is not deleted (no DELETE reaches Zendesk) and the
// record waits (a retry verdict: Zendesk down, or the audit identity may not write) or, when Zendesk refuses the
// ticket itself, dead-letters. Core's
// executor/audit-first.test.ts proves the same order with fakes; this proves the wiring keeps it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryBrake, createLifecycleEvent, defaultPolicy, eventKey } from '@zendesk-lifecycle/core';
import { createItsmLogger } from '@zendesk-lifecycle/itsm-logger';
import { createLogger } from '@zendesk-lifecycle/service-runtime';
import { createZendeskClient, type ZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { createRecordProcessor } from './process-record.js';

const READ_ONLY = { identifier: 'audit-read-only', secret: 'read-only-secret', scopes: ['read'] };
let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 5 });
});
afterAll(async () => {
  await sandbox.stop();
});
/** A leaver with no open requested tickets, so that Zendesk lets them be deleted. */
const LEAVER = { id: 5001, name: 'Dee Parted', email: 'dee@acme.test' };
beforeEach(() => {
  sandbox.reset('demo');
  sandbox.oauth.setClient(READ_ONLY);
  sandbox.state.addUser({ ...LEAVER, role: 'end-user' });
  ticketsBefore = sandbox.state.tickets.size;
});
let ticketsBefore = 0;

const retry = { retries: 0, initialDelayMs: 10, maxDelayMs: 20 };
const adminClient = () =>
  createZendeskClient({
    baseUrl: sandbox.url,
    email: sandbox.credentials.email,
    apiToken: sandbox.credentials.token,
    retry,
  });

/** The pipeline acting with the admin client, writing audit tickets with `auditClient`. */
function pipeline(auditClient: ZendeskClient) {
  const policy = defaultPolicy();
  const target = adminClient();
  return createRecordProcessor({
    zendesk: target.asPort({ destinationWaitMs: 0 }),
    audit: createItsmLogger({ zendesk: auditClient, requester: { email: DEMO_PEOPLE.bot.email } }),
    policy,
    protectedUsers: { ids: [], emails: [DEMO_PEOPLE.bot.email], external_ids: [] },
    brake: new InMemoryBrake(policy.blast_radius),
    dryRun: false,
    allowIrreversible: true,
    eventMaxBytes: 256 * 1024,
    resultSource: 'test',
    logger: createLogger({ level: 'silent', pretty: false }),
  });
}

/** A deprovision of the leaver, as a record the consumer reads. */
function record() {
  const event = createLifecycleEvent({
    source: 'hr/test',
    type: 'lifecycle.offboarding.v1',
    user: { id: LEAVER.id },
    actions: ['deprovision'],
  });
  return {
    value: JSON.stringify(event),
    headers: { 'content-type': 'application/cloudevents+json' },
    key: eventKey(event),
    finalAttempt: false,
  };
}

const deletes = () =>
  sandbox.state.requestLog.filter((r) => r.method === 'DELETE' && r.path.includes('/users/'));
const leaverActive = () => sandbox.state.users.get(LEAVER.id)?.active === true;

describe('no delete without its audit ticket, through the consumer pipeline', () => {
  it('control: with the audit account writable, the leaver is deleted after the in-progress ticket', async () => {
    const verdict = await pipeline(adminClient())(record());
    expect(verdict).toMatchObject({ kind: 'done' });
    expect(leaverActive()).toBe(false);
    const log = sandbox.state.requestLog.map((r) => `${r.method} ${r.path}`);
    const firstTicket = log.findIndex((l) => l.startsWith('POST /api/v2/tickets'));
    const firstDelete = log.findIndex((l) => l.startsWith('DELETE /api/v2/users/'));
    expect(firstTicket).toBeGreaterThanOrEqual(0);
    expect(firstDelete).toBeGreaterThan(firstTicket);
  });

  it('the audit account is down (503 on every ticket write): nothing deleted, the record waits', async () => {
    sandbox.faults.set({ route: 'POST /tickets', errorRate: 1, status: 503 });
    const verdict = await pipeline(adminClient())(record());
    expect(verdict).toMatchObject({ kind: 'retry', reason: 'audit_unavailable' });
    expect(deletes()).toEqual([]);
    expect(leaverActive()).toBe(true);

    // Once the audit account answers again, the redelivered record deletes, after writing its ticket.
    sandbox.faults.clear();
    expect(await pipeline(adminClient())(record())).toMatchObject({ kind: 'done' });
    expect(leaverActive()).toBe(false);
  });

  it('the audit account may not write tickets (403): nothing deleted, the record waits for an operator', async () => {
    // itsm-logger: a permission refusal is fixed by an operator without touching the event, so it waits.
    const readOnly = createZendeskClient({
      baseUrl: sandbox.url,
      oauthClientId: READ_ONLY.identifier,
      oauthClientSecret: READ_ONLY.secret,
      oauthScopes: 'read',
      retry,
    });
    const verdict = await pipeline(readOnly)(record());
    expect(verdict).toMatchObject({ kind: 'retry', reason: 'audit_unavailable' });
    expect(verdict.kind === 'retry' && verdict.error).toContain('403');
    expect(deletes()).toEqual([]);
    expect(leaverActive()).toBe(true);
  });

  it('Zendesk refuses the ticket itself (422): nothing deleted, the record dead-letters', async () => {
    sandbox.faults.set({ route: 'POST /tickets', errorRate: 1, status: 422 });
    const verdict = await pipeline(adminClient())(record());
    expect(verdict).toMatchObject({ kind: 'dead_letter', reason: 'audit_rejected' });
    expect(deletes()).toEqual([]);
    expect(leaverActive()).toBe(true);
    expect(sandbox.state.tickets.size).toBe(ticketsBefore);
  });
});
