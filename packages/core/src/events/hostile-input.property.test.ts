// Bad and hostile input never crashes the parser: it is refused with a reason, or parsed exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKafkaRecord } from './parse-kafka.js';

const enc = (s: string) => new TextEncoder().encode(s);
const base = {
  specversion: '1.0',
  id: 'h-1',
  source: 'hostile',
  type: 'lifecycle.access_revoked.v1',
  data: { user: { email: 'rita@acme.test' } },
};

const corpus: Array<[string, string | Uint8Array, string]> = [
  ['broken JSON', '{"specversion": "1.0", ', 'not_json'],
  ['a JSON array', '[1,2,3]', 'invalid_envelope'],
  ['a JSON string', '"hello"', 'invalid_envelope'],
  ['wrong types', JSON.stringify({ ...base, id: 42, data: { user: { id: 'seven' } } }), 'invalid_envelope'],
  ['unknown type', JSON.stringify({ ...base, type: 'lifecycle.fire_everyone.v1' }), 'unknown_type'],
  [
    'huge field',
    JSON.stringify({ ...base, data: { ...base.data, reason: 'x'.repeat(300_000) } }),
    'too_large',
  ],
  [
    'reason over 2000 characters',
    JSON.stringify({ ...base, data: { ...base.data, reason: 'x'.repeat(3000) } }),
    'invalid_data',
  ],
  ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'not_json'],
  [
    'an action outside the schema',
    JSON.stringify({ ...base, data: { ...base.data, actions: ['delete_everything'] } }),
    'invalid_data',
  ],
  ['an extra data field', JSON.stringify({ ...base, data: { ...base.data, sudo: true } }), 'invalid_data'],
  ['a null user', JSON.stringify({ ...base, data: { user: null } }), 'invalid_data'],
  ['prototype pollution', '{"__proto__":{"admin":true},"specversion":"1.0"}', 'invalid_envelope'],
];

describe('hostile input', () => {
  it.each(corpus)('refuses %s', (_name, value, code) => {
    const result = parseKafkaRecord({ value: typeof value === 'string' ? enc(value) : value });
    expect(result.ok ? 'ok' : result.error.code).toBe(code);
  });

  it('keeps HTML, script and unicode in names and reasons as data, not markup', () => {
    const reason = '<script>alert("x")</script> \u202e\u0000 👩🏽‍💻 Zoë';
    const result = parseKafkaRecord({
      value: enc(JSON.stringify({ ...base, data: { ...base.data, reason } })),
    });
    expect(result.ok && result.event.data.reason).toBe(reason);
  });

  it('never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const result = parseKafkaRecord({ value: bytes });
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on generated JSON and accepts only what the schema describes', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.record({ user: fc.jsonValue(), reason: fc.jsonValue() }),
        (anything, data) => {
          for (const candidate of [anything, { ...base, data }]) {
            const result = parseKafkaRecord({ value: enc(JSON.stringify(candidate) ?? 'null') });
            if (result.ok) expect(result.event.data.user).toBeTypeOf('object');
            else expect(result.error.reason.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
