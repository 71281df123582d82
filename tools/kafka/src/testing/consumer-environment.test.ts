// The consumer environment shared by the benchmarks and the chaos suite: topics, group, policy file, credentials.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { consumerEnvironment, UNLIMITED_BLAST_RADIUS_POLICY } from './consumer-environment.js';

const account = (url: string) => ({
  url,
  credentials: { email: 'a@b.test', token: 'tok', oauthClientId: 'cid', oauthClientSecret: 'secret' },
});

describe('consumerEnvironment', () => {
  it('names the run topics and group, and signs in with the OAuth client by default', () => {
    const run = consumerEnvironment({
      name: 'bench-x',
      brokers: '127.0.0.1:9',
      zendesk: account('http://z'),
    });
    expect(run.runId).toMatch(/^bench-x-[0-9a-z]+$/);
    expect(run.env).toMatchObject({
      KAFKA_BROKERS: '127.0.0.1:9',
      TOPIC_EVENTS: `${run.runId}.events`,
      TOPIC_RESULTS: `${run.runId}.results`,
      TOPIC_SCHEDULED: `${run.runId}.scheduled`,
      KAFKA_GROUP_ID: `${run.runId}-group`,
      KAFKA_TOPIC_PARTITIONS: '6',
      ZENDESK_BASE_URL: 'http://z',
      ZENDESK_OAUTH_CLIENT_ID: 'cid',
      ZENDESK_OAUTH_CLIENT_SECRET: 'secret',
      POLICY_FILE: run.policyFile,
    });
    expect(run.env).not.toHaveProperty('ZENDESK_API_TOKEN');
    expect(run.env).not.toHaveProperty('ITSM_ZENDESK_BASE_URL');
    expect(run.groupId).toBe(run.env.KAFKA_GROUP_ID);
    expect(run.policyFile.startsWith(run.logDir)).toBe(true);
    expect(JSON.parse(readFileSync(run.policyFile, 'utf8'))).toEqual(UNLIMITED_BLAST_RADIUS_POLICY);
  });

  it('takes the API token, a separate audit account, a policy and overrides when asked', () => {
    const run = consumerEnvironment({
      name: 'chaos-y',
      brokers: 'b:1',
      zendesk: account('http://z'),
      itsm: account('http://itsm'),
      auth: 'token',
      partitions: 3,
      policy: { purge_after_days: 1 },
      env: { LOG_LEVEL: 'warn', KAFKA_TOPIC_PARTITIONS: '2' },
    });
    expect(run.env).toMatchObject({
      ZENDESK_EMAIL: 'a@b.test',
      ZENDESK_API_TOKEN: 'tok',
      ITSM_ZENDESK_BASE_URL: 'http://itsm',
      ITSM_ZENDESK_API_TOKEN: 'tok',
      LOG_LEVEL: 'warn',
      KAFKA_TOPIC_PARTITIONS: '2',
    });
    expect(run.env).not.toHaveProperty('ZENDESK_OAUTH_CLIENT_ID');
    expect(JSON.parse(readFileSync(run.policyFile, 'utf8'))).toEqual({ purge_after_days: 1 });
  });
});
