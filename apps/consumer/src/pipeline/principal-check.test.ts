// The consumer checks the principal again against its policy: an unknown principal, rights exceeded, or a direct
// publisher outside its rights is dead-lettered untouched; an allowed one is acted on and named in the result.
import { describe, expect, it } from 'vitest';
import {
  InMemoryBrake,
  createLifecycleEvent,
  parsePolicy,
  type LifecycleEvent,
  type NewEvent,
} from '@zendesk-lifecycle/core';
import { MemoryAudit, MemoryZendesk, user } from '@zendesk-lifecycle/core/testing';
import { createLogger } from '@zendesk-lifecycle/service-runtime';
import { createRecordProcessor } from './process-record.js';

const policy = parsePolicy({
  principals: {
    okta: {
      credentials: { tokens: [{ env: 'OKTA_TOKEN' }] },
      sources: ['idp/okta'],
      types: ['lifecycle.access_revoked.v1'],
      actions: ['suspend'],
    },
  },
  direct_publishers: { sources: ['hr/kafka'], types: ['lifecycle.license_reclaim.v1'] },
});

const setup = () => {
  const zendesk = new MemoryZendesk([user({ id: 42, email: 'leo@acme.test', role: 'agent' })]);
  const audit = new MemoryAudit();
  const process = createRecordProcessor({
    zendesk,
    audit,
    policy,
    protectedUsers: { ids: [], emails: [], external_ids: [] },
    brake: new InMemoryBrake(policy.blast_radius),
    dryRun: false,
    allowIrreversible: false,
    eventMaxBytes: 256 * 1024,
    resultSource: 'test',
    logger: createLogger({ level: 'silent', pretty: false }),
  });
  const run = (event: LifecycleEvent) =>
    process({
      value: JSON.stringify(event),
      headers: { 'content-type': 'application/cloudevents+json' },
      finalAttempt: false,
    });
  return { zendesk, audit, run };
};

const event = (input: Partial<NewEvent>, authid?: string): LifecycleEvent => {
  const built = createLifecycleEvent({
    type: 'lifecycle.access_revoked.v1',
    source: 'idp/okta',
    user: { id: 42 },
    ...input,
  });
  return authid === undefined ? built : { ...built, authtype: 'service_account', authid };
};

describe('the consumer re-checks the principal', () => {
  it.each([
    ['an unknown principal', event({}, 'mallory'), 'unknown principal "mallory"'],
    ['a source outside its rights', event({ source: 'hr/x' }, 'okta'), 'principal "okta" may not use source'],
    [
      'an action it may not name',
      event({ actions: ['deprovision'] }, 'okta'),
      'principal "okta" may not ask for deprovision',
    ],
    [
      'a direct publisher sending a type not allowed to them',
      event({ source: 'hr/kafka' }),
      'a direct publisher (no authcontext) may not send lifecycle.access_revoked.v1',
    ],
  ])('dead-letters %s before anything is looked up or audited', async (_, input, reason) => {
    const { zendesk, audit, run } = setup();
    const verdict = await run(input);
    expect(verdict).toMatchObject({ kind: 'dead_letter', reason: 'unauthorized_principal' });
    expect(verdict.kind === 'dead_letter' && verdict.error).toContain(reason);
    expect(zendesk.calls).toEqual([]);
    expect(audit.tickets.size).toBe(0);
  });

  it('acts for a principal within its rights and names it in the audit record and the result', async () => {
    const { zendesk, audit, run } = setup();
    const verdict = await run(event({ actions: ['suspend'] }, 'okta'));
    expect(verdict.kind).toBe('done');
    expect(zendesk.calls).toContain('suspend:42');
    const [outcome] = [...audit.tickets.values()];
    expect(outcome?.outcome.event.principal).toEqual({ authtype: 'service_account', authid: 'okta' });
    const result = JSON.parse(verdict.kind === 'done' ? verdict.result.value : '{}');
    expect(result.data.principal).toEqual({ authtype: 'service_account', authid: 'okta' });
  });

  it('acts for a direct publisher within their rights, with no principal in the result', async () => {
    const { run } = setup();
    const verdict = await run(event({ type: 'lifecycle.license_reclaim.v1', source: 'hr/kafka' }));
    expect(verdict.kind).toBe('done');
    expect(JSON.parse(verdict.kind === 'done' ? verdict.result.value : '{}').data.principal).toBeNull();
  });
});
