// Fault injection, deterministic for a given seed: server errors, latency, connection resets, 429 storms.
import { seededRandom } from './random.js';

/** One injected failure: which route, how often, what status or latency. */
export interface FaultRule {
  /** "METHOD /path/pattern" as in the router (e.g. "PUT /users/:id"), "METHOD *", or "*" (default). */
  route?: string;
  /**
   * Share of matching requests answered with `status` (0..1). 422 stands for a refusal Zendesk gives for reasons
   * the sandbox does not model (a RecordInvalid envelope, the request not processed).
   */
  errorRate?: number;
  status?: 422 | 500 | 502 | 503 | 504;
  /** Added delay before answering. */
  latencyMs?: number;
  /** Share of matching requests whose connection is destroyed without an answer. */
  resetRate?: number;
  /** Reset after the request was processed (the change happened, the answer is lost). */
  resetAfterProcessing?: boolean;
  /** Every request answered 429 (Retry-After: 1) for this long from now. */
  rateLimitStormMs?: number;
}

interface ActiveRule extends FaultRule {
  stormUntil: number;
}

export type FaultDecision = { error?: number; latencyMs: number; reset?: 'before' | 'after'; storm: boolean };

/** Injected failures per route (error rates, latency, 429 storms): `sandbox.faults.set(...)`, `clear()`, `list()`. */
export class FaultController {
  private rules: ActiveRule[] = [];
  private readonly random: () => number;
  injected = 0;

  constructor(seed = 42) {
    this.random = seededRandom(seed >>> 0 || 42);
  }

  set(rule: FaultRule): void {
    this.rules.push({ ...rule, stormUntil: rule.rateLimitStormMs ? Date.now() + rule.rateLimitStormMs : 0 });
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map(({ stormUntil: _s, ...rule }) => rule);
  }

  /** What to do to a request matching `routeSpec` (e.g. "PUT /users/:id"). */
  decide(method: string, routeSpec: string | undefined): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, storm: false };
    const now = Date.now();
    for (const rule of this.rules) {
      const route = rule.route ?? '*';
      const matches = route === '*' || route === routeSpec || route === `${method} *`;
      if (!matches) continue;
      if (rule.stormUntil > now) decision.storm = true;
      decision.latencyMs += rule.latencyMs ?? 0;
      if (rule.errorRate && decision.error === undefined && this.random() < rule.errorRate)
        decision.error = rule.status ?? 503;
      if (rule.resetRate && decision.reset === undefined && this.random() < rule.resetRate) {
        decision.reset = rule.resetAfterProcessing ? 'after' : 'before';
      }
    }
    if (decision.storm || decision.error !== undefined || decision.reset) this.injected++;
    return decision;
  }
}
