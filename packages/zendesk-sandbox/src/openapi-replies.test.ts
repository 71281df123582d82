// Every route the sandbox serves, success and error statuses, with each reply body judged by Zendesk's OpenAPI
// description (support-api.oas.yaml). Where the description has no schema for a status, or no such path, the
// test says so explicitly instead of passing it silently.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from './index.js';
import { api } from './testing/http-client.js';
import { requestDeclared, validateResponse, validateSchema } from './testing/openapi.js';

/**
 * What the description says of a reply: `schema` (it validates), `no-schema` (the operation declares no schema
 * for that status: the OAS declares almost no error responses for these endpoints), `undeclared` (the path or
 * method is not in the description at all).
 */
type Verdict = 'schema' | 'no-schema' | 'undeclared';

interface Call {
  method: string;
  path: string;
  body?: unknown;
  status: number;
  verdict: Verdict;
  /** The error envelope expected where there is no schema (checked against the OAS's `Errors` when "errors"). */
  envelope?: 'error' | 'errors' | 'error-object';
  headers?: Record<string, string>;
  on?: 'main' | 'limited' | 'imports';
}

const p = DEMO_PEOPLE;
const CUSTOM_FIELD_ID = 360000009001;
const OTHER_BRAND_ID = 360000009101;
const OTHER_FORM_ID = 360000009201;
/** The sandbox's first system field (Subject), its default brand and default ticket form. */
const SYSTEM_FIELD_ID = 360000000301;
const DEFAULT_BRAND_ID = 360000000101;
const DEFAULT_FORM_ID = 360000000201;
let main: RunningSandbox;
let limited: RunningSandbox;
let imports: RunningSandbox;
beforeAll(async () => {
  main = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 5, searchLagMs: 0 });
  limited = await startSandbox({
    seed: 'demo',
    rpm: 0,
    ticketListLimit: { max: 1, windowMs: 60_000 },
    updateTicketLimit: { max: 1, windowMs: 60_000 },
    permanentDeleteLimit: { max: 1, windowMs: 60_000 },
  });
  imports = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 5, bulkUserImports: true });
  const settings = main.state.ticketSettings;
  settings.addTicketField({
    id: CUSTOM_FIELD_ID,
    type: 'tagger',
    title: 'Lifecycle step',
    custom_field_options: [{ name: 'Deprovision', value: 'deprovision' }],
  });
  settings.addTicketField({ type: 'checkbox', title: 'Evidence kept', tag: 'evidence_kept' });
  settings.addBrand({ id: OTHER_BRAND_ID, name: 'Other brand', active: false });
  settings.addTicketForm({
    id: OTHER_FORM_ID,
    name: 'Lifecycle audit',
    in_all_brands: false,
    restricted_brand_ids: [OTHER_BRAND_ID],
  });
});
afterAll(async () => {
  await Promise.all([main.stop(), limited.stop(), imports.stop()]);
});

const ticket = { ticket: { subject: 'Hi', comment: { body: 'Hello' }, requester_id: p.customer1.id } };

/** In order: later calls depend on earlier ones (a soft delete before a permanent delete, and so on). */
const CALLS: Call[] = [
  // Users (S1 /api/v2/users...)
  { method: 'GET', path: '/users.json', status: 200, verdict: 'schema' },
  {
    method: 'GET',
    path: '/users.json?role[]=agent&role[]=admin&page[size]=5',
    status: 200,
    verdict: 'schema',
  },
  {
    method: 'GET',
    path: '/users.json?role=agent&permission_set=360000000001',
    status: 200,
    verdict: 'schema',
  },
  {
    method: 'GET',
    path: '/users.json?external_id=hr-1011&page=1&per_page=10',
    status: 200,
    verdict: 'schema',
  },
  {
    method: 'GET',
    path: '/users.json?page=1001&per_page=10',
    status: 400,
    verdict: 'no-schema',
    envelope: 'errors',
  },
  { method: 'GET', path: '/users/me.json', status: 200, verdict: 'schema' },
  {
    method: 'GET',
    path: `/users/show_many.json?ids=${p.leaver.id},${p.manager.id}`,
    status: 200,
    verdict: 'schema',
  },
  {
    method: 'GET',
    path: '/users/show_many.json?external_ids=HR-1011,hr-1012',
    status: 200,
    verdict: 'schema',
  },
  { method: 'GET', path: '/users/search.json?query=email:leo@acme.test', status: 200, verdict: 'schema' },
  { method: 'GET', path: '/users/search.json?external_id=hr-1011', status: 200, verdict: 'schema' },
  { method: 'GET', path: `/users/${p.leaver.id}.json`, status: 200, verdict: 'schema' },
  { method: 'GET', path: '/users/999999.json', status: 404, verdict: 'no-schema', envelope: 'error' },
  {
    method: 'POST',
    path: '/users.json',
    body: { user: { name: 'Nia', email: 'nia@acme.test', role: 'agent' } },
    status: 201,
    verdict: 'schema',
  },
  {
    method: 'POST',
    path: '/users.json',
    body: { user: { name: '' } },
    status: 422,
    verdict: 'no-schema',
    envelope: 'error',
  },
  {
    method: 'POST',
    path: '/users/create_many.json',
    body: { users: [{ name: 'A' }] },
    status: 403,
    verdict: 'no-schema',
    envelope: 'error',
  },
  {
    method: 'POST',
    path: '/users/create_many.json',
    body: { users: [{ name: 'A' }] },
    status: 200,
    verdict: 'schema',
    on: 'imports',
  },
  {
    method: 'PUT',
    path: `/users/${p.agent.id}.json`,
    body: { user: { suspended: true } },
    status: 200,
    verdict: 'schema',
  },
  {
    method: 'PUT',
    path: `/users/${p.owner.id}.json`,
    body: { user: { role: 'agent' } },
    status: 403,
    verdict: 'no-schema',
    envelope: 'error',
  },
  {
    method: 'PUT',
    path: '/users/999999.json',
    body: { user: { name: 'x' } },
    status: 404,
    verdict: 'no-schema',
    envelope: 'error',
  },
  {
    method: 'PUT',
    path: `/users/${p.agent.id}.json`,
    body: { user: { role: 'boss' } },
    status: 422,
    verdict: 'no-schema',
    envelope: 'error',
  },
  {
    method: 'DELETE',
    path: `/users/${p.leaver.id}.json`,
    status: 422,
    verdict: 'no-schema',
    envelope: 'error',
  },
  {
    method: 'DELETE',
    path: `/users/${p.owner.id}.json`,
    status: 403,
    verdict: 'no-schema',
    envelope: 'error',
  },
  { method: 'DELETE', path: `/users/${p.lightAgent2.id}.json`, status: 200, verdict: 'schema' },
  { method: 'DELETE', path: '/users/999999.json', status: 404, verdict: 'no-schema', envelope: 'error' },
  { method: 'GET', path: `/deleted_users/${p.lightAgent2.id}.json`, status: 200, verdict: 'schema' },
  { method: 'DELETE', path: `/deleted_users/${p.lightAgent2.id}.json`, status: 200, verdict: 'schema' },
  { method: 'GET', path: '/deleted_users.json', status: 200, verdict: 'schema' },
  { method: 'GET', path: '/deleted_users.json?page[size]=10', status: 200, verdict: 'schema' },
  {
    method: 'GET',
    path: `/deleted_users/${p.lightAgent2.id}.json`,
    status: 404,
    verdict: 'no-schema',
    envelope: 'error',
  },
  {
    method: 'DELETE',
    path: `/deleted_users/${p.lightAgent2.id}.json`,
    status: 404,
    verdict: 'no-schema',
    envelope: 'error',
  },
  // Tickets (S1 /api/v2/tickets...; requested/assigned: docs/zendesk-rules.md §5, S2)
  { method: 'POST', path: '/tickets.json', body: ticket, status: 201, verdict: 'schema' },
  {
    method: 'POST',
    path: '/tickets.json',
    body: ticket,
    status: 201,
    verdict: 'schema',
    headers: { 'idempotency-key': 'k' },
  },
  {
    method: 'POST',
    path: '/tickets.json',
    body: { ticket: { ...ticket.ticket, subject: 'Other' } },
    status: 400,
    verdict: 'no-schema',
    envelope: 'error',
    headers: { 'idempotency-key': 'k' },
  },
  {
    method: 'POST',
    path: '/tickets.json',
    body: { ticket: { subject: 'No body' } },
    status: 422,
    verdict: 'no-schema',
    envelope: 'error',
  },
  { method: 'GET', path: '/tickets.json', status: 200, verdict: 'schema' },
  { method: 'GET', path: '/tickets.json?page[size]=10', status: 200, verdict: 'schema' },
  { method: 'GET', path: '/tickets.json?external_id=none', status: 200, verdict: 'schema' },
  { method: 'GET', path: '/tickets/101.json', status: 200, verdict: 'schema' },
  { method: 'GET', path: '/tickets/999999.json', status: 404, verdict: 'no-schema', envelope: 'error' },
  { method: 'GET', path: `/users/${p.leaver.id}/tickets/requested.json`, status: 200, verdict: 'schema' },
  {
    method: 'GET',
    path: `/users/${p.leaver.id}/tickets/assigned.json?page[size]=2`,
    status: 200,
    verdict: 'schema',
  },
  {
    method: 'PUT',
    path: '/tickets/102.json',
    body: { ticket: { priority: 'high' } },
    status: 200,
    verdict: 'schema',
  },
  {
    method: 'PUT',
    path: '/tickets/105.json',
    body: { ticket: { status: 'open' } },
    status: 422,
    verdict: 'no-schema',
    envelope: 'error',
  },
  {
    method: 'PUT',
    path: '/tickets/999999.json',
    body: { ticket: { status: 'open' } },
    status: 404,
    verdict: 'no-schema',
    envelope: 'error',
  },
  {
    method: 'PUT',
    path: '/tickets/update_many.json?ids=102,105',
    body: { ticket: { priority: 'low' } },
    status: 200,
    verdict: 'schema',
  },
  {
    method: 'PUT',
    path: '/tickets/update_many.json',
    body: { ticket: { priority: 'low' } },
    status: 400,
    verdict: 'no-schema',
    envelope: 'error',
  },
  { method: 'GET', path: '/job_statuses/V3-00000001.json', status: 200, verdict: 'schema' },
  { method: 'GET', path: '/job_statuses/nope.json', status: 404, verdict: 'no-schema', envelope: 'error' },
  // Roles, groups, account
  { method: 'GET', path: '/custom_roles.json', status: 200, verdict: 'schema' },
  { method: 'GET', path: '/groups.json', status: 200, verdict: 'schema' },
  { method: 'GET', path: '/group_memberships.json', status: 200, verdict: 'schema' },
  { method: 'GET', path: '/groups/1.json', status: 200, verdict: 'schema' },
  { method: 'GET', path: '/groups/999.json', status: 404, verdict: 'no-schema', envelope: 'error' },
  // Ticket fields (system and custom), brands, ticket forms (S1 ListTicketFields, ShowTicketfield, ShowBrand,
  // ShowTicketForm)
  { method: 'GET', path: '/ticket_fields.json', status: 200, verdict: 'schema' },
  { method: 'GET', path: '/ticket_fields.json?page[size]=3', status: 200, verdict: 'schema' },
  { method: 'GET', path: `/ticket_fields/${SYSTEM_FIELD_ID}.json`, status: 200, verdict: 'schema' },
  { method: 'GET', path: `/ticket_fields/${CUSTOM_FIELD_ID}.json`, status: 200, verdict: 'schema' },
  { method: 'GET', path: '/ticket_fields/999.json', status: 404, verdict: 'no-schema', envelope: 'error' },
  { method: 'GET', path: `/brands/${DEFAULT_BRAND_ID}.json`, status: 200, verdict: 'schema' },
  { method: 'GET', path: `/brands/${OTHER_BRAND_ID}.json`, status: 200, verdict: 'schema' },
  { method: 'GET', path: '/brands/999.json', status: 404, verdict: 'no-schema', envelope: 'error' },
  { method: 'GET', path: `/ticket_forms/${DEFAULT_FORM_ID}.json`, status: 200, verdict: 'schema' },
  { method: 'GET', path: `/ticket_forms/${OTHER_FORM_ID}.json`, status: 200, verdict: 'schema' },
  { method: 'GET', path: '/ticket_forms/999.json', status: 404, verdict: 'no-schema', envelope: 'error' },
  // A user's group memberships, read before a change and put back by restore (undo)
  { method: 'GET', path: `/users/${p.reviewed.id}/group_memberships.json`, status: 200, verdict: 'schema' },
  {
    method: 'GET',
    path: `/users/${p.reviewed.id}/group_memberships.json?page[size]=1`,
    status: 200,
    verdict: 'schema',
  },
  {
    method: 'GET',
    path: '/users/999999/group_memberships.json',
    status: 404,
    verdict: 'no-schema',
    envelope: 'error',
  },
  {
    method: 'POST',
    path: '/group_memberships.json',
    body: { group_membership: { user_id: p.reviewed.id, group_id: 2 } },
    status: 201,
    verdict: 'schema',
  },
  {
    method: 'POST',
    path: '/group_memberships.json',
    body: { group_membership: { user_id: p.reviewed.id, group_id: 2 } },
    status: 422,
    verdict: 'no-schema',
    envelope: 'error',
  },
  {
    method: 'POST',
    path: `/users/${p.customer1.id}/group_memberships.json`,
    body: { group_membership: { group_id: 1 } },
    status: 422,
    verdict: 'no-schema',
    envelope: 'error',
  },
  { method: 'GET', path: '/group_memberships/6.json', status: 200, verdict: 'schema' },
  {
    method: 'DELETE',
    path: `/users/${p.reviewed.id}/group_memberships/6.json`,
    status: 204,
    verdict: 'no-schema',
  },
  {
    method: 'DELETE',
    path: '/group_memberships/6.json',
    status: 404,
    verdict: 'no-schema',
    envelope: 'error',
  },
  // Ticket search (the audit trail's prior-state look-up)
  {
    method: 'GET',
    path: '/search.json?query=type:ticket%20tags:itsm_audit&sort_by=created_at&sort_order=desc',
    status: 200,
    verdict: 'schema',
  },
  { method: 'GET', path: '/search.json?query=type:ticket&page=2&per_page=5', status: 200, verdict: 'schema' },
  { method: 'GET', path: '/search.json', status: 400, verdict: 'no-schema', envelope: 'error' },
  // Search export (the audit report reads a period's audit tickets, however many)
  {
    method: 'GET',
    path: '/search/export.json?query=tags:itsm_audit%20created%3E2020-01-01&filter%5Btype%5D=ticket&page%5Bsize%5D=100',
    status: 200,
    verdict: 'schema',
  },
  {
    method: 'GET',
    path: '/search/export.json?query=type:ticket&filter%5Btype%5D=ticket',
    status: 400,
    verdict: 'no-schema',
    envelope: 'error',
  },
  { method: 'GET', path: '/account.json', status: 200, verdict: 'undeclared' },
  { method: 'GET', path: '/nothing/here.json', status: 404, verdict: 'undeclared', envelope: 'error' },
  // Endpoint limits (the account limit's 429 is covered in tickets.test.ts)
  { method: 'GET', path: '/tickets.json', status: 200, verdict: 'schema', on: 'limited' },
  {
    method: 'GET',
    path: '/tickets.json',
    status: 429,
    verdict: 'no-schema',
    envelope: 'error',
    on: 'limited',
  },
  {
    method: 'PUT',
    path: '/tickets/102.json',
    body: { ticket: { priority: 'high' } },
    status: 200,
    verdict: 'schema',
    on: 'limited',
  },
  {
    method: 'PUT',
    path: '/tickets/102.json',
    body: { ticket: { priority: 'low' } },
    status: 429,
    verdict: 'no-schema',
    envelope: 'error',
    on: 'limited',
  },
  { method: 'DELETE', path: `/users/${p.agent.id}.json`, status: 200, verdict: 'schema', on: 'limited' },
  {
    method: 'DELETE',
    path: `/deleted_users/${p.agent.id}.json`,
    status: 200,
    verdict: 'schema',
    on: 'limited',
  },
  {
    method: 'DELETE',
    path: `/deleted_users/${p.agent.id}.json`,
    status: 429,
    verdict: 'no-schema',
    envelope: 'error',
    on: 'limited',
  },
];

describe("every reply against Zendesk's OpenAPI description", () => {
  it.each(CALLS.map((c, i) => [`${c.method} ${c.path} -> ${c.status} (${c.on ?? 'main'})`, i] as const))(
    '%s',
    async (_name, i) => {
      const c = CALLS[i]!;
      const sandbox = c.on === 'limited' ? limited : c.on === 'imports' ? imports : main;
      if (c.path.startsWith('/job_statuses/V3')) await new Promise((r) => setTimeout(r, 50));
      const res = await api(sandbox)(c.method, c.path, c.body, c.headers);
      expect(res.status).toBe(c.status);
      const pathname = `/api/v2${c.path.split('?')[0]}`;
      const problems = validateResponse(c.method, pathname, c.status, res.body);
      if (c.verdict === 'schema') expect(problems).toEqual([]);
      else if (c.verdict === 'no-schema') expect(problems[0]).toMatch(/^no schema for \d+ in /);
      else expect(problems[0]).toMatch(/^(path|method) not declared/);
      if (c.envelope === 'error') expect(res.body).toMatchObject({ error: expect.any(String) });
      if (c.envelope === 'errors') expect(validateSchema('Errors', res.body)).toEqual([]);
    },
  );

  it('reaches the private entitlements endpoint only as the undeclared route it is', async () => {
    const res = await fetch(`${main.url}/api/admin/private/staff/${p.manager.id}/entitlements`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${main.credentials.email}/token:${main.credentials.token}`).toString('base64')}`,
      },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { title: 'Forbidden', message: expect.any(String) } });
    expect(validateResponse('GET', new URL(res.url).pathname, 403, {})[0]).toMatch(/^path not declared/);
  });

  it('was asked only for declared paths, methods and query parameters, except where this test says so', () => {
    const undeclared = main.state.requestLog
      .flatMap((r) => requestDeclared(r.method, r.path, new URLSearchParams(r.query)))
      .filter((problem) => !/nothing\/here|\/api\/v2\/account|private\/staff/.test(problem));
    expect(undeclared).toEqual([]);
  });
});
