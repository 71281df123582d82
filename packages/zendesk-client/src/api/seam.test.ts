// The seam with node-zendesk stays one file that uses its public methods only, nothing imports the client class
// back, and the URLs of our own calls are written the way node-zendesk writes its own.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiUrl } from './zendesk-api.js';

const src = join(import.meta.dirname, '..');
const sources = readdirSync(src, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => ({ file: relative(src, join(src, f)), text: readFileSync(join(src, f), 'utf8') }));

describe('the seam with node-zendesk', () => {
  it('is one file, which calls no private method', () => {
    expect(sources.length).toBeGreaterThan(10);
    const importers = sources.filter((s) => /from 'node-zendesk'/.test(s.text)).map((s) => s.file);
    expect(importers).toEqual(['api/node-zendesk.ts']);
    const seam = sources.find((s) => s.file === 'api/node-zendesk.ts')!.text;
    expect(seam).not.toMatch(/\._\w+\(/);
    expect(sources.filter((s) => /_rawRequest/.test(s.text)).map((s) => s.file)).toEqual([]);
  });

  it('leaves the client class to the package entry alone: no module imports it back', () => {
    const importers = sources.filter((s) => /from '(\.\.?\/)+client\.js'/.test(s.text)).map((s) => s.file);
    expect(importers).toEqual(['index.ts']);
  });
});

describe('the URLs of our own calls', () => {
  const base = 'https://acme.zendesk.com/api/v2';
  it('are segments, .json and the query, as node-zendesk writes them', () => {
    expect(apiUrl(base, ['deleted_users', 12])).toBe(`${base}/deleted_users/12.json`);
    expect(apiUrl(base, ['users', { external_id: 'HR 1', 'page[size]': '100' }])).toBe(
      `${base}/users.json?external_id=HR+1&page%5Bsize%5D=100`,
    );
    expect(apiUrl(base, ['users', '?role[]=agent&role[]=admin'])).toBe(
      `${base}/users.json?role%5B%5D=agent&role%5B%5D=admin`,
    );
  });

  it('keeps a next-page link under the API base as it is', () => {
    const next = `${base}/users.json?page%5Bafter%5D=abc&page%5Bsize%5D=100`;
    expect(apiUrl(base, next)).toBe(next);
  });
});
