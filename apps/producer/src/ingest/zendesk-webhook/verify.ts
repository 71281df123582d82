// Verifying a Zendesk webhook request as Zendesk documents it ("Verifying webhook authenticity"):
// X-Zendesk-Webhook-Signature = base64(HMAC-SHA256(X-Zendesk-Webhook-Signature-Timestamp + raw body)) with the
// webhook's signing secret. On top: the timestamp must lie inside a window around now (default 5 minutes), and a
// signature seen within that window is a replay. Comparisons are constant-time; nothing here logs a secret.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureRefusal =
  'signature_missing' | 'timestamp_invalid' | 'timestamp_outside_window' | 'signature_invalid' | 'replayed';

export type Verified =
  { ok: true; signature: string; timestampMs: number } | { ok: false; reason: SignatureRefusal };

export const SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
export const TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';

/** Zendesk's timestamp is ISO 8601 (2021-03-25T05:09:27Z); Unix seconds are read too. */
function timestampMs(value: string): number | null {
  if (/^\d{9,11}$/.test(value)) return Number(value) * 1000;
  if (!/^\d{4}-\d\d-\d\dT/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

export interface VerifierOptions {
  /** The webhook's signing secret(s): during a rotation, the new one and the old one. */
  secrets: string[];
  /** How far the signature timestamp may be from now, either way (default 300 s). */
  windowSeconds?: number;
  now?: () => number;
}

export class ZendeskSignatureVerifier {
  private readonly keys: Buffer[];
  private readonly windowMs: number;
  private readonly now: () => number;
  /** Signatures taken (accepted, or being handled), with their timestamps, kept while inside the window. */
  private readonly seen = new Map<string, number>();

  constructor(options: VerifierOptions) {
    const secrets = options.secrets.filter((s) => s.length > 0);
    if (secrets.length === 0) throw new Error('a Zendesk webhook signing secret is required');
    this.keys = secrets.map((s) => Buffer.from(s, 'utf8'));
    this.windowMs = (options.windowSeconds ?? 300) * 1000;
    this.now = options.now ?? Date.now;
  }

  /** Checks one request; a good one is taken (a second arrival of it is a replay until `release`d). */
  verify(headers: Record<string, string | string[] | undefined>, body: Buffer): Verified {
    const signature = headers[SIGNATURE_HEADER];
    const timestamp = headers[TIMESTAMP_HEADER];
    if (typeof signature !== 'string' || typeof timestamp !== 'string' || !signature || !timestamp)
      return { ok: false, reason: 'signature_missing' };
    const at = timestampMs(timestamp);
    if (at === null) return { ok: false, reason: 'timestamp_invalid' };
    const now = this.now();
    if (Math.abs(now - at) > this.windowMs) return { ok: false, reason: 'timestamp_outside_window' };
    const given = Buffer.from(signature, 'utf8');
    let match = false;
    for (const key of this.keys) {
      const expected = Buffer.from(
        createHmac('sha256', key).update(timestamp, 'utf8').update(body).digest('base64'),
        'utf8',
      );
      // timingSafeEqual needs equal lengths; comparing with itself keeps the time the same when they differ.
      const same = given.length === expected.length && timingSafeEqual(given, expected);
      match = match || same;
    }
    if (!match) return { ok: false, reason: 'signature_invalid' };
    this.prune(now);
    if (this.seen.has(signature)) return { ok: false, reason: 'replayed' };
    this.seen.set(signature, at);
    return { ok: true, signature, timestampMs: at };
  }

  /** Forgets a taken signature whose request was not handled (Kafka down): Zendesk's retry of it is welcome. */
  release(signature: string): void {
    this.seen.delete(signature);
  }

  private prune(now: number): void {
    for (const [signature, at] of this.seen)
      if (Math.abs(now - at) > this.windowMs) this.seen.delete(signature);
  }
}

/** Recently seen Zendesk event ids (a bounded, time-limited memory): what makes a retried delivery a no-op. */
export class RecentIds {
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly max = 50_000,
    private readonly ttlMs = 24 * 3600_000,
    private readonly now: () => number = Date.now,
  ) {}

  has(id: string): boolean {
    const at = this.ids.get(id);
    if (at === undefined) return false;
    if (this.now() - at > this.ttlMs) {
      this.ids.delete(id);
      return false;
    }
    return true;
  }

  add(id: string): void {
    this.ids.delete(id);
    this.ids.set(id, this.now());
    while (this.ids.size > this.max) this.ids.delete(this.ids.keys().next().value!);
  }
}
