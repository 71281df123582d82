// The operator's CLI as a person runs it: `publish` validates the event before anything is sent.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('publish', () => {
  it('publishes an event from the CLI, and validates it first', async () => {
    const run = promisify(execFile);
    const cwd = new URL('..', import.meta.url).pathname;
    const dry = await run(
      'npx',
      [
        'tsx',
        'src/cli.ts',
        'publish',
        '--type',
        'lifecycle.access_revoked.v1',
        '--user-email',
        'rita@acme.test',
        '--dry-run',
      ],
      { cwd },
    );
    expect(JSON.parse(dry.stdout).subject).toBe('email:rita@acme.test');
    const bad = await run(
      'npx',
      ['tsx', 'src/cli.ts', 'publish', '--type', 'lifecycle.access_revoked.v1', '--user-email', 'nope'],
      { cwd },
    ).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(2);
    expect((bad as { stderr: string }).stderr).toMatch(/data.user.email/);
  });
});
