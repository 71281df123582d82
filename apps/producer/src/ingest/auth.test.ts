// Authentication of ingestion requests: bearer tokens by hash, Standard Webhooks signatures over the whole
// request (method, path, content type, ce-* headers, body), the ±5-minute window, replays, and key rotation.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '@zendesk-lifecycle/core';
import { Authenticator, signRequest, signedContent, type RequestHead } from './auth.js';
import { principalCredentials, sha256 } from './principals.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const policy = parsePolicy({
  principals: {
    workday: {
      credentials: {
        tokens: [{ env: 'WD_TOKEN' }],
        hmac_keys: [
          { id: 'wd-old', env: 'WD_KEY_OLD' },
          { id: 'wd-new', env: 'WD_KEY_NEW' },
        ],
      },
      sources: ['hr/workday'],
      types: ['lifecycle.offboarding.v1'],
    },
    okta: {
      credentials: { tokens: [{ sha256: sha256('okta-token').toString('hex') }] },
      sources: ['idp/okta'],
      types: ['lifecycle.access_revoked.v1'],
    },
  },
});
const env = { WD_TOKEN: 'wd-token', WD_KEY_OLD: 'old-secret', WD_KEY_NEW: 'whsec_bmV3LXNlY3JldC1ieXRlcw==' };
const authenticator = () =>
  new Authenticator(principalCredentials(policy, env, { token: 'legacy-token' }), { now: () => NOW });

const binary: RequestHead = {
  method: 'POST',
  url: '/events',
  headers: {
    'content-type': 'application/json',
    'ce-specversion': '1.0',
    'ce-id': 'evt-1',
    'ce-source': 'hr/workday',
    'ce-type': 'lifecycle.rehire.v1',
  },
};
const body = Buffer.from('{"user":{"id":42}}');
const signed = (
  head: RequestHead,
  secret = 'old-secret',
  options: Parameters<typeof signRequest>[2] = {},
) => ({
  ...head,
  headers: {
    ...head.headers,
    ...signRequest(secret, { ...head, body }, { timestamp: Math.floor(NOW / 1000), ...options }),
  },
});

describe('bearer tokens', () => {
  it('names the principal of a token given by env var, by hash, or INGEST_TOKEN (default)', () => {
    const auth = authenticator();
    const bearer = (token: string) => ({ ...binary, headers: { authorization: `Bearer ${token}` } });
    expect(auth.authenticate(bearer('okta-token'), body)).toEqual({
      ok: true,
      principal: 'okta',
      via: 'token',
    });
    expect(auth.authenticate(bearer('legacy-token'), body)).toMatchObject({ principal: 'default' });
    expect(auth.authenticate(bearer('nope'), body)).toMatchObject({
      ok: false,
      status: 401,
      code: 'unauthenticated',
    });
    expect(auth.authenticate({ ...binary, headers: {} }, body)).toMatchObject({ ok: false, status: 401 });
  });

  it('is not enough for a principal that has an HMAC key', () => {
    const auth = authenticator();
    expect(auth.precheck({ ...binary, headers: { authorization: 'Bearer wd-token' } })).toMatchObject({
      ok: false,
      status: 401,
      code: 'signature_required',
    });
  });

  it('reads every credential variable the policy names, and reports the missing ones together', () => {
    expect(() => principalCredentials(policy, {})).toThrow(/WD_TOKEN: not set[\s\S]*WD_KEY_OLD: not set/);
    expect(() => principalCredentials(parsePolicy({ default_principal: false }), {}, { token: 't' })).toThrow(
      /INGEST_TOKEN: the policy turns the default principal off/,
    );
  });
});

describe('signed requests (Standard Webhooks, extended to the whole request)', () => {
  it('signs id, timestamp, method, path, content type, ce-* headers and body, as documented', () => {
    const content = signedContent(binary, 'msg_1', '1764590400', body).toString();
    expect(content).toBe(
      'msg_1.1764590400.POST /events\ncontent-type:application/json\nce-id:evt-1\nce-source:hr/workday\n' +
        'ce-specversion:1.0\nce-type:lifecycle.rehire.v1\n\n{"user":{"id":42}}',
    );
    const headers = signRequest('old-secret', { ...binary, body }, { id: 'msg_1', timestamp: 1764590400 });
    const expected = createHmac('sha256', 'old-secret').update(content).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('accepts either key of a rotation, with or without a key id, and a whsec_ secret', () => {
    const auth = authenticator();
    expect(auth.authenticate(signed(binary), body)).toEqual({
      ok: true,
      principal: 'workday',
      via: 'signature',
    });
    expect(
      auth.authenticate(signed(binary, 'whsec_bmV3LXNlY3JldC1ieXRlcw==', { keyId: 'wd-new' }), body),
    ).toEqual({
      ok: true,
      principal: 'workday',
      via: 'signature',
    });
    expect(auth.authenticate(signed(binary, 'old-secret', { keyId: 'wd-new' }), body)).toMatchObject({
      ok: false,
      code: 'bad_signature',
    });
  });

  it('refuses an altered body, ce-* header, content type, method or path', () => {
    const auth = authenticator();
    const request = signed(binary);
    expect(auth.authenticate(request, Buffer.from('{"user":{"id":43}}'))).toMatchObject({
      code: 'bad_signature',
    });
    const header = (change: Record<string, string>) =>
      auth.authenticate({ ...request, headers: { ...request.headers, ...change } }, body);
    const line = (change: Partial<RequestHead>) => auth.authenticate({ ...request, ...change }, body);
    expect(header({ 'ce-type': 'lifecycle.offboarding.v1' })).toMatchObject({ code: 'bad_signature' });
    expect(header({ 'ce-source': 'hr/other' })).toMatchObject({ code: 'bad_signature' });
    expect(header({ 'ce-extra': 'x' })).toMatchObject({ code: 'bad_signature' });
    expect(header({ 'content-type': 'application/cloudevents+json' })).toMatchObject({
      code: 'bad_signature',
    });
    expect(line({ url: '/events?x=1' })).toMatchObject({ code: 'bad_signature' });
    expect(line({ method: 'PUT' })).toMatchObject({ code: 'bad_signature' });
  });

  it('refuses a replayed webhook-id, even when signed again', () => {
    const auth = authenticator();
    const request = signed(binary, 'old-secret', { id: 'msg_once' });
    expect(auth.authenticate(request, body)).toMatchObject({ ok: true });
    expect(auth.authenticate(request, body)).toMatchObject({
      ok: false,
      status: 401,
      code: 'replayed_signature',
    });
    const resigned = signed(binary, 'whsec_bmV3LXNlY3JldC1ieXRlcw==', { id: 'msg_once' });
    expect(auth.authenticate(resigned, body)).toMatchObject({ code: 'replayed_signature' });
  });

  it('refuses timestamps outside ±5 minutes, before reading the body', () => {
    const auth = authenticator();
    const at = (seconds: number) =>
      signed(binary, 'old-secret', { timestamp: Math.floor(NOW / 1000) + seconds });
    expect(auth.precheck(at(-301))).toMatchObject({ ok: false, code: 'stale_signature' });
    expect(auth.precheck(at(301))).toMatchObject({ ok: false, code: 'stale_signature' });
    expect(auth.authenticate(at(-299), body)).toMatchObject({ ok: true });
  });

  it('forgets ids after the window and refuses, rather than forgets, when the cache is full', () => {
    let now = NOW;
    const auth = new Authenticator(principalCredentials(policy, env), { now: () => now, replayCapacity: 1 });
    const request = (id: string) => signed(binary, 'old-secret', { id, timestamp: Math.floor(now / 1000) });
    expect(auth.authenticate(request('a'), body)).toMatchObject({ ok: true });
    expect(auth.authenticate(request('b'), body)).toMatchObject({ ok: false, status: 503 });
    now += 601_000;
    expect(auth.authenticate(request('b'), body)).toMatchObject({ ok: true });
  });
});
