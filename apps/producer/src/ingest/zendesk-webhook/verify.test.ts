// The signature check on its own, with a simulated clock: the window either way, secrets in rotation, replays
// remembered only while inside the window, and a released signature (Kafka down) accepted again.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RecentIds, ZendeskSignatureVerifier } from './verify.js';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const sign = (secret: string, timestamp: string, body: string) => ({
  'x-zendesk-webhook-signature-timestamp': timestamp,
  'x-zendesk-webhook-signature': createHmac('sha256', secret)
    .update(timestamp + body)
    .digest('base64'),
});

describe('ZendeskSignatureVerifier', () => {
  it('accepts inside the window either way, refuses outside it, and keeps a replay out only while inside', () => {
    let now = T0;
    const verifier = new ZendeskSignatureVerifier({
      secrets: ['s3cret-s3cret-s3cret'],
      windowSeconds: 300,
      now: () => now,
    });
    const body = Buffer.from('{"id":"e1"}');
    const at = (offsetSeconds: number) =>
      new Date(T0 + offsetSeconds * 1000).toISOString().replace('.000Z', 'Z');
    expect(verifier.verify(sign('s3cret-s3cret-s3cret', at(-300), '{"id":"e1"}'), body).ok).toBe(true);
    expect(verifier.verify(sign('s3cret-s3cret-s3cret', at(300), '{"id":"e1"}'), body).ok).toBe(true);
    expect(verifier.verify(sign('s3cret-s3cret-s3cret', at(-301), '{"id":"e1"}'), body)).toEqual({
      ok: false,
      reason: 'timestamp_outside_window',
    });
    expect(verifier.verify(sign('s3cret-s3cret-s3cret', at(-300), '{"id":"e1"}'), body)).toEqual({
      ok: false,
      reason: 'replayed',
    });
    expect(
      verifier.verify(
        { ...sign('s3cret-s3cret-s3cret', at(0), ''), 'x-zendesk-webhook-signature-timestamp': 'yesterday' },
        body,
      ),
    ).toEqual({ ok: false, reason: 'timestamp_invalid' });
    // Unix seconds are read too.
    expect(verifier.verify(sign('s3cret-s3cret-s3cret', String(T0 / 1000 + 1), '{"id":"e1"}'), body).ok).toBe(
      true,
    );
    now = T0 + 10 * 60_000; // the first signature left the window: forgotten, and refused for its age anyway
    expect(verifier.verify(sign('s3cret-s3cret-s3cret', at(-300), '{"id":"e1"}'), body).ok).toBe(false);
  });

  it('takes the previous secret during a rotation; a released signature is welcome again', () => {
    const verifier = new ZendeskSignatureVerifier({
      secrets: ['new-secret-0123456', 'old-secret-0123456'],
      now: () => T0,
    });
    const ts = '2026-12-01T10:00:00Z';
    const body = Buffer.from('{}');
    const old = sign('old-secret-0123456', ts, '{}');
    const taken = verifier.verify(old, body);
    expect(taken.ok).toBe(true);
    expect(verifier.verify(old, body)).toEqual({ ok: false, reason: 'replayed' });
    verifier.release(old['x-zendesk-webhook-signature']);
    expect(verifier.verify(old, body).ok).toBe(true);
    expect(verifier.verify(sign('other-secret-01234', ts, '{}'), body)).toEqual({
      ok: false,
      reason: 'signature_invalid',
    });
    expect(() => new ZendeskSignatureVerifier({ secrets: [''] })).toThrow(/secret is required/);
  });
});

describe('RecentIds', () => {
  it('remembers ids for a time and up to a count, oldest forgotten first', () => {
    let now = 0;
    const ids = new RecentIds(2, 1000, () => now);
    ids.add('a');
    ids.add('b');
    ids.add('c');
    expect([ids.has('a'), ids.has('b'), ids.has('c')]).toEqual([false, true, true]);
    now = 1001;
    expect(ids.has('b')).toBe(false);
  });
});
