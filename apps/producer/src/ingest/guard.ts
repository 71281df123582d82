// The ingestion endpoint's gate: authenticates the caller, authorizes every event against its principal's rights,
// stamps the authcontext (whatever the client sent is overwritten) and counts refusals for /metrics.
import {
  authorizeEvent,
  defaultPolicy,
  DEFAULT_PRINCIPAL,
  type AuthType,
  type Env,
  type LifecycleEvent,
  type Policy,
} from '@zendesk-lifecycle/core';
import { Authenticator, type AuthenticatorOptions } from './auth.js';
import { principalCredentials } from './principals.js';

export interface GuardOptions extends AuthenticatorOptions {
  policy?: Policy;
  /** Where the policy's credential variables are read (process.env in the service). */
  env?: Env;
  /** INGEST_TOKEN / INGEST_HMAC_SECRET: the implicit principal `default`. */
  token?: string;
  hmacSecret?: string;
}

export type EventsVerdict =
  { ok: true; events: LifecycleEvent[] } | { ok: false; refused: Array<{ index: number; reason: string }> };

export class IngestGuard {
  readonly auth: Authenticator;
  private readonly policy: Policy;
  private readonly refusals = new Map<string, number>();

  constructor(options: GuardOptions) {
    this.policy = options.policy ?? defaultPolicy();
    const credentials = principalCredentials(this.policy, options.env ?? {}, options);
    this.auth = new Authenticator(credentials, options);
  }

  /**
   * The events as the principal may send them, with its authcontext, or every refused event with its reason.
   * `principal` null: an unauthenticated request (loopback demo only), which acts as `default`.
   */
  authorize(events: LifecycleEvent[], principal: string | null): EventsVerdict {
    const authid = principal ?? DEFAULT_PRINCIPAL;
    const authtype: AuthType = principal === null ? 'unauthenticated' : 'service_account';
    const refused = events.flatMap((event, index) => {
      const verdict = authorizeEvent(this.policy, event, authid);
      return verdict.ok ? [] : [{ index, reason: verdict.reason }];
    });
    if (refused.length > 0) return { ok: false, refused };
    return { ok: true, events: events.map((event) => ({ ...event, authtype, authid })) };
  }

  /** Counts a refused request (401 or 403) by its code. */
  count(code: string): void {
    this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
  }

  /** Refusals in the Prometheus text format. */
  metricsText(): string {
    const lines = [
      '# HELP lifecycle_ingest_refused_total Ingestion requests refused (401, 403), by reason',
      '# TYPE lifecycle_ingest_refused_total counter',
      ...[...this.refusals].map(([code, n]) => `lifecycle_ingest_refused_total{reason="${code}"} ${n}`),
    ];
    return `${lines.join('\n')}\n`;
  }
}
