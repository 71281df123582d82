// POLICY_FILE: the file when named (validated), core's safe default otherwise.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '@zendesk-lifecycle/core';
import { loadPolicy } from './policy.js';

const file = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.json');
  writeFileSync(path, text);
  return path;
};

describe('loadPolicy', () => {
  it('uses the default policy without a file', () => {
    expect(loadPolicy(undefined)).toEqual(defaultPolicy());
  });

  it('reads the named file', () => {
    const policy = loadPolicy(file(JSON.stringify({ blast_radius: { max_weight: 7, window_seconds: 60 } })));
    expect(policy.blast_radius).toMatchObject({ max_weight: 7, window_seconds: 60 });
  });

  it('refuses an invalid file', () => {
    expect(() => loadPolicy(file('{"blast_radius": {"max_weight": "many"}}'))).toThrow();
  });
});
