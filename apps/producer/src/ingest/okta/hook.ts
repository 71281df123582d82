// GET/POST /okta/events: an Okta Event Hook. The one-time verification GET echoes X-Okta-Verification-Challenge
// as {"verification": ...}; each POST carries System Log events in data.events[], each mapped (mapping.ts) to one
// lifecycle event keyed by its user, published, and answered 200 once Kafka acknowledged them (Okta waits 3 s,
// retries once). Okta authenticates with the secret it sends in a header: the token of a policy principal,
// compared by digest in constant time and never logged. Unmapped events are counted and ignored.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ConfigError,
  oktaMappings,
  oktaNeeds,
  rightsOf,
  staleReason,
  type Env,
  type LifecycleEvent,
  type OktaPolicy,
  type Policy,
} from '@zendesk-lifecycle/core';
import type { Logger } from '@zendesk-lifecycle/service-runtime';
import type { Publisher } from '../../publisher.js';
import { readBody } from '../body.js';
import type { IngestGuard } from '../guard.js';
import { principalCredentials, sha256 } from '../principals.js';
import { problem, sendProblem, type Problem } from '../problem.js';
import { mapOktaEvent, type IgnoredReason } from './mapping.js';
import { RecentIds } from './recent-ids.js';
import { hookBodySchema } from './system-log.js';

export const OKTA_HOOK_PATH = '/okta/events';
const CHALLENGE_HEADER = 'x-okta-verification-challenge';
const MAX_CHALLENGE = 1024;
/** Distinct Okta event types the ignored-events metric names; any more are counted as "other". */
const MAX_TYPE_LABELS = 100;

export interface OktaHookOptions {
  policy: Policy;
  okta: OktaPolicy;
  /** Where the principal's token variable is read. */
  env: Env;
  guard: IngestGuard;
  publisher: Publisher;
  logger: Logger;
  maxBodyBytes: number;
  bodyTimeoutMs: number;
  maxEventAgeDays: number;
  now?: () => number;
  /** Okta uuids remembered as published (default 100,000, for 24 hours). */
  recentCapacity?: number;
  recentTtlMs?: number;
}

export interface OktaHook {
  handle(req: IncomingMessage, res: ServerResponse, correlationId: string): Promise<void>;
  metricsText(): string;
}

type Ignored = IgnoredReason | 'stale';

/**
 * The digests of the tokens Okta may present, checked at start-up: the principal exists, has a token (Okta cannot
 * sign), and its rights cover the source, every type and every action the mapping produces.
 */
export function oktaTokenDigests(policy: Policy, okta: OktaPolicy, env: Env): Buffer[] {
  const name = okta.principal;
  const where = `okta.principal "${name}"`;
  if (!Object.hasOwn(policy.principals, name))
    throw new ConfigError([`${where}: no such principal in "principals" of the policy`]);
  const credentials = principalCredentials(
    { ...policy, principals: { [name]: policy.principals[name]! } },
    env,
  );
  const digests = credentials.find((c) => c.name === name)?.tokenDigests ?? [];
  const problems: string[] = [];
  if (digests.length === 0)
    problems.push(`${where}: needs a token (credentials.tokens): Okta sends a header secret, it cannot sign`);
  const rights = rightsOf(policy, name)!;
  const sourceOk = rights.sources.some((p) =>
    p.endsWith('*') ? okta.source.startsWith(p.slice(0, -1)) : p === okta.source,
  );
  if (!sourceOk) problems.push(`${where}: its sources do not allow okta.source "${okta.source}"`);
  const needs = oktaNeeds(okta);
  const types = needs.types.filter((t) => !rights.types.includes(t));
  if (types.length > 0)
    problems.push(`${where}: the Okta mapping produces ${types.join(', ')}; add to its types`);
  const actions = needs.actions.filter((a) => !rights.actions.includes(a));
  if (actions.length > 0)
    problems.push(
      `${where}: the Okta mapping names the actions ${actions.join(', ')}; add them to its actions (or map without them)`,
    );
  if (problems.length > 0) throw new ConfigError(problems);
  return digests;
}

const labelOf = (text: string): string => text.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);

export function createOktaHook(options: OktaHookOptions): OktaHook {
  const { okta, logger, guard, publisher } = options;
  const digests = oktaTokenDigests(options.policy, okta, options.env);
  const mappings = oktaMappings(okta);
  logger.info(
    {
      path: OKTA_HOOK_PATH,
      principal: okta.principal,
      header: okta.header,
      oktaEventTypes: [...mappings.keys()],
    },
    'Okta Event Hook enabled',
  );
  const now = options.now ?? Date.now;
  const recent = new RecentIds(options.recentCapacity ?? 100_000, options.recentTtlMs ?? 24 * 3600_000, now);
  const counts = { published: 0, duplicate: 0, ignored: 0 };
  const ignoredBy = new Map<string, number>(); // `${reason}\n${type}`
  const typeLabels = new Set<string>();

  const countIgnored = (reason: Ignored, oktaType: string | undefined) => {
    counts.ignored += 1;
    let type = labelOf(oktaType ?? 'unknown');
    if (!typeLabels.has(type)) {
      if (typeLabels.size >= MAX_TYPE_LABELS) type = 'other';
      else typeLabels.add(type);
    }
    const key = `${reason}\n${type}`;
    ignoredBy.set(key, (ignoredBy.get(key) ?? 0) + 1);
  };

  /** Whether the request carries the secret: every digest compared, in constant time; the value never kept. */
  const authenticated = (req: IncomingMessage): boolean => {
    const value = req.headers[okta.header];
    if (typeof value !== 'string' || value.length === 0) return false;
    // The secret as configured in Okta, or after a "Bearer " the operator put in front of it there.
    const candidates = [sha256(value), ...(value.startsWith('Bearer ') ? [sha256(value.slice(7))] : [])];
    let ok = false;
    for (const digest of digests) for (const c of candidates) ok = timingSafeEqual(digest, c) || ok;
    return ok;
  };

  const refuse = (req: IncomingMessage, res: ServerResponse, body: Problem, id: string) => {
    if (body.status === 401 || body.status === 403) {
      guard.count(body.type.split(':').pop()!);
      logger.warn(
        {
          status: body.status,
          type: body.type,
          detail: body.detail,
          correlationId: id,
          remote: req.socket.remoteAddress,
          path: OKTA_HOOK_PATH,
          header: okta.header,
          presented: req.headers[okta.header] !== undefined,
        },
        'Okta hook request refused',
      );
    }
    sendProblem(res, body, id, { close: !req.complete });
  };

  const verify = (req: IncomingMessage, res: ServerResponse, id: string): Problem | void => {
    const challenge = req.headers[CHALLENGE_HEADER];
    if (typeof challenge !== 'string' || challenge.length === 0 || challenge.length > MAX_CHALLENGE)
      return problem(
        400,
        'missing_challenge',
        'Missing verification challenge',
        `a GET is Okta's one-time verification: it carries ${CHALLENGE_HEADER}`,
      );
    const text = JSON.stringify({ verification: challenge });
    res.writeHead(200, { 'content-type': 'application/json', 'x-correlation-id': id });
    res.end(text);
    logger.info({ correlationId: id }, 'Okta event hook verified');
  };

  const deliver = async (req: IncomingMessage, res: ServerResponse, id: string): Promise<Problem | void> => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json')
      return problem(415, 'unsupported_media_type', 'Unsupported media type', 'send application/json');
    const limit = options.maxBodyBytes;
    const tooLarge = () =>
      problem(413, 'too_large', 'Content too large', `the body is over the limit of ${limit} bytes`);
    if (Number(req.headers['content-length'] ?? 0) > limit) return tooLarge();
    const body = await readBody(req, limit, options.bodyTimeoutMs);
    if (body === 'too_large') return tooLarge();
    if (body === 'timeout')
      return problem(408, 'request_timeout', 'Request timeout', 'the body came too slowly');
    if (body === 'aborted') return;
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return problem(400, 'invalid_hook_body', 'Invalid Okta hook body', 'the body is not JSON');
    }
    const envelope = hookBodySchema.safeParse(json);
    if (!envelope.success)
      return problem(400, 'invalid_hook_body', 'Invalid Okta hook body', 'expected data.events[] (an array)');

    const receivedAt = new Date(now());
    const events: LifecycleEvent[] = [];
    const uuids: string[] = [];
    let duplicates = 0;
    const ignored: Array<{ uuid?: string; type?: string; reason: Ignored; detail?: string }> = [];
    for (const raw of envelope.data.data.events) {
      const mapped = mapOktaEvent(raw, { okta, mappings });
      if (mapped.kind === 'ignored') {
        countIgnored(mapped.reason, mapped.oktaType);
        ignored.push({
          reason: mapped.reason,
          ...(mapped.uuid ? { uuid: mapped.uuid } : {}),
          ...(mapped.oktaType ? { type: mapped.oktaType } : {}),
          ...(mapped.detail ? { detail: mapped.detail } : {}),
        });
        continue;
      }
      if (uuids.includes(mapped.uuid) || recent.has(mapped.uuid)) {
        duplicates += 1;
        continue;
      }
      const stale = staleReason(mapped.event, options.maxEventAgeDays, receivedAt);
      if (stale) {
        countIgnored('stale', mapped.oktaType);
        ignored.push({ uuid: mapped.uuid, type: mapped.oktaType, reason: 'stale', detail: stale });
        continue;
      }
      events.push(mapped.event);
      uuids.push(mapped.uuid);
    }
    counts.duplicate += duplicates;
    const attention = ignored.filter((i) => i.reason !== 'unmapped');
    if (attention.length > 0)
      logger.warn({ correlationId: id, ignored: attention }, 'Okta events ignored (not acted on)');

    if (events.length > 0) {
      const allowed = guard.authorize(events, okta.principal);
      if (!allowed.ok) {
        logger.warn(
          { correlationId: id, principal: okta.principal, events: allowed.refused },
          "Okta events outside the principal's rights",
        );
        return problem(403, 'forbidden', 'Not allowed for this principal', allowed.refused[0]!.reason);
      }
      try {
        await publisher.publish(allowed.events);
      } catch (error) {
        logger.error({ err: error, correlationId: id }, 'Kafka did not acknowledge the Okta events');
        res.setHeader('retry-after', '5');
        return problem(503, 'kafka_unavailable', 'Kafka unavailable', 'Kafka did not acknowledge; try again');
      }
      for (const uuid of uuids) recent.add(uuid);
      counts.published += events.length;
    }
    logger.info(
      {
        correlationId: id,
        published: events.map((e) => e.id),
        duplicates,
        ignored: ignored.length,
      },
      'Okta events accepted',
    );
    // Okta expects an empty 200 or 204, as soon as possible.
    res.writeHead(200, { 'x-correlation-id': id, 'content-length': '0' });
    res.end();
  };

  return {
    async handle(req, res, id) {
      if (req.method !== 'GET' && req.method !== 'POST')
        return sendProblem(
          res,
          problem(405, 'method_not_allowed', 'Method not allowed', `${req.method} is not allowed here`),
          id,
          { close: true, headers: { allow: 'GET, POST' } },
        );
      // Credentials before anything else, the body unread.
      if (!authenticated(req))
        return refuse(
          req,
          res,
          problem(
            401,
            'unauthenticated',
            'Missing or wrong credentials',
            `send the secret in ${okta.header}`,
          ),
          id,
        );
      const refusal = req.method === 'GET' ? verify(req, res, id) : await deliver(req, res, id);
      if (refusal && !res.headersSent) refuse(req, res, refusal, id);
    },
    metricsText() {
      const lines = [
        '# HELP lifecycle_okta_events_total Okta System Log events received by the Event Hook, by what became of them',
        '# TYPE lifecycle_okta_events_total counter',
        ...Object.entries(counts).map(
          ([outcome, n]) => `lifecycle_okta_events_total{outcome="${outcome}"} ${n}`,
        ),
        '# HELP lifecycle_okta_events_ignored_total Okta events not acted on, by reason and Okta event type',
        '# TYPE lifecycle_okta_events_ignored_total counter',
        ...[...ignoredBy].map(([key, n]) => {
          const [reason, type] = key.split('\n');
          return `lifecycle_okta_events_ignored_total{reason="${reason}",event_type="${type}"} ${n}`;
        }),
      ];
      return `${lines.join('\n')}\n`;
    },
  };
}
