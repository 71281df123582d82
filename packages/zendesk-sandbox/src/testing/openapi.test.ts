// The OpenAPI checks themselves: they accept what Zendesk's description declares and name what it does not.
import { describe, expect, it } from 'vitest';
import { pathTemplate, requestDeclared, validateResponse } from './openapi.js';

const q = (text: string) => new URLSearchParams(text);

describe('path templates', () => {
  it('prefer literal segments and drop the .json suffix', () => {
    expect(pathTemplate('/api/v2/users/search.json')).toBe('/api/v2/users/search');
    expect(pathTemplate('/api/v2/users/12.json')).toBe('/api/v2/users/{user_id}');
    expect(pathTemplate('/api/v2/deleted_users/12')).toBe('/api/v2/deleted_users/{deleted_user_id}');
    expect(pathTemplate('/api/v2/account')).toBeUndefined();
  });
});

describe('validateResponse', () => {
  it('accepts a reply shaped like the schema and names each field that is not', () => {
    const user = { id: 1, name: 'A', email: 'a@x.test', role: 'agent', role_type: 0, custom_role_id: null };
    expect(validateResponse('GET', '/api/v2/users/1.json', 200, { user })).toEqual([]);
    // UserObject is anyOf(UserForAdmin, UserForEndUser): a string id fails both.
    expect(validateResponse('GET', '/api/v2/users/1.json', 200, { user: { ...user, id: 'x' } })).not.toEqual(
      [],
    );
    const failed = { id: 1, action: 'update', success: false, error: 'E', details: 'd' };
    const job = (result: object) => ({ job_status: { id: 'j', status: 'failed', results: [result] } });
    expect(validateResponse('GET', '/api/v2/job_statuses/j.json', 200, job(failed))).toEqual([]);
    // FailedResult requires id, action, error, details and success (docs/zendesk-rules.md §5).
    const { action: _action, ...withoutAction } = failed;
    expect(validateResponse('GET', '/api/v2/job_statuses/j.json', 200, job(withoutAction))).toContain(
      "/job_status/results/0 must have required property 'action'",
    );
  });

  it('says so when the description has no schema for a status, or no such path', () => {
    expect(validateResponse('GET', '/api/v2/users/1.json', 404, {})).toEqual([
      'no schema for 404 in GET /api/v2/users/{user_id}',
    ]);
    expect(validateResponse('GET', '/api/v2/account.json', 200, {})).toEqual([
      'path not declared: /api/v2/account.json',
    ]);
  });

  it('treats nullable enums as OpenAPI 3.0.3 does (null is allowed)', () => {
    const ticket = { id: 1, requester_id: 2, status: 'open', priority: null, type: null, assignee_id: null };
    expect(validateResponse('GET', '/api/v2/tickets/1', 200, { ticket })).toEqual([]);
    expect(
      validateResponse('GET', '/api/v2/tickets/1', 200, { ticket: { ...ticket, status: 'gone' } }),
    ).toEqual([expect.stringContaining('/ticket/status')]);
  });
});

describe('requestDeclared', () => {
  it("accepts declared filters and a list's pagination parameters", () => {
    expect(
      requestDeclared('GET', '/api/v2/users.json', q('role[]=agent&role[]=admin&page[size]=100')),
    ).toEqual([]);
    expect(requestDeclared('GET', '/api/v2/users', q('permission_set=1&page=2&per_page=50'))).toEqual([]);
    expect(requestDeclared('GET', '/api/v2/users/12/tickets/requested.json', q('page[size]=100'))).toEqual(
      [],
    );
    expect(requestDeclared('PUT', '/api/v2/tickets/update_many.json', q('ids=1,2'))).toEqual([]);
  });

  it('names undeclared parameters, paths and methods', () => {
    expect(requestDeclared('GET', '/api/v2/users.json', q('roles=agent'))).toEqual([
      'query parameter not declared: roles on GET /api/v2/users',
    ]);
    // Search Users: "Offset pagination only".
    expect(requestDeclared('GET', '/api/v2/users/search.json', q('query=x&page[size]=100'))).toEqual([
      'query parameter not declared: page[size] on GET /api/v2/users/search',
    ]);
    expect(requestDeclared('GET', '/api/admin/private/staff/1/entitlements', q(''))).toEqual([
      'path not declared: /api/admin/private/staff/1/entitlements',
    ]);
    expect(requestDeclared('PATCH', '/api/v2/users/1.json', q(''))).toEqual([
      'method not declared: PATCH /api/v2/users/{user_id}',
    ]);
  });
});
