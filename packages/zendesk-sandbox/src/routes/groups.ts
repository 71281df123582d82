// Groups and group memberships (GET /groups, GET /groups/{id}, GET /group_memberships): enough for a ticket's
// group_id to decide where a removed agent's tickets go, and for the client to check a reassignment group.
import { notFound, numericId, send, type Router } from '../http.js';
import { paginate } from '../pagination.js';
import { SortedIds, type SandboxState } from '../state.js';

export function groupRoutes(router: Router, state: SandboxState): void {
  router.on('GET /groups', (ctx) => {
    const ids = new SortedIds();
    for (const id of state.groups.keys()) ids.add(id);
    send(
      ctx,
      200,
      paginate(
        ctx,
        'groups',
        ids,
        (id) => state.groups.get(id),
        () => true,
      ),
    );
  });
  // OpenAPI: GET /api/v2/groups/{group_id} (ShowGroupById) answers { group }.
  router.on('GET /groups/:id', (ctx) => {
    const group = state.groups.get(numericId(ctx.params.id));
    if (!group) throw notFound();
    send(ctx, 200, { group });
  });
  router.on('GET /group_memberships', (ctx) => {
    const byId = new Map(state.memberships.map((m) => [m.id, m]));
    const ids = new SortedIds();
    for (const id of byId.keys()) ids.add(id);
    send(
      ctx,
      200,
      paginate(
        ctx,
        'group_memberships',
        ids,
        (id) => byId.get(id),
        () => true,
      ),
    );
  });
}
