import { describe, expect, it } from 'vitest';
import { auditKey, type ResultEvent } from '@zendesk-lifecycle/core';
import { readResult, stateWritesOf } from './derive.js';
import { decodeState, ExpectedState } from './state.js';

const step = (index: number, action: string, outcome: string) => ({
  index,
  action,
  outcome,
  audit_ticket_id: 100 + index,
  recalled: false,
  started_at: '2026-12-01T10:00:00.000Z',
  finished_at: '2026-12-01T10:00:01.000Z',
  duration_ms: 1000,
});

function result(steps: ReturnType<typeof step>[], overrides: Partial<ResultEvent['data']> = {}): ResultEvent {
  return readResult(
    JSON.stringify({
      specversion: '1.0',
      id: 'result:hr:e1',
      source: 'test',
      type: 'lifecycle.result.v1',
      time: '2026-12-01T10:00:02.000Z',
      subject: 'id:42',
      datacontenttype: 'application/json',
      data: {
        source_event: { id: 'e1', source: 'hr', type: 'lifecycle.offboarding.v1' },
        zendesk_user_id: 42,
        principal: null,
        workflow: 'offboarding',
        workflow_variant: null,
        dry_run: false,
        plan: steps.map((s) => s.action),
        status: 'completed',
        steps,
        started_at: '2026-12-01T10:00:00.000Z',
        finished_at: '2026-12-01T10:00:02.000Z',
        duration_ms: 2000,
        ...overrides,
      },
    }),
  )!;
}

describe('what a result asks the loop to wait for', () => {
  it('one expectation per succeeded step that expects an event, and the removal', () => {
    const writes = stateWritesOf(
      result([
        step(0, 'transfer_data', 'succeeded'),
        step(1, 'downgrade', 'succeeded'),
        step(2, 'suspend', 'already_done'),
      ]),
      { partition: 3, windowMinutes: 15 },
    );
    const key = auditKey({ source: 'hr', id: 'e1' }, 1, 'downgrade');
    expect(writes.map(([k]) => k)).toEqual([`exp:${key}`, 'removed:42']);
    expect(writes[0]![1]).toMatchObject({
      kind: 'expectation',
      user_id: 42,
      step: { action: 'downgrade', audit_key: key, audit_ticket_id: 101 },
      due_at: '2026-12-01T10:15:02.000Z',
      owner_partition: 3,
    });
    expect(writes[1]![1]).toMatchObject({ removal: { actions: ['downgrade', 'suspend'] } });
  });

  it('our re-hire ends the removal; dry runs and unknown users ask nothing', () => {
    const rehire = stateWritesOf(result([step(0, 'unsuspend', 'succeeded')]), {
      partition: 0,
      windowMinutes: 15,
    });
    expect(rehire.map(([k, v]) => [k, v?.kind ?? null])).toEqual([
      [`exp:${auditKey({ source: 'hr', id: 'e1' }, 0, 'unsuspend')}`, 'expectation'],
      ['removed:42', null],
    ]);
    expect(
      stateWritesOf(result([step(0, 'downgrade', 'planned')], { dry_run: true }), {
        partition: 0,
        windowMinutes: 15,
      }),
    ).toEqual([]);
    expect(
      stateWritesOf(result([step(0, 'downgrade', 'failed')], { zendesk_user_id: null }), {
        partition: 0,
        windowMinutes: 15,
      }),
    ).toEqual([]);
  });

  it('reads only results from the results topic', () => {
    expect(readResult(JSON.stringify({ type: 'lifecycle.confirmation.v1' }))).toBeNull();
    expect(readResult('not json')).toBeNull();
    expect(readResult(null)).toBeNull();
  });
});

describe('the state index', () => {
  it('keeps the latest record per key and forgets a key on its tombstone', () => {
    const state = new ExpectedState();
    for (const [key, record] of stateWritesOf(result([step(0, 'downgrade', 'succeeded')]), {
      partition: 0,
      windowMinutes: 15,
    })) {
      const decoded = decodeState(key, JSON.stringify(record));
      expect(decoded.kind).toBe('put');
      if (decoded.kind === 'put') state.apply(decoded.key, decoded.record);
    }
    expect(state.expectationsOf(42)).toHaveLength(1);
    expect(state.removals.get(42)?.removal.actions).toEqual(['downgrade']);
    state.apply('removed:42', null);
    state.apply(state.expectationsOf(42)[0]![0], null);
    expect(state.removals.size + state.expectations.size).toBe(0);
    expect(decodeState('x', '{"kind":"nope"}')).toEqual({ kind: 'invalid' });
  });
});
