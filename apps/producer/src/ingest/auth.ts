// Who may post events: a bearer token and/or an HMAC-SHA256 signature of the raw body, both compared in
// constant time. When both are configured, either one suffices.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface IngestAuth {
  token?: string;
  hmacSecret?: string;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** True when the request carries a valid token or signature (or no auth is configured: loopback demo only). */
export function authorized(
  auth: IngestAuth,
  headers: Record<string, string | string[] | undefined>,
  rawBody: Buffer,
): boolean {
  if (!auth.token && !auth.hmacSecret) return true;
  const bearer = String(headers.authorization ?? '');
  if (auth.token && bearer.startsWith('Bearer ') && same(bearer.slice(7), auth.token)) return true;
  const signature = String(headers['x-signature'] ?? '');
  if (auth.hmacSecret && signature && same(signature, signBody(auth.hmacSecret, rawBody))) return true;
  return false;
}
