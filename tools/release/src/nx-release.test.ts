// Issue 21: `nx release --dry-run` works (CONTRIBUTING.md, Releasing): every built project versioned together, the
// dependency ranges and the lockfile updated, a CHANGELOG entry from the commits, and the four public libraries
// (only those) published with provenance. Nothing is written: a dry run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIBRARIES, SERVICES, repoRoot, run } from './outside.js';

const nx = join(repoRoot, 'node_modules', '.bin', 'nx');
const env = { ...process.env, NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_DAEMON: 'false', FORCE_COLOR: '0' };

describe('nx release', () => {
  it('versions every built project, previews the changelog, changes nothing (--dry-run)', async () => {
    const before = readFileSync(join(repoRoot, 'packages', 'core', 'package.json'), 'utf8');
    const { stdout, stderr } = await run(nx, ['release', '--dry-run', '--skip-publish'], {
      cwd: repoRoot,
      env,
      timeoutMs: 300_000,
    });
    const out = stdout + stderr;
    for (const folder of [...Object.values(LIBRARIES), ...Object.values(SERVICES)])
      expect(out, folder).toContain(`UPDATE ${folder}/package.json [dry-run]`);
    expect(out).toMatch(/Previewing an entry in CHANGELOG\.md for v\d+\.\d+\.\d+/);
    expect(out).toContain('NOTE: The "dryRun" flag means no changes were made.');
    expect(readFileSync(join(repoRoot, 'packages', 'core', 'package.json'), 'utf8')).toBe(before);
  });

  it('publishes the four libraries only, with provenance', async () => {
    const { stdout, stderr } = await run(nx, ['release', 'publish', '--dry-run'], {
      cwd: repoRoot,
      env,
      timeoutMs: 300_000,
    });
    const published = [...(stdout + stderr).matchAll(/^name:\s+(@zendesk-lifecycle\/[\w-]+)/gm)].map(
      (m) => m[1],
    );
    expect(published.sort()).toEqual(Object.keys(LIBRARIES).sort());
    for (const folder of Object.values(LIBRARIES)) {
      const manifest = JSON.parse(readFileSync(join(repoRoot, folder, 'package.json'), 'utf8')) as {
        publishConfig?: { provenance?: boolean; access?: string };
      };
      expect(manifest.publishConfig, folder).toEqual({ access: 'public', provenance: true });
    }
  });
});
