// The dependency rules of the root lint configuration, asked file by file: they still say what we mean.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mayImport } from './index.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Every TypeScript file under `dir` (relative to the repository root), tests included. */
function sourcesUnder(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

describe('module boundaries', () => {
  it('keeps core free of I/O libraries', async () => {
    for (const io of ['kafkajs', 'node-zendesk', 'pino', 'node:fs', 'node:http']) {
      const verdict = await mayImport('packages/core/src/planner/example.ts', io);
      expect(verdict.allowed, io).toBe(false);
    }
  });

  it('keeps core free of other workspace packages', async () => {
    expect((await mayImport('packages/core/src/x.ts', '@zendesk-lifecycle/zendesk-client')).allowed).toBe(
      false,
    );
  });

  it('lets adapters import core', async () => {
    expect((await mayImport('packages/zendesk-client/src/x.ts', '@zendesk-lifecycle/core')).allowed).toBe(
      true,
    );
    expect(
      (await mayImport('packages/itsm-logger/src/x.ts', '@zendesk-lifecycle/zendesk-client')).allowed,
    ).toBe(true);
  });

  it('lets nothing import an app', async () => {
    expect((await mayImport('packages/itsm-logger/src/x.ts', '@zendesk-lifecycle/consumer')).allowed).toBe(
      false,
    );
    expect((await mayImport('apps/producer/src/x.ts', '@zendesk-lifecycle/consumer')).allowed).toBe(false);
  });

  it('keeps the sandbox out of production code but lets tests use it', async () => {
    expect(
      (await mayImport('packages/zendesk-client/src/x.ts', '@zendesk-lifecycle/zendesk-sandbox')).allowed,
    ).toBe(false);
    expect((await mayImport('apps/consumer/src/main.ts', '@zendesk-lifecycle/zendesk-sandbox')).allowed).toBe(
      false,
    );
    expect(
      (await mayImport('packages/zendesk-client/src/x.test.ts', '@zendesk-lifecycle/zendesk-sandbox'))
        .allowed,
    ).toBe(true);
  });

  it('makes the service runtime an adapter: on core, for both apps and the tools, importing no app', async () => {
    expect((await mayImport('packages/service-runtime/src/x.ts', '@zendesk-lifecycle/core')).allowed).toBe(
      true,
    );
    for (const app of ['apps/consumer/src/main.ts', 'apps/producer/src/cli.ts', 'tools/demo/src/run-demo.ts'])
      expect((await mayImport(app, '@zendesk-lifecycle/service-runtime')).allowed, app).toBe(true);
    for (const app of ['@zendesk-lifecycle/consumer', '@zendesk-lifecycle/producer'])
      expect((await mayImport('packages/service-runtime/src/x.ts', app)).allowed, app).toBe(false);
    expect(
      (await mayImport('packages/service-runtime/src/x.ts', '@zendesk-lifecycle/zendesk-sandbox')).allowed,
    ).toBe(false);
    expect((await mayImport('packages/core/src/x.ts', '@zendesk-lifecycle/service-runtime')).allowed).toBe(
      false,
    );
  });

  it('keeps Kafka out of core: no KAFKA_ variable is named in its sources', () => {
    const sources = sourcesUnder('packages/core/src');
    expect(sources.length).toBeGreaterThan(10);
    const naming = sources.filter((file) => readFileSync(join(repoRoot, file), 'utf8').includes('KAFKA_'));
    expect(naming).toEqual([]);
  });
});
