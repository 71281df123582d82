import { describe, expect, it } from 'vitest';
import { mayImport } from './index.js';

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
});
