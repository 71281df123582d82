// Search (GET /search, S1 ListSearchResults; S16): tickets only, from the lagging search index, with the query
// keywords the service uses: `type:ticket`, `tags:`, `status:`, `external_id:`, and words in the subject or
// description. Several values of one keyword match any of them; different keywords must all match. Offset
// pagination, at most 1,000 results (S16: "only the first 1,000 are returned").
import { badRequest, send, type Router } from '../http.js';
import type { Ticket } from '../model.js';
import { offsetPage } from '../pagination.js';
import type { SandboxState } from '../state.js';

type Indexed = Omit<Ticket, 'comments'>;

const MAX_RESULTS = 1000;
const SORTABLE = ['created_at', 'updated_at', 'priority', 'status', 'ticket_type'] as const;

/** The query's terms: `key:value` (quotes kept together) or a bare word; lower-cased, as search is case-insensitive. */
function terms(query: string): Array<{ key: string | null; value: string }> {
  const out: Array<{ key: string | null; value: string }> = [];
  for (const match of query.matchAll(/(?:(\w+):)?("[^"]*"|\S+)/g)) {
    const value = match[2]!.replace(/^"|"$/g, '').toLowerCase();
    out.push({ key: match[1]?.toLowerCase() ?? null, value });
  }
  return out;
}

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
    const byKey = new Map<string | null, string[]>();
    for (const { key, value } of all) if (key !== 'type') byKey.set(key, [...(byKey.get(key) ?? []), value]);
    const found = state
      .searchableTickets()
      .filter((t) =>
        [...byKey].every(([key, values]) =>
          key === null
            ? values.every((v) => matchesTerm(t, null, v))
            : values.some((v) => matchesTerm(t, key, v)),
        ),
      );
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
}

function page(ctx: Parameters<typeof offsetPage>[0], tickets: Indexed[]): Record<string, unknown> {
  const results = tickets.map((t) => ({ ...t, result_type: 'ticket' }));
  return { ...offsetPage(ctx, 'results', results), facets: null };
}
