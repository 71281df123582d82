// Search (GET /search, S1 ListSearchResults; S16): tickets only, from the lagging search index, with the query
// keywords the service uses: `type:ticket`, `tags:`, `status:`, `external_id:`, `created` and `updated` with
// `:`, `<`, `>`, `<=`, `>=` and a date (YYYY-MM-DD, compared by UTC day) or an ISO 8601 time, and words in the
// subject or description. Several values of one keyword match any of them; different keywords and date
// comparisons must all match. Offset pagination, at most 1,000 results (S16: "only the first 1,000 are
// returned"). Export (GET /search/export, S1 ExportSearchResults): the same query without `type:` (the type is
// `filter[type]`, required), every result, cursor pages ordered by created_at, no `count`.
import { badRequest, send, type Router } from '../http.js';
import type { Ticket } from '../model.js';
import { offsetPage } from '../pagination.js';
import type { SandboxState } from '../state.js';

type Indexed = Omit<Ticket, 'comments'>;

const MAX_RESULTS = 1000;
const SORTABLE = ['created_at', 'updated_at', 'priority', 'status', 'ticket_type'] as const;

type Operator = ':' | '<' | '>' | '<=' | '>=';
interface Term {
  key: string | null;
  op: Operator;
  value: string;
}

/** The query's terms: `key:value`, `key<value` (quotes kept together) or a bare word; lower-cased. */
function terms(query: string): Term[] {
  const out: Term[] = [];
  for (const match of query.matchAll(/(?:(\w+)(<=|>=|:|<|>))?("[^"]*"|\S+)/g)) {
    const value = match[3]!.replace(/^"|"$/g, '').toLowerCase();
    out.push({ key: match[1]?.toLowerCase() ?? null, op: (match[2] ?? ':') as Operator, value });
  }
  return out;
}

const DATE_KEYS: Record<string, 'created_at' | 'updated_at'> = {
  created: 'created_at',
  updated: 'updated_at',
};

/** A date comparison (`created>2026-10-01`): a day compares by UTC day, a time to the millisecond. */
function matchesDate(ticket: Indexed, term: Term): boolean {
  const field = DATE_KEYS[term.key!]!;
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(term.value);
  const wanted = Date.parse(dayOnly ? `${term.value}T00:00:00Z` : term.value.toUpperCase());
  if (Number.isNaN(wanted)) throw badRequest('InvalidValue', `${term.key} takes a date or an ISO 8601 time`);
  const at = Date.parse(ticket[field]);
  const value = dayOnly ? Math.floor(at / 86_400_000) * 86_400_000 : at;
  switch (term.op) {
    case ':':
      return value === wanted;
    case '<':
      return value < wanted;
    case '>':
      return value > wanted;
    case '<=':
      return value <= wanted;
    case '>=':
      return value >= wanted;
  }
}

/** The tickets of the search index that match every term of the query (`type:` terms already taken out). */
function matching(state: SandboxState, all: Term[]): Indexed[] {
  const dates = all.filter((t) => t.key !== null && t.key in DATE_KEYS);
  const byKey = new Map<string | null, string[]>();
  for (const { key, value } of all)
    if (key !== 'type' && !(key !== null && key in DATE_KEYS))
      byKey.set(key, [...(byKey.get(key) ?? []), value]);
  return state
    .searchableTickets()
    .filter(
      (t) =>
        dates.every((d) => matchesDate(t, d)) &&
        [...byKey].every(([key, values]) =>
          key === null
            ? values.every((v) => matchesTerm(t, null, v))
            : values.some((v) => matchesTerm(t, key, v)),
        ),
    );
}

const EXPORT_TYPES = ['ticket', 'organization', 'user', 'group'];
const encodeCursor = (t: Indexed) => Buffer.from(`${t.created_at}|${t.id}`).toString('base64url');

function matchesTerm(ticket: Indexed, key: string | null, value: string): boolean {
  switch (key) {
    case 'tags':
    case 'tag':
      return ticket.tags.some((t) => t.toLowerCase() === value);
    case 'status':
      return ticket.status === value;
    case 'external_id':
      return ticket.external_id?.toLowerCase() === value;
    case null:
      return `${ticket.subject} ${ticket.description}`.toLowerCase().includes(value);
    default:
      return false;
  }
}

export function searchRoutes(router: Router, state: SandboxState): void {
  router.on('GET /search', (ctx) => {
    const query = ctx.query.get('query');
    if (query === null || query.trim() === '') throw badRequest('InvalidValue', 'query is required');
    const all = terms(query);
    const types = all.filter((t) => t.key === 'type').map((t) => t.value);
    // Only tickets are indexed here: a search for users, groups or organizations finds nothing.
    if (types.length > 0 && !types.includes('ticket')) return send(ctx, 200, page(ctx, []));
    const found = matching(state, all);
    const sortBy = ctx.query.get('sort_by');
    if (sortBy !== null && !(SORTABLE as readonly string[]).includes(sortBy))
      throw badRequest('InvalidValue', `sort_by must be one of ${SORTABLE.join(', ')}`);
    if (sortBy !== null) {
      const field = sortBy === 'ticket_type' ? 'type' : sortBy;
      const key = (t: Indexed) => String((t as unknown as Record<string, unknown>)[field] ?? '');
      const desc = (ctx.query.get('sort_order') ?? 'desc') !== 'asc';
      found.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id) * (desc ? -1 : 1));
    }
    send(ctx, 200, page(ctx, found.slice(0, MAX_RESULTS)));
  });

  router.on('GET /search/export', (ctx) => {
    const query = ctx.query.get('query');
    if (query === null || query.trim() === '') throw badRequest('InvalidValue', 'query is required');
    const type = ctx.query.get('filter[type]');
    if (type === null || !EXPORT_TYPES.includes(type))
      throw badRequest('InvalidValue', `filter[type] is required: one of ${EXPORT_TYPES.join(', ')}`);
    const all = terms(query);
    if (all.some((t) => t.key === 'type'))
      throw badRequest('InvalidValue', 'the type goes in filter[type], not in the query');
    const size = Number(ctx.query.get('page[size]') ?? '100');
    if (!Number.isInteger(size) || size < 1 || size > 1000)
      throw badRequest('InvalidPaginationParameter', 'page[size] must be between 1 and 1000');
    // Only tickets are indexed here: an export of users, groups or organizations finds nothing.
    const found = type === 'ticket' ? matching(state, all) : [];
    const order = (t: Indexed) => `${t.created_at}|${String(t.id).padStart(20, '0')}`;
    found.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
    const after = ctx.query.get('page[after]');
    let start = 0;
    if (after !== null) {
      const [at, id] = Buffer.from(after, 'base64url').toString().split('|');
      if (!at || !Number.isInteger(Number(id)))
        throw badRequest('InvalidPaginationParameter', 'page[after] is not a valid cursor');
      const mark = `${at}|${String(Number(id)).padStart(20, '0')}`;
      start = found.findIndex((t) => order(t) > mark);
      if (start < 0) start = found.length;
    }
    const items = found.slice(start, start + size);
    const hasMore = start + size < found.length;
    const last = items.at(-1);
    const afterCursor = last === undefined ? null : encodeCursor(last);
    let next: string | null = null;
    if (hasMore && afterCursor !== null) {
      const url = new URL(`${ctx.origin}${ctx.req.url ?? ''}`);
      url.searchParams.set('page[after]', afterCursor);
      next = url.toString();
    }
    send(ctx, 200, {
      results: items.map((t) => ({ ...t, result_type: 'ticket' })),
      facets: null,
      meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: null },
      links: { next, prev: null },
    });
  });
}

function page(ctx: Parameters<typeof offsetPage>[0], tickets: Indexed[]): Record<string, unknown> {
  const results = tickets.map((t) => ({ ...t, result_type: 'ticket' }));
  return { ...offsetPage(ctx, 'results', results), facets: null };
}
