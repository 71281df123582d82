// Figures: events per second through the whole consumer pipeline and CPU per event, against a bare kafkajs consumer
// and against what Zendesk's highest rate limit allows.
import { Kafka, logLevel } from 'kafkajs';
import { createLifecycleEvent, eventKey } from '@zendesk-lifecycle/core';
import type { KafkaCluster } from '@zendesk-lifecycle/kafka';
import { startSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { consumerRun } from './consumer-run.js';
import { HIGHEST_ZENDESK_RPM, round, say, type Figure } from './figures.js';

export async function pipeline(cluster: KafkaCluster): Promise<Figure[]> {
  const figures: Figure[] = [];
  const n = 600;
  say(
    `pipeline overhead: ${n} events through the consumer (plan, sandbox, audit, transactional result) vs a bare kafkajs consumer`,
  );
  const sandbox = await startSandbox({ seed: { users: n + 100, tickets: 0 }, rpm: 0, logRequests: true });
  const agents = [...sandbox.state.users.values()]
    .filter((u) => u.role === 'agent' && !u.suspended && u.id !== 1)
    .slice(0, n);
  const events = agents.map((u, i) =>
    createLifecycleEvent({
      type: 'lifecycle.access_revoked.v1',
      source: 'bench',
      id: `pipeline-${i}`,
      user: { id: u.id },
    }),
  );

  // The bare consumer runs in this process (the sandbox here is idle meanwhile), ours as its own process.
  const kafka = new Kafka({ clientId: 'bench', brokers: cluster.brokers, logLevel: logLevel.NOTHING });
  const bareTopic = `bench-bare-${Date.now().toString(36)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: bareTopic, numPartitions: 6 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: bareTopic,
    messages: events.map((e) => ({ key: eventKey(e), value: JSON.stringify(e) })),
  });
  await producer.disconnect();
  const seen: number[] = [];
  const bare = kafka.consumer({ groupId: `${bareTopic}-group`, maxWaitTimeInMs: 100 });
  const bareCpu = process.cpuUsage();
  await bare.connect();
  await bare.subscribe({ topic: bareTopic, fromBeginning: true });
  await bare.run({ eachMessage: async () => void seen.push(Date.now()) });
  while (seen.length < events.length) await new Promise((r) => setTimeout(r, 20));
  const bareCpuSeconds = (() => {
    const used = process.cpuUsage(bareCpu);
    return (used.user + used.system) / 1e6;
  })();
  await bare.disconnect();

  const ours = await consumerRun(cluster, sandbox, 'pipeline', events);
  await ours.fleet.add();
  await ours.ready();
  const callsBefore = sandbox.state.requestLog.length;
  const cpuBefore = await ours.fleet.cpuSeconds();
  const arrivals = await ours.publishAndWait(180_000);
  const oursCpuSeconds = (await ours.fleet.cpuSeconds()) - cpuBefore;
  const callsPerEvent = (sandbox.state.requestLog.length - callsBefore) / events.length;
  await ours.stop();
  await sandbox.stop();

  // Steady state: from the first outcome to the last, so that start-up and group join do not count.
  const rate = (times: number[]) => (times.length - 1) / ((times.at(-1)! - times[0]!) / 1000);
  const oursRate = rate(arrivals);
  const bareRate = rate(seen);
  // Zendesk is the real limit: the highest account plan allows 2,500 requests per minute. The consumer should
  // keep up with that and leave the CPU mostly idle while doing so.
  const zendeskEventsPerSecond = HIGHEST_ZENDESK_RPM / 60 / callsPerEvent;
  const cpuBudgetMs = (1000 * 0.1) / zendeskEventsPerSecond;
  figures.push({
    name: 'events per second through the whole pipeline (steady state)',
    ours: round(oursRate, 1),
    comparison: 'bare kafkajs consumer reading the same events',
    theirs: round(bareRate, 1),
    ratio: round(oursRate / bareRate, 3),
    unit: 'events/s',
    goal: `>= ${round(zendeskEventsPerSecond, 1)} events/s, the most Zendesk's highest limit (${HIGHEST_ZENDESK_RPM} rpm) allows at ${round(callsPerEvent, 1)} calls per event`,
    met: oursRate >= zendeskEventsPerSecond,
  });
  const ms = (seconds: number) => round((seconds * 1000) / events.length, 3);
  figures.push({
    name: 'CPU per event in the consumer process (ms)',
    ours: ms(oursCpuSeconds),
    comparison: 'bare kafkajs consumer reading the same events',
    theirs: ms(bareCpuSeconds),
    ratio: round(oursCpuSeconds / bareCpuSeconds, 1),
    unit: 'ms',
    goal: `<= ${round(cpuBudgetMs, 1)} ms: at most 10 % of one core at Zendesk's highest limit`,
    met: ms(oursCpuSeconds) <= cpuBudgetMs,
  });
  return figures;
}
