// The record key check, pure and through the pipeline: a record keyed as another user is dead-lettered untouched.
import { describe, expect, it } from 'vitest';
import { InMemoryBrake, createLifecycleEvent, defaultPolicy } from '@zendesk-lifecycle/core';
import { MemoryAudit, MemoryZendesk, user } from '@zendesk-lifecycle/core/testing';
import { createLogger } from '@zendesk-lifecycle/service-runtime';
import { createRecordProcessor } from './process-record.js';
import { keyMismatch } from './record-key.js';

const event = createLifecycleEvent({
  type: 'lifecycle.access_revoked.v1',
  source: 'hr/test',
  user: { id: 42, email: 'Leo@Acme.test', external_id: 'E-42' },
});

describe('keyMismatch', () => {
  it('accepts no key, the producer key and every form of the user identifiers', () => {
    for (const key of [
      null,
      undefined,
      '',
      'id:42',
      '42',
      'external_id:E-42',
      'email:leo@acme.test',
      'LEO@acme.test',
    ]) {
      expect(keyMismatch(key, event)).toBeUndefined();
    }
  });

  it('names a key that belongs to another user', () => {
    expect(keyMismatch('id:7', event)).toBe(
      'the record key "id:7" names another user than the event (expected "id:42")',
    );
    expect(keyMismatch('email:maya@acme.test', event)).toMatch(/names another user/);
    expect(keyMismatch('external_id:E-4', event)).toMatch(/names another user/);
  });
});

describe('the pipeline and the record key', () => {
  const setup = () => {
    const zendesk = new MemoryZendesk([user({ id: 42, email: 'leo@acme.test', role: 'agent' })]);
    const audit = new MemoryAudit();
    const policy = defaultPolicy();
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
    return { zendesk, audit, process };
  };
  const record = (key: string) => ({
    value: JSON.stringify(event),
    headers: { 'content-type': 'application/cloudevents+json' },
    finalAttempt: false,
    key,
  });

  it('dead-letters a record keyed as another user, before anything is looked up or audited', async () => {
    const { zendesk, audit, process } = setup();
    const verdict = await process(record('id:7'));
    expect(verdict).toMatchObject({ kind: 'dead_letter', reason: 'key_mismatch' });
    expect(zendesk.calls).toEqual([]);
    expect(audit.tickets.size).toBe(0);
  });

  it('processes a record keyed as its user', async () => {
    const { audit, process } = setup();
    const verdict = await process(record('id:42'));
    expect(verdict.kind).toBe('done');
    expect(audit.tickets.size).toBeGreaterThan(0);
  });
});
