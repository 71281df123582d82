// Issue 21: what the production image does, without Docker. The apps and the libraries they run on are packed,
// assembled into an empty directory by deploy/image/assemble.mjs (the Dockerfile's runtime stage runs the same
// script: production dependencies only), then the compiled consumer and the compiled ingestion start there with
// plain node through the image's entry point, against the local broker and a sandbox. Both become ready (the
// image's health check says so), and one event posted to the ingestion is acted on in the sandbox and audited.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLifecycleEvent } from '@zendesk-lifecycle/core';
import { createTopics, freePort, runTopics, testKafka, uniqueName } from '@zendesk-lifecycle/kafka';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIBRARIES, SERVICES, build, pack, repoRoot, run, startNode, stop } from './outside.js';

const imageFolders = [
  LIBRARIES['@zendesk-lifecycle/core'],
  LIBRARIES['@zendesk-lifecycle/zendesk-client'],
  LIBRARIES['@zendesk-lifecycle/itsm-logger'],
  ...Object.values(SERVICES),
];

const runName = uniqueName('image');
const topics = runTopics(runName);
const token = 'image-test-ingest-token';
let packDir: string;
let appDir: string;
let sandbox: RunningSandbox;
let opsPort: number;
let ingestPort: number;
let consumer: ReturnType<typeof startNode> | undefined;
let ingestion: ReturnType<typeof startNode> | undefined;

beforeAll(async () => {
  await build(imageFolders);
  packDir = mkdtempSync(join(tmpdir(), 'zendesk-lifecycle-image-packs-'));
  await pack(imageFolders, packDir);
  appDir = join(mkdtempSync(join(tmpdir(), 'zendesk-lifecycle-image-')), 'app');
  await run(process.execPath, [join(repoRoot, 'deploy', 'image', 'assemble.mjs'), packDir, appDir], {
    cwd: tmpdir(),
    timeoutMs: 600_000,
  });

  sandbox = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 5 });
  const admin = testKafka(runName).admin();
  await admin.connect();
  await createTopics(
    admin,
    Object.values(topics).map((topic) => ({ topic, numPartitions: 2 })),
  );
  await admin.disconnect();
  [opsPort, ingestPort] = [await freePort(), await freePort()];
});

afterAll(async () => {
  for (const service of [ingestion, consumer]) if (service) await stop(service.child);
  await sandbox?.stop();
  for (const dir of [packDir, appDir && join(appDir, '..')])
    if (dir) rmSync(dir, { recursive: true, force: true });
});

const kafkaEnv = (): Record<string, string> => ({
  ...topics,
  KAFKA_BROKERS: process.env.KAFKA_BROKERS!,
  KAFKA_REPLICATION_FACTOR: '1',
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
});

async function ready(url: string, service: ReturnType<typeof startNode>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) throw new Error(`exited early:\n${service.output()}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${url} not ready in ${timeoutMs} ms:\n${service.output()}`);
}

describe('the production application, assembled as the image assembles it', () => {
  it('holds production dependencies only: compiled apps, no TypeScript, no tsx, no test tools', () => {
    const modules = join(appDir, 'node_modules');
    expect(existsSync(join(modules, '@zendesk-lifecycle', 'consumer', 'dist', 'main.js'))).toBe(true);
    expect(existsSync(join(modules, '@zendesk-lifecycle', 'producer', 'dist', 'cli.js'))).toBe(true);
    for (const devOnly of [
      'typescript',
      'tsx',
      'vitest',
      'nx',
      '@zendesk-lifecycle/zendesk-sandbox',
      '@zendesk-lifecycle/kafka',
    ])
      expect(existsSync(join(modules, devOnly)), devOnly).toBe(false);
  });

  it('refuses an unknown command with the list of known ones', async () => {
    await expect(run(process.execPath, ['entrypoint.mjs', 'nonsense'], { cwd: appDir })).rejects.toThrow(
      /one of: consumer, ingestion, sync, scan, producer/,
    );
  });

  it('starts the consumer and the ingestion with plain node; both ready; one event acted on end to end', async () => {
    consumer = startNode(appDir, ['entrypoint.mjs', 'consumer'], {
      ...kafkaEnv(),
      KAFKA_GROUP_ID: `${runName}-group`,
      OPS_PORT: String(opsPort),
      ZENDESK_BASE_URL: sandbox.url,
      ZENDESK_OAUTH_CLIENT_ID: sandbox.credentials.oauthClientId,
      ZENDESK_OAUTH_CLIENT_SECRET: sandbox.credentials.oauthClientSecret,
      ZENDESK_ACCOUNT_OWNER_ID: String(sandbox.state.ownerId),
      ITSM_REQUESTER_EMAIL: DEMO_PEOPLE.bot.email,
    });
    // The ingestion gets no Zendesk credential at all (as in compose.yaml and the Kubernetes manifests).
    ingestion = startNode(appDir, ['entrypoint.mjs', 'ingestion'], {
      ...kafkaEnv(),
      INGEST_PORT: String(ingestPort),
      INGEST_HOST: '127.0.0.1',
      INGEST_TOKEN: token,
    });
    await ready(`http://127.0.0.1:${opsPort}/readyz`, consumer);
    await ready(`http://127.0.0.1:${ingestPort}/readyz`, ingestion);

    // The image's HEALTHCHECK, as Docker runs it in each container
    for (const env of [{ OPS_PORT: String(opsPort) }, { INGEST_PORT: String(ingestPort), OPS_PORT: '1' }])
      await run(process.execPath, ['healthcheck.mjs'], {
        cwd: appDir,
        env: { PATH: process.env.PATH, ...env },
      });
    await expect(
      run(process.execPath, ['healthcheck.mjs'], {
        cwd: appDir,
        env: { PATH: process.env.PATH, OPS_PORT: '1', INGEST_PORT: '1' },
      }),
    ).rejects.toThrow();

    const rita = DEMO_PEOPLE.reviewed;
    const event = createLifecycleEvent({
      type: 'lifecycle.access_revoked.v1',
      source: 'iam/image-test',
      user: { email: rita.email },
      reason: 'production start test',
    });
    const ticketsBefore = [...sandbox.state.tickets.values()].filter((t) =>
      t.tags.includes('itsm_audit'),
    ).length;
    const reply = await fetch(`http://127.0.0.1:${ingestPort}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(event),
    });
    expect(reply.status, await reply.clone().text()).toBe(202);

    const deadline = Date.now() + 60_000;
    const auditTickets = () =>
      [...sandbox.state.tickets.values()].filter((t) => t.tags.includes('itsm_audit')).length;
    const audited = () => auditTickets() > ticketsBefore;
    while (!(sandbox.state.users.get(rita.id)?.suspended && audited()) && Date.now() < deadline)
      await sleep(250);
    expect(sandbox.state.users.get(rita.id)?.suspended, consumer.output()).toBe(true);
    expect(audited(), 'an audit ticket for the event').toBe(true);

    // A graceful stop, as `docker stop` sends it
    expect(await stop(ingestion.child)).toBe(0);
    expect(await stop(consumer.child)).toBe(0);
    expect(consumer.output()).not.toContain(sandbox.credentials.oauthClientSecret);
  });
});
