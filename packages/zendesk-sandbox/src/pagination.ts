// Cursor and offset pagination as Zendesk does them. Cursor pages start with a binary search on sorted ids,
// so the millionth page costs what the first does.
import { badRequest, type Ctx } from './http.js';
import type { SortedIds } from './state.js';

const MAX_PAGE_SIZE = 100;
const MAX_OFFSET_PAGES = 100;

const encodeCursor = (id: number) => Buffer.from(`id:${id}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString();
  const id = Number(text.replace(/^id:/, ''));
  if (!text.startsWith('id:') || !Number.isInteger(id))
    throw badRequest('InvalidPaginationParameter', 'page[after] is not a valid cursor');
  return id;
}

function pageSize(value: string | null, fallback = MAX_PAGE_SIZE): number {
  if (value === null) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw badRequest('InvalidPaginationParameter', 'page size must be a positive integer');
  return Math.min(n, MAX_PAGE_SIZE);
}

function link(ctx: Ctx, changes: Record<string, string | null>): string {
  const url = new URL(`${ctx.origin}${ctx.req.url ?? ''}`);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) url.searchParams.delete(key);
    else url.searchParams.set(key, value);
  }
  return url.toString();
}

/** True when the request asks for offset pagination (page / per_page) rather than cursor pagination. */
export function wantsOffset(ctx: Ctx): boolean {
  return ctx.query.has('page') || ctx.query.has('per_page');
}

/**
 * One page of `key` records. `ids` is the sorted id list; `accept` filters (records it rejects are skipped
 * without counting toward the page).
 */
export function paginate<T>(
  ctx: Ctx,
  key: string,
  ids: SortedIds,
  get: (id: number) => T | undefined,
  accept: (r: T) => boolean,
): Record<string, unknown> {
  if (wantsOffset(ctx)) return offsetPage(ctx, key, ids, get, accept);
  const size = pageSize(ctx.query.get('page[size]'));
  const after = ctx.query.get('page[after]');
  let i = after ? ids.firstAfter(decodeCursor(after)) : 0;
  const items: T[] = [];
  let lastId: number | null = null;
  let hasMore = false;
  for (; i < ids.ids.length; i++) {
    const id = ids.ids[i]!;
    const record = get(id);
    if (record === undefined || !accept(record)) continue;
    if (items.length === size) {
      hasMore = true;
      break;
    }
    items.push(record);
    lastId = id;
  }
  const firstId = items.length > 0 ? (items[0] as { id: number }).id : null;
  const afterCursor = lastId === null ? null : encodeCursor(lastId);
  return {
    [key]: items,
    meta: {
      has_more: hasMore,
      after_cursor: afterCursor,
      before_cursor: firstId === null ? null : encodeCursor(firstId - 1),
    },
    links: {
      next: hasMore && afterCursor ? link(ctx, { 'page[after]': afterCursor, 'page[before]': null }) : null,
      prev: after ? link(ctx, { 'page[after]': null }) : null,
    },
  };
}

function offsetPage<T>(
  ctx: Ctx,
  key: string,
  ids: SortedIds,
  get: (id: number) => T | undefined,
  accept: (r: T) => boolean,
) {
  const perPage = pageSize(ctx.query.get('per_page'));
  const page = Number(ctx.query.get('page') ?? '1');
  if (!Number.isInteger(page) || page < 1)
    throw badRequest('InvalidPaginationParameter', 'page must be a positive integer');
  if (page > MAX_OFFSET_PAGES) {
    throw badRequest(
      'InvalidPaginationParameter',
      'Offset pagination is limited to the first 100 pages; use cursor pagination',
    );
  }
  const all: T[] = [];
  for (const id of ids.ids) {
    const record = get(id);
    if (record !== undefined && accept(record)) all.push(record);
  }
  const start = (page - 1) * perPage;
  const hasNext = start + perPage < all.length && page < MAX_OFFSET_PAGES;
  return {
    [key]: all.slice(start, start + perPage),
    count: all.length,
    next_page: hasNext ? link(ctx, { page: String(page + 1), per_page: String(perPage) }) : null,
    previous_page: page > 1 ? link(ctx, { page: String(page - 1), per_page: String(perPage) }) : null,
  };
}
