// Cursor and offset pagination as Zendesk does them (S2, S3): offset unless `page[size]` asks for cursors, and
// offset pages end at 10,000 records. Cursor pages start with a binary search on sorted ids, so the millionth
// page costs what the first does.
import { badRequest, HttpError, type Ctx } from './http.js';
import type { SortedIds } from './state.js';

const MAX_PAGE_SIZE = 100;
/** S3: any offset request past the first 10,000 records is refused (it counts records, not pages). */
export const MAX_OFFSET_RECORDS = 10_000;

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

/** S2: "If you omit the page[size] parameter, offset pagination is used." */
export function wantsCursor(ctx: Ctx): boolean {
  return ctx.query.has('page[size]');
}

/** The offset-depth refusal, in the `errors` envelope seen live (S3 status, S19 body). */
function depthError(): HttpError {
  return new HttpError(400, {
    errors: [
      {
        code: 'InvalidPaginationDepth',
        title: 'Invalid pagination depth',
        detail: `Offset pagination is limited to the first ${MAX_OFFSET_RECORDS} records. Use cursor pagination.`,
      },
    ],
  });
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
  if (!wantsCursor(ctx)) {
    const all: T[] = [];
    for (const id of ids.ids) {
      const record = get(id);
      if (record !== undefined && accept(record)) all.push(record);
    }
    return offsetPage(ctx, key, all);
  }
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
      // S1's example: the last page still links onward (has_more false, next not null); stop on has_more.
      // An empty page has no cursor to link with.
      next: afterCursor ? link(ctx, { 'page[after]': afterCursor, 'page[before]': null }) : null,
      prev: after ? link(ctx, { 'page[after]': null }) : null,
    },
  };
}

/** An offset page (`page`, `per_page` <= 100) over records already filtered: `count`, `next_page`, `previous_page`. */
export function offsetPage<T>(ctx: Ctx, key: string, all: T[]): Record<string, unknown> {
  const perPage = pageSize(ctx.query.get('per_page'));
  const page = Number(ctx.query.get('page') ?? '1');
  if (!Number.isInteger(page) || page < 1)
    throw badRequest('InvalidPaginationParameter', 'page must be a positive integer');
  const start = (page - 1) * perPage;
  if (start >= MAX_OFFSET_RECORDS) throw depthError();
  // A next page past the depth limit is still linked (the records exist); following it gets the 400.
  const hasNext = start + perPage < all.length;
  return {
    [key]: all.slice(start, start + perPage),
    count: all.length,
    next_page: hasNext ? link(ctx, { page: String(page + 1), per_page: String(perPage) }) : null,
    previous_page: page > 1 ? link(ctx, { page: String(page - 1), per_page: String(perPage) }) : null,
  };
}
