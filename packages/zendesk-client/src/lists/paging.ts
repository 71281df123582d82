// How a Zendesk list is read to its end, however Zendesk pages it (docs/zendesk-rules.md §1 and §5, S1 S2 S18): cursor
// pagination is asked for with page[size] (node-zendesk adds it only for some paths) and followed while
// meta.has_more is true (links.next is not null on the last page); an offset answer (next_page, what Zendesk
// sends without page[size]) is followed until next_page is null. Pure: no I/O.
import { LifecycleError } from '@zendesk-lifecycle/core';

/** A list's path under the API base, as segments (a record adds query parameters). */
export type ListPath = string | Array<string | number | Record<string, string>>;

/** The largest page Zendesk serves on the lists we read. */
export const PAGE_SIZE = 100;

const PAGING_PARAMS = ['page[size]', 'page', 'per_page'];

/** The path asking for cursor pagination with 100 records a page, unless it already says how to page. */
export function withPageSize(path: ListPath): ListPath {
  if (typeof path === 'string') return path;
  const segments = [...path];
  const last = segments.at(-1);
  if (typeof last === 'string' && last.startsWith('?')) {
    const params = new URLSearchParams(last.slice(1));
    if (!PAGING_PARAMS.some((p) => params.has(p))) params.set('page[size]', String(PAGE_SIZE));
    segments[segments.length - 1] = `?${params.toString()}`;
  } else if (typeof last === 'object') {
    if (!PAGING_PARAMS.some((p) => p in last))
      segments[segments.length - 1] = { ...last, 'page[size]': String(PAGE_SIZE) };
  } else {
    segments.push({ 'page[size]': String(PAGE_SIZE) });
  }
  return segments;
}

/** The paging fields of a list answer: cursor (meta, links) or offset (next_page, count). */
export interface PagedBody {
  meta?: { has_more?: unknown };
  links?: { next?: unknown };
  next_page?: unknown;
}

function incomplete(what: string, why: string): LifecycleError {
  return new LifecycleError('incomplete_list', `${what} could not be read to its end: ${why}`, {
    retryable: true,
  });
}

/**
 * The URL of the next page, or null when this was the last one. Throws `incomplete_list` (retryable) when the
 * answer says more records follow but not where: a caller must never take a partial list for the whole.
 */
export function nextPageOf(body: PagedBody, what: string): string | null {
  const hasMore = body.meta?.has_more;
  if (typeof hasMore === 'boolean') {
    if (!hasMore) return null;
    const next = body.links?.next;
    if (typeof next === 'string' && next !== '') return next;
    throw incomplete(what, 'meta.has_more is true but links.next is missing');
  }
  if (typeof body.next_page === 'string' && body.next_page !== '') return body.next_page;
  if (body.next_page === null || body.next_page === undefined) return null;
  throw incomplete(what, 'next_page is neither a link nor null');
}

/**
 * A next-page link as a URL under our own API base: only its path below /api/v2 and its query are kept, so the
 * credentials never follow a link to another host (and a proxy in ZENDESK_BASE_URL keeps working).
 */
export function underApiBase(link: string, apiBase: string, what: string): string {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw incomplete(what, `the next-page link is not a URL (${link.slice(0, 200)})`);
  }
  const at = url.pathname.indexOf('/api/v2/');
  if (at < 0) throw incomplete(what, `the next-page link is outside the API (${url.pathname.slice(0, 200)})`);
  return `${apiBase}${url.pathname.slice(at + '/api/v2'.length)}${url.search}`;
}
