import confirmation from '../../schemas/lifecycle.confirmation.v1.schema.json' with { type: 'json' };
import drift from '../../schemas/lifecycle.drift.v1.schema.json' with { type: 'json' };
import accessRevoked from '../../schemas/lifecycle.access_revoked.v1.schema.json' with { type: 'json' };
import inactivity from '../../schemas/lifecycle.inactivity.v1.schema.json' with { type: 'json' };
import licenseReclaim from '../../schemas/lifecycle.license_reclaim.v1.schema.json' with { type: 'json' };
import offboarding from '../../schemas/lifecycle.offboarding.v1.schema.json' with { type: 'json' };
import rehire from '../../schemas/lifecycle.rehire.v1.schema.json' with { type: 'json' };
import result from '../../schemas/lifecycle.result.v1.schema.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { createLifecycleEvent, eventKey } from './build-event.js';
import { eventJsonSchemas } from './json-schemas.js';
import { parseHttpEvents } from './parse-http.js';
import { parseKafkaRecord } from './parse-kafka.js';
import { userKey } from './user-key.js';

const valid = {
  specversion: '1.0',
  id: 'evt-1',
  source: 'hr/workday',
  type: 'lifecycle.offboarding.v1',
  time: '2026-11-20T10:00:00Z',
  subject: 'email:leaver@acme.test',
  data: { user: { email: 'leaver@acme.test' }, transfer_to: { id: 42 }, reason: 'left the company' },
};
const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

describe('parsing Kafka records', () => {
  it('accepts a structured-mode event', () => {
    const result = parseKafkaRecord({
      value: enc(valid),
      headers: { 'content-type': 'application/cloudevents+json' },
    });
    expect(result.ok && result.event.data.transfer_to).toEqual({ id: 42 });
  });

  it('accepts a binary-mode event from ce_ headers', () => {
    const headers = {
      ce_specversion: '1.0',
      ce_id: 'evt-2',
      ce_source: 'idp/okta',
      ce_type: 'lifecycle.access_revoked.v1',
      'content-type': 'application/json',
    };
    const result = parseKafkaRecord({ value: enc({ user: { id: 7 } }), headers });
    expect(result.ok && result.event.type).toBe('lifecycle.access_revoked.v1');
  });

  it.each([
    [null, 'empty'],
    ['{not json', 'not_json'],
    [JSON.stringify({ ...valid, type: 'lifecycle.unknown.v1' }), 'unknown_type'],
    [JSON.stringify({ ...valid, specversion: '0.3' }), 'invalid_envelope'],
    [JSON.stringify({ ...valid, data: { user: {} } }), 'invalid_data'],
    [JSON.stringify({ ...valid, subject: 'email:someone@else.test' }), 'subject_mismatch'],
  ])('rejects %s as %s', (value, code) => {
    const result = parseKafkaRecord({ value: value === null ? null : enc(value) });
    expect(result.ok ? 'ok' : result.error.code).toBe(code);
  });

  it('says exactly which field is wrong', () => {
    const result = parseKafkaRecord({
      value: enc({ ...valid, data: { user: { email: 'not-an-email' }, actions: ['fly'] } }),
    });
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.error.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['data.user.email', 'data.actions.0']));
  });

  it('refuses records over the size limit', () => {
    const big = enc({ ...valid, data: { ...valid.data, reason: 'x'.repeat(5000) } });
    const result = parseKafkaRecord({ value: big }, { maxBytes: 1024 });
    expect(result.ok ? 'ok' : result.error.code).toBe('too_large');
  });
});

describe('parsing HTTP requests', () => {
  it('reads a batch, one result per event', () => {
    const parsed = parseHttpEvents({
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify([valid, { ...valid, id: '' }]),
    });
    expect(parsed.ok && parsed.mode).toBe('batch');
    expect(parsed.ok && parsed.results.map((r) => r.ok)).toEqual([true, false]);
  });

  it('reads binary mode from ce- headers', () => {
    const parsed = parseHttpEvents({
      headers: {
        'ce-specversion': '1.0',
        'ce-id': 'x',
        'ce-source': 's',
        'ce-type': 'lifecycle.rehire.v1',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ user: { external_id: 'E-1' } }),
    });
    expect(parsed.ok && parsed.mode).toBe('binary');
    expect(parsed.ok && parsed.results[0]!.ok).toBe(true);
  });
});

describe('building events', () => {
  it('fills id, time and subject, and keys by the most stable identifier', () => {
    const event = createLifecycleEvent({
      type: 'lifecycle.license_reclaim.v1',
      source: 'test',
      user: { email: 'A@acme.test', external_id: 'E-9' },
    });
    expect(event.id).toMatch(/[0-9a-f-]{36}/);
    expect(event.subject).toBe('external_id:E-9');
    expect(eventKey(event)).toBe('external_id:E-9');
    expect(userKey({ id: 5, email: 'x@y.z' })).toBe('id:5');
    expect(userKey({ email: 'X@Y.Z' })).toBe('email:x@y.z');
  });

  it('refuses to build an invalid event', () => {
    expect(() => createLifecycleEvent({ type: 'lifecycle.offboarding.v1', source: 's', user: {} })).toThrow(
      /data.user/,
    );
  });
});

describe('JSON Schemas', () => {
  it('match the checked-in files (regenerate with scripts/generate-schemas.ts)', () => {
    const checkedIn: Record<string, unknown> = {
      'lifecycle.offboarding.v1.schema.json': offboarding,
      'lifecycle.access_revoked.v1.schema.json': accessRevoked,
      'lifecycle.license_reclaim.v1.schema.json': licenseReclaim,
      'lifecycle.inactivity.v1.schema.json': inactivity,
      'lifecycle.rehire.v1.schema.json': rehire,
      'lifecycle.result.v1.schema.json': result,
      'lifecycle.confirmation.v1.schema.json': confirmation,
      'lifecycle.drift.v1.schema.json': drift,
    };
    const generated = eventJsonSchemas();
    expect(Object.keys(generated).sort()).toEqual(Object.keys(checkedIn).sort());
    for (const [file, schema] of Object.entries(generated)) {
      expect(checkedIn[file], file).toEqual(JSON.parse(JSON.stringify(schema)));
    }
  });
});
