// Reading lists to their end however Zendesk pages them (docs/zendesk-rules.md §1, §5; S1, S2, S18).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { createZendeskClient } from '../index.js';
import { nextPageOf, underApiBase, withPageSize } from './paging.js';

describe('asking for pages', () => {
  it('asks for cursor pages of 100 on every list, unless the path says how to page', () => {
    expect(withPageSize(['users', 7, 'tickets', 'requested'])).toEqual([
      'users',
      7,
      'tickets',
      'requested',
      { 'page[size]': '100' },
    ]);
    expect(withPageSize(['users', { external_id: 'E-1' }])).toEqual([
      'users',
      { external_id: 'E-1', 'page[size]': '100' },
    ]);
    expect(decodeURIComponent(String(withPageSize(['users', '?role[]=agent&role[]=admin']).at(-1)))).toBe(
      '?role[]=agent&role[]=admin&page[size]=100',
    );
    expect(withPageSize(['tickets', { per_page: '10' }])).toEqual(['tickets', { per_page: '10' }]);
    expect(withPageSize('https://acme.zendesk.com/api/v2/users.json?page=2')).toBe(
      'https://acme.zendesk.com/api/v2/users.json?page=2',
    );
  });
});

describe('the next page', () => {
  it('stops on has_more false even when links.next is not null (Zendesk does send one, S1)', () => {
    expect(
      nextPageOf(
        { meta: { has_more: false }, links: { next: 'https://x/api/v2/users.json?page[after]=a' } },
        'users',
      ),
    ).toBeNull();
    expect(nextPageOf({ meta: { has_more: true }, links: { next: 'https://x/api/v2/u' } }, 'users')).toBe(
      'https://x/api/v2/u',
    );
  });
  it('follows an offset answer until next_page is null', () => {
    expect(nextPageOf({ next_page: 'https://x/api/v2/u?page=2', count: 250 } as never, 'users')).toBe(
      'https://x/api/v2/u?page=2',
    );
    expect(nextPageOf({ next_page: null }, 'users')).toBeNull();
    expect(nextPageOf({}, 'users')).toBeNull();
  });
  it('never takes a partial list for the whole', () => {
    expect(() =>
      nextPageOf({ meta: { has_more: true }, links: { next: null } }, 'the list of tickets'),
    ).toThrow(expect.objectContaining({ code: 'incomplete_list', retryable: true }));
    expect(() => nextPageOf({ next_page: 3 }, 'users')).toThrow(/could not be read to its end/);
  });
  it('keeps a next-page link under our own API base', () => {
    expect(
      underApiBase('https://acme.zendesk.com/api/v2/users.json?page=2', 'http://proxy:8080/api/v2', 'u'),
    ).toBe('http://proxy:8080/api/v2/users.json?page=2');
    expect(() => underApiBase('https://evil.test/steal', 'https://acme.zendesk.com/api/v2', 'u')).toThrow(
      /outside the API/,
    );
  });
});

describe('against the sandbox', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 'demo', rpm: 0 });
    for (let i = 0; i < 250; i++)
      sandbox.state.addTicket({ subject: `t${i}`, requester_id: DEMO_PEOPLE.agent.id, status: 'open' });
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  const client = () =>
    createZendeskClient({
      baseUrl: sandbox.url,
      email: sandbox.credentials.email,
      apiToken: sandbox.credentials.token,
    });

  it('reads every record of an offset-paged answer and of a cursor-paged one', async () => {
    const path = ['users', DEMO_PEOPLE.agent.id, 'tickets', 'requested'];
    const count = async (p: Parameters<ReturnType<typeof client>['pages']>[1], cursor = true) => {
      let n = 0;
      for await (const page of client().pages('tickets', p, { cursor })) n += page.length;
      return n;
    };
    sandbox.state.requestLog.length = 0;
    expect(await count([...path, { per_page: '100' }])).toBe(250);
    expect(sandbox.state.requestLog.map((r) => new URLSearchParams(r.query).get('page'))).toEqual([
      null,
      '2',
      '3',
    ]);
    // Without page[size], Zendesk answers by offset (S2); the client follows next_page.
    expect(await count(path, false)).toBe(250);
    sandbox.state.requestLog.length = 0;
    expect(await count(path)).toBe(250);
    expect(sandbox.state.requestLog).toHaveLength(3);
    for (const r of sandbox.state.requestLog)
      expect(new URLSearchParams(r.query).get('page[size]')).toBe('100');
  });
});
