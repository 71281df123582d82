import { describe, expect, it } from 'vitest';
import { auditExternalId, auditIdempotencyKey } from './ticket-keys.js';
import { oneLine } from './untrusted-text.js';

describe('the keys of an audit ticket', () => {
  it('carry the step key under distinct prefixes', () => {
    expect(auditExternalId('zl-abc-0-suspend')).toBe('zendesk-lifecycle:zl-abc-0-suspend');
    expect(auditIdempotencyKey('zl-abc-0-suspend')).toBe('zendesk-lifecycle:audit:zl-abc-0-suspend');
  });

  it('stay within 255 characters and stay distinct for long step keys', () => {
    const long = 'x'.repeat(300);
    const longer = `${long}y`;
    expect(auditExternalId(long)).toMatch(/^zendesk-lifecycle:sha256:[0-9a-f]{64}$/);
    expect(auditIdempotencyKey(long).length).toBeLessThanOrEqual(255);
    expect(auditExternalId(long)).not.toBe(auditExternalId(longer));
    expect(auditExternalId(long)).toBe(auditExternalId('x'.repeat(300)));
  });
});

describe('untrusted text', () => {
  it('becomes one line without direction overrides', () => {
    expect(oneLine('a\r\nb\u2028c\u202ed\u0000e')).toBe('a b c d e');
  });

  it('is capped with an ellipsis', () => {
    expect(oneLine('abcdef', 4)).toBe('abc…');
    expect(oneLine('😀😀😀😀😀', 3)).toBe('😀😀…');
  });
});
