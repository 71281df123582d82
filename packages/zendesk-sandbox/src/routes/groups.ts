// Groups and group memberships (GET /groups, GET /groups/{id}, GET /group_memberships): enough for a ticket's
// group_id to decide where a removed agent's tickets go, and for the client to check a reassignment group. A user's
// memberships (GET /users/{id}/group_memberships), and creating and deleting one (S1 CreateGroupMembership,
// DeleteGroupMembership; admins only): what undo reads before a change and puts back.
import { HttpError, invalid, notFound, numericId, send, type Ctx, type Router } from '../http.js';
import type { GroupMembership } from '../model.js';
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
  const listOf = (ctx: Ctx, memberships: GroupMembership[]) => {
    const byId = new Map(memberships.map((m) => [m.id, m]));
    const ids = new SortedIds();
    for (const id of byId.keys()) ids.add(id);
    return paginate(
      ctx,
      'group_memberships',
      ids,
      (id) => byId.get(id),
      () => true,
    );
  };
  // OpenAPI ListGroupMemberships takes a user_id path parameter: GET /users/{user_id}/group_memberships.
  router.on('GET /users/:id/group_memberships', (ctx) => {
    const userId = numericId(ctx.params.id);
    if (!state.users.has(userId)) throw notFound();
    send(
      ctx,
      200,
      listOf(
        ctx,
        state.memberships.filter((m) => m.user_id === userId),
      ),
    );
  });
  const show = (ctx: Ctx, userId?: number) => {
    const id = numericId(ctx.params.membership ?? ctx.params.id);
    const membership = state.memberships.find(
      (m) => m.id === id && (userId === undefined || m.user_id === userId),
    );
    if (!membership) throw notFound();
    return membership;
  };
  router.on('GET /group_memberships/:id', (ctx) => send(ctx, 200, { group_membership: show(ctx) }));
  router.on('GET /users/:id/group_memberships/:membership', (ctx) =>
    send(ctx, 200, { group_membership: show(ctx, numericId(ctx.params.id)) }),
  );
  const create = (ctx: Ctx, pathUserId?: number) => {
    const input = (ctx.body as { group_membership?: Record<string, unknown> } | null)?.group_membership;
    if (typeof input !== 'object' || input === null)
      throw new HttpError(400, {
        error: 'InvalidValue',
        description: 'the body needs a "group_membership" object',
      });
    const userId = pathUserId ?? Number(input.user_id);
    const groupId = Number(input.group_id);
    const user = state.users.get(userId);
    if (!user) throw invalid('user_id', 'User: not found');
    // Only agents and admins belong to groups (end users cannot be assigned tickets).
    if (user.role === 'end-user') throw invalid('user_id', 'User: is not an agent', 'InvalidValue');
    const group = state.groups.get(groupId);
    if (!group || group.deleted) throw invalid('group_id', 'Group: not found');
    if (state.memberships.some((m) => m.user_id === userId && m.group_id === groupId))
      throw invalid('user_id', 'User: is already a member of this group', 'DuplicateValue');
    ctx.changed = true;
    send(ctx, 201, { group_membership: state.addMembership(userId, groupId) });
  };
  router.on('POST /group_memberships', (ctx) => create(ctx), { adminOnly: true });
  router.on('POST /users/:id/group_memberships', (ctx) => create(ctx, numericId(ctx.params.id)), {
    adminOnly: true,
  });
  const remove = (ctx: Ctx, userId?: number) => {
    const membership = show(ctx, userId);
    state.removeMembership(membership.id);
    ctx.changed = true;
    send(ctx, 204, null);
  };
  router.on('DELETE /group_memberships/:id', (ctx) => remove(ctx), { adminOnly: true });
  router.on(
    'DELETE /users/:id/group_memberships/:membership',
    (ctx) => remove(ctx, numericId(ctx.params.id)),
    {
      adminOnly: true,
    },
  );
}
