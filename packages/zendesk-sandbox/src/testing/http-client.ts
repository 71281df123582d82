// A tiny fetch helper for the sandbox's own tests (real HTTP over loopback).
import type { RunningSandbox } from '../server.js';

export function api(sandbox: RunningSandbox, auth?: string) {
  const authorization =
    auth ??
    `Basic ${Buffer.from(`${sandbox.credentials.email}/token:${sandbox.credentials.token}`).toString('base64')}`;
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const url = path.startsWith('http') ? path : `${sandbox.baseUrl}${path}`;
    const res = await fetch(url, {
      method,
      headers: { authorization, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read replies loosely
      body: text ? (JSON.parse(text) as Record<string, any>) : {},
    };
  };
}
