// The fleet brake end to end: three consumer processes share a flood of suspensions; the brake trips once for all
// of them (one state record, one audit ticket), every one of them says so on /readyz and holds; a restarted fleet
// (with a raised limit) still holds; `brake release` lets every waiting event through, none lost.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLifecycleEvent,
  eventKey,
  resultEventSchema,
  type LifecycleEvent,
} from '@zendesk-lifecycle/core';
import {
  createTopics,
  freePort,
  runTopics,
  startConsumerProcess,
  testKafka,
  uniqueName,
  type ServiceProcess,
} from '@zendesk-lifecycle/kafka';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const run = uniqueName('brake-e2e');
const topics = runTopics(run);
const kafka = testKafka(run);
const dir = mkdtempSync(join(tmpdir(), `${run}-`));
let sandbox: RunningSandbox;
let env: Record<string, string>;
const fleet: ServiceProcess[] = [];
let output = '';

const policyFile = (name: string, maxWeight: number): string => {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ blast_radius: { max_weight: maxWeight, window_seconds: 3600 } }));
  return file;
};

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0 });
  const admin = kafka.admin();
  await admin.connect();
  await createTopics(
    admin,
    Object.values(topics).map((topic) => ({
      topic,
      numPartitions: topic === topics.TOPIC_BRAKE ? 1 : 3,
      ...(topic === topics.TOPIC_BRAKE
        ? { configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }
        : {}),
    })),
  );
  await admin.disconnect();
  env = {
    ...topics,
    KAFKA_GROUP_ID: `${run}-group`,
    ZENDESK_BASE_URL: sandbox.url,
    ZENDESK_OAUTH_CLIENT_ID: sandbox.credentials.oauthClientId,
    ZENDESK_OAUTH_CLIENT_SECRET: sandbox.credentials.oauthClientSecret,
    ZENDESK_ACCOUNT_OWNER_ID: String(sandbox.state.ownerId),
    ITSM_REQUESTER_EMAIL: DEMO_PEOPLE.bot.email,
    LOG_LEVEL: 'info',
  };
}, 90_000);

afterAll(async () => {
  await Promise.all(fleet.splice(0).map((c) => c.stop()));
  await sandbox?.stop();
});

async function startFleet(names: string[], policy: string): Promise<number[]> {
  const ports = await Promise.all(names.map(() => freePort()));
  const started = await Promise.all(
    names.map((name, i) =>
      startConsumerProcess({
        name,
        opsPort: ports[i]!,
        // Not ready while the brake is tripped: alive is what start-up waits for.
        probe: 'healthz',
        output: (chunk) => (output += chunk.toString()),
        env: { ...env, POLICY_FILE: policy, CONSUMER_INSTANCE_ID: name },
      }),
    ),
  );
  fleet.push(...started);
  return ports;
}

async function readiness(port: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const suspended = (ids: number[]) => ids.filter((id) => sandbox.state.users.get(id)?.suspended).length;
const notices = (kind: string) =>
  [...sandbox.state.tickets.values()].filter((t) => t.tags.includes(`notice_${kind}`));

async function brakeStates(): Promise<Array<Record<string, unknown>>> {
  const states: Array<Record<string, unknown>> = [];
  const reader = kafka.consumer({ groupId: uniqueName('brake-reader'), maxWaitTimeInMs: 100 });
  await reader.connect();
  await reader.subscribe({ topic: topics.TOPIC_BRAKE, fromBeginning: true });
  const admin = kafka.admin();
  await admin.connect();
  const [end] = await admin.fetchTopicOffsets(topics.TOPIC_BRAKE);
  await admin.disconnect();
  let last = -1;
  await reader.run({
    eachMessage: async ({ message }) => {
      last = Number(message.offset);
      if (message.key?.toString() === 'state' && message.value)
        states.push(JSON.parse(message.value.toString()) as Record<string, unknown>);
    },
  });
  await until(() => last + 1 >= Number(end!.high), 'the brake topic to be read');
  await reader.disconnect();
  return states;
}

function brakeCli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'apps/consumer/src/main.ts', 'brake', ...args],
      {
        cwd: repoRoot,
        env: { ...process.env, ...env, POLICY_FILE: policyFile('cli', 6), LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => done({ code, out }));
  });
}

describe('the fleet brake, three consumer processes', () => {
  it('trips once for the fleet, holds across a restart, and lets every event through once released', async () => {
    const users = Array.from({ length: 12 }, (_, i) =>
      sandbox.state.addUser({ name: `Flood ${i}`, email: `flood-${i}@acme.test` }),
    );
    const ids = users.map((u) => u.id);
    // A suspension weighs 2: three fit in max_weight 6, the fourth trips the brake.
    const ports = await startFleet(['c-1', 'c-2', 'c-3'], policyFile('tight', 6));
    const events: LifecycleEvent[] = users.map((u) =>
      createLifecycleEvent({ source: 'e2e', type: 'lifecycle.access_revoked.v1', user: { id: u.id } }),
    );
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: topics.TOPIC_EVENTS,
      messages: events.map((e) => ({ key: eventKey(e), value: JSON.stringify(e) })),
    });
    await producer.disconnect();

    await until(
      async () => (await Promise.all(ports.map(readiness))).every((r) => r.body.brake === 'tripped'),
      'every instance to report the brake on /readyz',
    );
    const ready = await readiness(ports[0]!);
    expect(ready.status).toBe(503);
    expect(String(ready.body.reason)).toMatch(/the brake is tripped/);
    const metrics = await (await fetch(`http://127.0.0.1:${ports[1]}/metrics`)).text();
    expect(metrics).toContain('lifecycle_brake_tripped 1');
    await until(() => notices('brake_tripped').length > 0, 'the trip audit ticket');
    await new Promise((r) => setTimeout(r, 2_000));
    expect(suspended(ids)).toBe(3);
    expect((await brakeStates()).filter((s) => s.tripped === true)).toHaveLength(1);
    expect(notices('brake_tripped')).toHaveLength(1);

    // The operator raises the limit and restarts the fleet: the trip is read back, everything still holds.
    await Promise.all(fleet.splice(0).map((c) => c.stop()));
    const restarted = await startFleet(['c-4', 'c-5', 'c-6'], policyFile('raised', 100));
    for (const port of restarted) expect((await readiness(port)).body.brake).toBe('tripped');
    await new Promise((r) => setTimeout(r, 3_000));
    expect(suspended(ids)).toBe(3);
    const status = await brakeCli(['status']);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/brake: TRIPPED/);

    const released = await brakeCli([
      'release',
      '--reason',
      'the flood was a planned access review',
      '--by',
      'ops',
    ]);
    expect(released).toMatchObject({ code: 0 });
    expect(released.out).toMatch(/brake: released .* by ops: the flood was a planned access review/);
    await until(() => suspended(ids) === 12, 'every waiting event to be acted on');
    await until(
      async () => (await Promise.all(restarted.map(readiness))).every((r) => r.status === 200),
      'every instance to be ready again',
    );
    expect(notices('brake_released')).toHaveLength(1);
    expect(notices('brake_tripped')).toHaveLength(1);

    // Nothing lost, nothing done twice: one result per event.
    const results = new Map<string, string>();
    const reader = kafka.consumer({ groupId: uniqueName('results'), maxWaitTimeInMs: 100 });
    await reader.connect();
    await reader.subscribe({ topic: topics.TOPIC_RESULTS, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        const result = resultEventSchema.parse(JSON.parse(message.value!.toString()));
        results.set(result.data.source_event.id, result.data.status);
      },
    });
    await until(() => results.size === events.length, 'a result for every event');
    await reader.disconnect();
    expect(new Set(results.values())).toEqual(new Set(['completed']));
  }, 240_000);
});
