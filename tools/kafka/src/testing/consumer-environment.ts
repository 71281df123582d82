// The environment a run of consumer processes needs, shared by the benchmarks (bench/) and the chaos suite
// (tools/chaos): the run's own topic names and consumer group, a policy file, a log directory, and the consumer's
// environment variables wired to a Zendesk account (the sandbox) by OAuth client or API token.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTopics } from './kafka-for-tests.js';

/** What the environment needs of a Zendesk account: its URL and credentials (a RunningSandbox has them). */
export interface ZendeskAccountAccess {
  url: string;
  credentials: { email: string; token: string; oauthClientId: string; oauthClientSecret: string };
}

/** A policy with no practical blast-radius limit: runs that act on thousands of users must not trip the brake. */
export const UNLIMITED_BLAST_RADIUS_POLICY = {
  blast_radius: { max_weight: 1_000_000_000, window_seconds: 3600 },
} as const;

export interface ConsumerEnvironmentOptions {
  /** Names the run: topics `<name>-<time>.events`, ..., group `<name>-<time>-group`, log dir `<name>-...`. */
  name: string;
  /** Bootstrap servers, comma-separated. */
  brokers: string;
  zendesk: ZendeskAccountAccess;
  /** A separate account for audit tickets (ITSM_ZENDESK_*); default: audit tickets go to `zendesk`. */
  itsm?: ZendeskAccountAccess;
  /** How the consumer signs in: an OAuth client (default, tokens are renewed) or the API token. */
  auth?: 'oauth' | 'token';
  /** Partitions of the topics the consumer creates (KAFKA_TOPIC_PARTITIONS; default 6). */
  partitions?: number;
  /** The policy file's content (default UNLIMITED_BLAST_RADIUS_POLICY). */
  policy?: unknown;
  /** Written last: overrides anything above (LOG_LEVEL, ALLOW_IRREVERSIBLE, timeouts, ...). */
  env?: Record<string, string>;
}

export interface ConsumerEnvironment {
  runId: string;
  /** The consumer's TOPIC_* variables for this run. */
  topics: ReturnType<typeof runTopics>;
  groupId: string;
  /** Where the policy file is, and where consumer logs belong. */
  logDir: string;
  policyFile: string;
  /** Every variable a consumer process of this run starts with. */
  env: Record<string, string>;
}

function accountEnv(prefix: string, account: ZendeskAccountAccess, auth: 'oauth' | 'token') {
  return auth === 'oauth'
    ? {
        [`${prefix}ZENDESK_BASE_URL`]: account.url,
        [`${prefix}ZENDESK_OAUTH_CLIENT_ID`]: account.credentials.oauthClientId,
        [`${prefix}ZENDESK_OAUTH_CLIENT_SECRET`]: account.credentials.oauthClientSecret,
      }
    : {
        [`${prefix}ZENDESK_BASE_URL`]: account.url,
        [`${prefix}ZENDESK_EMAIL`]: account.credentials.email,
        [`${prefix}ZENDESK_API_TOKEN`]: account.credentials.token,
      };
}

/**
 * A run's topics, group, policy file, log directory and consumer environment. Creates nothing in Kafka: the first
 * consumer creates the topics (KAFKA_TOPIC_PARTITIONS, compaction and single partitions where its settings want
 * them), as in production with KAFKA_CREATE_TOPICS on.
 */
export function consumerEnvironment(options: ConsumerEnvironmentOptions): ConsumerEnvironment {
  const runId = `${options.name}-${Date.now().toString(36)}`;
  const topics = runTopics(runId);
  const groupId = `${runId}-group`;
  const logDir = mkdtempSync(join(tmpdir(), `${runId}-`));
  const policyFile = join(logDir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify(options.policy ?? UNLIMITED_BLAST_RADIUS_POLICY));
  const auth = options.auth ?? 'oauth';
  const env: Record<string, string> = {
    KAFKA_BROKERS: options.brokers,
    ...topics,
    KAFKA_GROUP_ID: groupId,
    KAFKA_TOPIC_PARTITIONS: String(options.partitions ?? 6),
    ...accountEnv('', options.zendesk, auth),
    ...(options.itsm ? accountEnv('ITSM_', options.itsm, auth) : {}),
    POLICY_FILE: policyFile,
    ...options.env,
  };
  return { runId, topics, groupId, logDir, policyFile, env };
}
