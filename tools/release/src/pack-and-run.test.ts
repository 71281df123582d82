// Issue 21: a developer installs our libraries from their tarballs into a fresh directory outside the repository
// and runs each README's "Use it alone" example with plain node; a small TypeScript consumer type-checks against
// the published types. Nothing of the workspace is reachable there (no links, no tsx, no source condition).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LIBRARIES,
  build,
  installOutside,
  outsideEnv,
  pack,
  packedFiles,
  readmeExample,
  repoRoot,
  run,
} from './outside.js';

const folders = Object.values(LIBRARIES);
let packDir: string;
let userDir: string;

beforeAll(async () => {
  await build(folders);
  packDir = mkdtempSync(join(tmpdir(), 'zendesk-lifecycle-packs-'));
  const tarballs = await pack(folders, packDir);
  expect(Object.keys(tarballs).sort()).toEqual(Object.keys(LIBRARIES).sort());
  userDir = await installOutside('user', {
    ...Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`])),
    '@types/node': readDevVersion('@types/node'),
  });
});

afterAll(() => {
  for (const dir of [packDir, userDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

function readDevVersion(name: string): string {
  const root = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  return root.devDependencies[name]!;
}

async function runExample(folder: string, file: string, args: string[] = []): Promise<string> {
  writeFileSync(join(userDir, file), readmeExample(folder));
  const { stdout, stderr } = await run(process.execPath, [...args, file], {
    cwd: userDir,
    timeoutMs: 120_000,
  });
  return stdout + stderr;
}

describe('the published tarballs', () => {
  it('hold the build, the source it maps to, and no tests', async () => {
    for (const folder of folders) {
      const files = await packedFiles(folder);
      expect(files, folder).toEqual(
        expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']),
      );
      expect(files, folder).toContain('dist/index.js.map');
      expect(
        files.filter((f) => f.endsWith('.test.ts') || f.endsWith('.test.js')),
        folder,
      ).toEqual([]);
      const manifest = JSON.parse(readFileSync(join(repoRoot, folder, 'package.json'), 'utf8')) as {
        private?: boolean;
        license?: string;
        repository?: unknown;
        engines?: unknown;
        dependencies?: Record<string, string>;
      };
      expect(manifest.private, folder).toBeUndefined();
      expect(manifest).toMatchObject({
        license: 'Apache-2.0',
        repository: expect.anything(),
        engines: expect.anything(),
      });
      for (const [name, range] of Object.entries(manifest.dependencies ?? {}))
        expect(range, `${folder}: ${name}`).not.toBe('*');
    }
  });

  it('are installed as real folders, not links into the workspace', () => {
    for (const name of Object.keys(LIBRARIES)) {
      const installed = join(userDir, 'node_modules', name);
      expect(existsSync(join(installed, 'dist', 'index.js')), name).toBe(true);
      expect(readFileSync(join(installed, 'package.json'), 'utf8')).not.toContain('"private"');
    }
    // Between themselves too: every copy of ours comes from a tarball (none from the registry, none nested).
    const lock = JSON.parse(readFileSync(join(userDir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { resolved?: string }>;
    };
    const ours = Object.entries(lock.packages).filter(([path]) => path.includes('@zendesk-lifecycle/'));
    expect(ours.map(([path]) => path).sort()).toEqual(
      Object.keys(LIBRARIES)
        .map((name) => `node_modules/${name}`)
        .sort(),
    );
    for (const [path, entry] of ours) expect(entry.resolved, path).toMatch(/^file:/);
    expect(outsideEnv().NODE_OPTIONS).toBeUndefined();
  });
});

describe("each README's Use it alone example, with plain node", () => {
  it('core: parses an event and plans it', async () => {
    const out = await runExample('packages/core', 'plan.mjs');
    expect(out).toContain('offboarding transfer_data -> downgrade -> suspend');
  });

  it('zendesk-client: lists the agents of the sandbox and suspends one', async () => {
    const out = await runExample('packages/zendesk-client', 'suspend.mjs');
    expect(out).toContain('rita@acme.test agent active');
    expect(out).toContain('maya@acme.test agent active');
    expect(out).toContain('suspend: succeeded suspended now: true');
  });

  it('itsm-logger: acts in the sandbox and writes the audit ticket', async () => {
    const out = await runExample('packages/itsm-logger', 'audit.mjs');
    expect(out).toMatch(/^suspend succeeded audit ticket \d+$/m);
  });

  it('zendesk-sandbox: starts in a node:test test and stops after it', async () => {
    const out = await runExample('packages/zendesk-sandbox', 'sandbox.test.mjs', ['--test']);
    expect(out).toMatch(/^# pass 1$/m);
    expect(out).toMatch(/^# fail 0$/m);
  });
});

describe('a TypeScript consumer', () => {
  const consumer = `
import { planEvent, defaultPolicy, parseEventObject, type Plan } from '@zendesk-lifecycle/core';
import { MemoryZendesk } from '@zendesk-lifecycle/core/testing';
import { createZendeskClient, type ZendeskClient, NotFound } from '@zendesk-lifecycle/zendesk-client';
import { createItsmLogger, type ItsmLogger } from '@zendesk-lifecycle/itsm-logger';
import { startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';

export async function check(): Promise<string> {
  const sandbox: RunningSandbox = await startSandbox({ seed: 'demo' });
  const client: ZendeskClient = createZendeskClient({ baseUrl: sandbox.url, oauthToken: sandbox.credentials.oauthToken });
  const logger: ItsmLogger = createItsmLogger({ zendesk: client, requester: 'api_user' });
  const parsed = parseEventObject({});
  const plan: Plan | undefined = parsed.ok ? planEvent(parsed.event, defaultPolicy()) : undefined;
  const memory = new MemoryZendesk();
  await sandbox.stop();
  return [typeof logger.log, plan?.workflow.workflow, typeof memory, NotFound.name].join();
}
`;

  async function typecheck(source: string): Promise<string> {
    const dir = mkdtempSync(join(userDir, 'ts-'));
    writeFileSync(join(dir, 'consumer.ts'), source);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          types: ['node'],
          skipLibCheck: false,
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    try {
      await run(process.execPath, [tsc, '-p', dir], { cwd: dir });
      return '';
    } catch (error) {
      return (error as Error).message;
    }
  }

  it('type-checks against the published types (declarations included)', async () => {
    expect(await typecheck(consumer)).toBe('');
  });

  it('is refused when it misuses them (the types are real, not any)', async () => {
    const wrong = consumer.replace("requester: 'api_user'", 'requester: 42, nope: true');
    expect(await typecheck(wrong)).toMatch(/error TS/);
  });
});
