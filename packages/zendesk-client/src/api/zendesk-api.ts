// Every Zendesk call the package makes, by name: node-zendesk's public methods where they serve (node-zendesk.ts),
// our own transport for what they cannot do: lists read one page at a time (its list methods hold every page in
// memory and follow links.next past the last cursor page), deleted users (it has no method for them). The actions,
// lookups and the client depend on this, not on each other.
import { LifecycleError } from '@zendesk-lifecycle/core';
import { createAuth } from '../auth/from-config.js';
import type { AuthProvider } from '../auth/providers.js';
import type { ZendeskConfig } from '../config.js';
import { nextPageOf, underApiBase, withPageSize, type ListPath, type PagedBody } from '../lists/paging.js';
import { RateGovernor } from '../transport/governor.js';
import { createTransport, type Delivered, type Transport } from '../transport/transport.js';
import { nodeZendesk, type Answer, type NodeZendesk } from './node-zendesk.js';

export type { Answer } from './node-zendesk.js';

/** The URL of a path under the API base, as node-zendesk writes it: segments, `.json`, then the query. */
export function apiUrl(apiBase: string, path: ListPath): string {
  if (typeof path === 'string' && path.startsWith(`${apiBase}/`)) return path;
  const segments = typeof path === 'string' ? [path] : [...path];
  const last = segments.at(-1);
  let query = '';
  if (typeof last === 'object' || (typeof last === 'string' && last.startsWith('?'))) {
    query = new URLSearchParams(last).toString();
    segments.pop();
  }
  const url = `${apiBase}/${segments.join('/')}.json`;
  return query ? `${url}?${query}` : url;
}

export class ZendeskApi {
  readonly governor = new RateGovernor();
  readonly auth: AuthProvider;
  private readonly transport: Transport;
  private readonly nz: NodeZendesk;

  constructor(readonly config: ZendeskConfig) {
    this.auth = createAuth(config);
    this.transport = createTransport({
      auth: this.auth,
      timeoutMs: config.timeoutMs,
      retry: config.retry,
      governor: this.governor,
      ...(config.logger ? { logger: config.logger } : {}),
      ...(config.onCall ? { onCall: config.onCall } : {}),
    });
    this.nz = nodeZendesk(config.apiBase, this.transport);
  }

  /** The configured account owner's id (Zendesk's API does not name the owner), or null. */
  accountOwnerId(): number | null {
    return this.config.accountOwnerId ?? null;
  }

  me<T>() {
    return this.nz.me<T>();
  }
  showUser<T>(id: number) {
    return this.nz.showUser<T>(id);
  }
  /** `POST /users`: a new user (a re-hire's new profile: Zendesk cannot undelete). */
  createUser<T>(user: Record<string, unknown>) {
    return this.nz.createUser<T>(user);
  }
  updateUser<T>(id: number, changes: Record<string, unknown>) {
    return this.nz.updateUser<T>(id, changes);
  }
  /** Soft delete: the user moves to deleted_users. */
  deleteUser<T>(id: number) {
    return this.nz.deleteUser<T>(id);
  }
  showGroup<T>(id: number) {
    return this.nz.showGroup<T>(id);
  }
  showTicketField<T>(id: number) {
    return this.nz.showTicketField<T>(id);
  }
  showBrand<T>(id: number) {
    return this.nz.showBrand<T>(id);
  }
  showTicketForm<T>(id: number) {
    return this.nz.showTicketForm<T>(id);
  }
  updateManyTickets<T>(ids: number[], changes: Record<string, unknown>) {
    return this.nz.updateManyTickets<T>(ids, changes);
  }
  updateTicket<T>(id: number, changes: Record<string, unknown>) {
    return this.nz.updateTicket<T>(id, changes);
  }
  showJob<T>(id: string) {
    return this.nz.showJob<T>(id);
  }
  createTicket<T>(ticket: Record<string, unknown>, idempotencyKey?: string) {
    return this.nz.createTicket<T>(ticket, idempotencyKey);
  }
  createGroupMembership<T>(userId: number, groupId: number) {
    return this.nz.createGroupMembership<T>(userId, groupId);
  }

  /** The user's group memberships (`GET /users/{id}/group_memberships`, cursor-paged to the end). */
  async groupMemberships<T>(userId: number): Promise<T[]> {
    const all: T[] = [];
    for await (const page of this.pages<T>('group_memberships', ['users', userId, 'group_memberships']))
      all.push(...page);
    return all;
  }

  /**
   * Removes one membership (`DELETE /group_memberships/{id}`, 204 No Content; node-zendesk takes a 204 for an
   * error, so it goes through our transport alone).
   */
  deleteGroupMembership(id: number): Promise<Answer<unknown>> {
    return this.send('DELETE', ['group_memberships', id]);
  }

  customRoles<T extends { id: number }>(): Promise<T[]> {
    return this.nz.customRoles<T>().then((roles) => roles.filter((r) => typeof r?.id === 'number'));
  }

  /** A soft-deleted user (`GET /deleted_users/{id}`). */
  showDeletedUser<T>(id: number): Promise<Answer<T>> {
    return this.send<Record<string, T>>('GET', ['deleted_users', id]).then((a) => ({
      ...a,
      body: a.body['deleted_user'] as T,
    }));
  }

  /** Permanent delete of a soft-deleted user (`DELETE /deleted_users/{id}`). */
  deleteUserPermanently(id: number): Promise<Answer<unknown>> {
    return this.send('DELETE', ['deleted_users', id]);
  }

  /**
   * Streams every record of a list, one page in memory at a time, however Zendesk pages it: cursor pagination
   * (asked for with page[size]=100, followed while meta.has_more) or an offset answer (next_page until null).
   * `cursor: false` for endpoints that page by offset only (search). Throws rather than end early.
   */
  async *pages<T>(key: string, path: ListPath, options: { cursor?: boolean } = {}): AsyncGenerator<T[]> {
    const what = `the list of ${key}`;
    let next: ListPath | null = options.cursor === false ? path : withPageSize(path);
    while (next !== null) {
      const page = await this.send<PagedBody & Record<string, unknown>>('GET', next);
      const records = page.body[key];
      if (records !== undefined && !Array.isArray(records))
        throw new LifecycleError('incomplete_list', `${what}: the answer has no list of ${key}`);
      yield (records as T[] | undefined) ?? [];
      const link = nextPageOf(page.body, what);
      next = link === null ? null : underApiBase(link, this.config.apiBase, what);
    }
  }

  /**
   * One call to a path under the API base as written, without `.json` (the Webhooks API's paths, as node-zendesk's
   * webhooks client sends them), with an optional JSON body, through our transport alone.
   */
  call<T>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    return this.send<T>(method, `${this.config.apiBase}/${path}`, body);
  }

  /** One call through our transport alone; the body is Zendesk's answer as it came. */
  private async send<T>(method: string, path: ListPath, body?: unknown): Promise<Answer<T>> {
    const delivered: Delivered = await this.transport.transportFn(apiUrl(this.config.apiBase, path), {
      method,
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const { response } = delivered;
    // As node-zendesk reads answers: a body that is not JSON counts as an empty object.
    const json = /json/.test(response.headers.get('content-type') ?? '') && response.status !== 204;
    return {
      body: (json ? await response.json() : {}) as T,
      requestIds: delivered.requestIds,
      header: (name) => response.headers.get(name),
    };
  }
}
