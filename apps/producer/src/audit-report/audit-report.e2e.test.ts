// End to end against the sandbox and the real broker: events go through core's planner and executor, the Zendesk
// client and the ITSM logger (the consumer's own pipeline, without its Kafka loop), their results are written to a
// fresh results topic, and then the report (the module, and the CLI as an operator runs it) finds them all.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import {
  buildResultEvent,
  buildScheduledResult,
  createLifecycleEvent,
  defaultPolicy,
  executePlan,
  planEvent,
  type LifecycleEvent,
  type ResultEvent,
} from '@zendesk-lifecycle/core';
import { createItsmLogger } from '@zendesk-lifecycle/itsm-logger';
import { createTopics, uniqueName } from '@zendesk-lifecycle/kafka';
import { createZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { runAuditReport } from './command.js';
import { CSV_COLUMNS } from './csv.js';
import type { AuditReport } from './model.js';

const HOUR = 3_600_000;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const kafka = new Kafka({ clientId: 'audit-report-test', brokers, logLevel: logLevel.NOTHING });
const topic = `${uniqueName('audit-report')}.results`;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

let sandbox: RunningSandbox;
let dir: string;
const events: Record<string, LifecycleEvent> = {};
const ticketIds: Record<string, number[]> = {};
const now = Date.now();

function client() {
  return createZendeskClient({
    baseUrl: sandbox.url,
    oauthClientId: sandbox.credentials.oauthClientId,
    oauthClientSecret: sandbox.credentials.oauthClientSecret,
    accountOwnerId: sandbox.state.ownerId,
  });
}

const signed = (event: LifecycleEvent): LifecycleEvent =>
  ({ ...event, authtype: 'app_user', authid: 'workday-bridge' }) as LifecycleEvent;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'audit-report-e2e-'));
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, searchLagMs: 0 });
  const admin = kafka.admin();
  await admin.connect();
  await createTopics(admin, [{ topic, numPartitions: 2 }]);
  await admin.disconnect();
  const p = DEMO_PEOPLE;
  const at = (hoursAgo: number) => new Date(now - hoursAgo * HOUR).toISOString();
  events.late = signed(
    createLifecycleEvent({
      type: 'lifecycle.offboarding.v1',
      source: 'urn:hr:workday',
      user: { email: p.leaver.email },
      transfer_to: { email: p.manager.email },
      reason: 'left the company',
      requested_by: 'hr-ops@acme.test',
      time: at(30),
    }),
  );
  events.quick = createLifecycleEvent({
    type: 'lifecycle.access_revoked.v1',
    source: 'urn:idp:okta',
    user: { email: p.reviewed.email },
    reason: '=cmd|" /C calc"!A0',
    requested_by: 'security@acme.test',
    time: at(1),
  });
  events.refused = createLifecycleEvent({
    type: 'lifecycle.license_reclaim.v1',
    source: 'urn:hr:workday',
    user: { email: p.inactive.email },
    requested_by: 'it-ops@acme.test',
    time: at(26),
  });
  events.waiting = createLifecycleEvent({
    type: 'lifecycle.access_revoked.v1',
    source: 'urn:idp:okta',
    user: { email: p.rehire.email },
    time: at(0),
    extra: { effective_at: new Date(now + 72 * HOUR).toISOString() },
  });
  const zendesk = client();
  const options = {
    zendesk: zendesk.asPort(),
    audit: createItsmLogger({ zendesk, requester: { email: p.bot.email } }),
    protectedUsers: { ids: [], emails: [p.inactive.email], external_ids: [] },
  };
  const policy = defaultPolicy();
  const results: ResultEvent[] = [];
  for (const name of ['late', 'quick', 'refused'] as const) {
    const plan = planEvent(events[name]!, policy);
    const startedAt = new Date();
    const execution = await executePlan(plan, options);
    if (execution.status !== 'completed') throw new Error(`${name}: ${execution.status}`);
    ticketIds[name] = execution.steps.flatMap((s) => s.audit_ticket_id ?? []);
    results.push(
      buildResultEvent(plan, execution, {
        source: 'zendesk-lifecycle/consumer',
        startedAt,
        finishedAt: new Date(),
      }),
    );
  }
  results.push(
    buildScheduledResult(planEvent(events.waiting!, policy), {
      source: 'zendesk-lifecycle/consumer',
      now: new Date(),
      dueAt: new Date(now + 72 * HOUR),
    }),
  );
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: results.map((r) => ({ key: r.subject, value: JSON.stringify(r) })),
  });
  await producer.disconnect();
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('audit-report over the sandbox and the broker', () => {
  it('reports every event: who asked, the steps, their tickets, the time to removal, and what needs attention', async () => {
    const out = join(dir, 'report.json');
    const lines: string[] = [];
    const { report } = await runAuditReport({
      args: { from: day(now - 2 * 86_400_000), to: day(now), format: 'json', out, targetHours: 24 },
      zendesk: client(),
      kafka,
      resultsTopic: topic,
      progress: (line) => lines.push(line),
    });
    const written = JSON.parse(readFileSync(out, 'utf8')) as AuditReport;
    expect(written).toEqual(JSON.parse(JSON.stringify(report)));
    expect(lines.join('\n')).toMatch(/audit tickets: \d+/);
    const byId = new Map(report.events.map((e) => [e.event_id, e]));
    expect(report.summary.events).toBe(4);

    const late = byId.get(events.late!.id)!;
    expect(late).toMatchObject({
      status: 'completed',
      workflow: 'offboarding',
      person: { zendesk_user_id: DEMO_PEOPLE.leaver.id, email: DEMO_PEOPLE.leaver.email },
      asked_by: {
        principal: 'workday-bridge',
        principal_type: 'app_user',
        source: 'urn:hr:workday',
        requester: 'hr-ops@acme.test',
      },
      happened_at: events.late!.time,
      effective_at: events.late!.time,
      over_target: true,
    });
    expect(late.steps.map((s) => [s.action, s.outcome])).toEqual([
      ['transfer_data', 'succeeded'],
      ['downgrade', 'succeeded'],
      ['suspend', 'succeeded'],
    ]);
    expect(late.tickets.map((t) => t.id)).toEqual([...ticketIds.late!].sort((a, b) => a - b));
    expect(late.tickets[0]!.url).toBe(`${sandbox.url}/agent/tickets/${late.tickets[0]!.id}`);
    expect(late.effective_to_removal_ms!).toBeGreaterThan(30 * HOUR - 60_000);

    const quick = byId.get(events.quick!.id)!;
    expect(quick).toMatchObject({
      status: 'completed',
      over_target: false,
      asked_by: { principal: null, requester: 'security@acme.test' },
    });
    expect(quick.effective_to_removal_ms!).toBeLessThan(2 * HOUR);

    const refused = byId.get(events.refused!.id)!;
    expect(refused).toMatchObject({ status: 'refused', access_removed_at: null, over_target: true });
    expect(refused.attention.join(' ')).toMatch(/downgrade was refused \(protected_user/);

    const waiting = byId.get(events.waiting!.id)!;
    expect(waiting).toMatchObject({ status: 'waiting', tickets: [], over_target: false });
    expect(waiting.attention.join(' ')).toMatch(/still waiting/);

    expect(report.summary.time_to_removal.count).toBe(2);
    expect(report.summary.over_target.map((o) => o.event_id).sort()).toEqual(
      [events.late!.id, events.refused!.id].sort(),
    );
    expect(report.sources).toMatchObject({ audit_tickets: 5, set_aside_tickets: 0 });
  }, 120_000);

  it('runs as `npm run producer -- audit-report`: CSV on stdout, progress on stderr, HTML to a file', async () => {
    const run = promisify(execFile);
    const cwd = new URL('../..', import.meta.url).pathname;
    const env = {
      ...process.env,
      KAFKA_BROKERS: brokers.join(','),
      TOPIC_RESULTS: topic,
      ZENDESK_BASE_URL: sandbox.url,
      ZENDESK_OAUTH_CLIENT_ID: sandbox.credentials.oauthClientId,
      ZENDESK_OAUTH_CLIENT_SECRET: sandbox.credentials.oauthClientSecret,
    };
    const period = ['--from', day(now - 86_400_000), '--to', day(now)];
    const csv = await run('npx', ['tsx', 'src/cli.ts', 'audit-report', ...period, '--format', 'csv'], {
      cwd,
      env,
    });
    const records = csv.stdout.split('\r\n').filter(Boolean);
    expect(records[0]).toBe(CSV_COLUMNS.map((c) => `"${c}"`).join(','));
    expect(records).toHaveLength(5);
    // The reason that looks like a formula is defused.
    expect(csv.stdout).toContain(`"'=cmd|"" /C calc""!A0"`);
    expect(csv.stderr).toMatch(/audit tickets: \d+ done/);
    expect(csv.stderr).toMatch(/4 event\(s\), 2 over the 24 h target/);
    const html = join(dir, 'report.html');
    const written = await run('npx', ['tsx', 'src/cli.ts', 'audit-report', ...period, '--out', html], {
      cwd,
      env,
    });
    expect(written.stdout).toBe('');
    expect(written.stderr).toContain(`written to ${html}`);
    const page = readFileSync(html, 'utf8');
    expect(page.match(/<tr class="[^"]*" data-event-id=/g)).toHaveLength(4);
    const bad = await run(
      'npx',
      ['tsx', 'src/cli.ts', 'audit-report', '--from', '2026-12-31', '--to', '2026-10-01'],
      { cwd, env },
    ).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(2);
    expect((bad as { stderr: string }).stderr).toMatch(/--to is before --from/);
  }, 120_000);
});
