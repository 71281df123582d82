// Users: list (role, role[], permission_set, external_id filters; cursor or offset pages), show, show_many,
// search, create, create_many, update, soft delete; deleted users; the account owner's refusals.
import { requireAdmin } from '../auth.js';
import { badRequest, HttpError, invalid, notFound, numericId, send, type Ctx, type Router } from '../http.js';
import { roleTypeOf, type Role, type User } from '../model.js';
import { paginate } from '../pagination.js';
import type { SandboxState } from '../state.js';
import type { Jobs } from './jobs.js';

const ROLES: Role[] = ['end-user', 'agent', 'admin'];

function rolesWanted(ctx: Ctx): Set<string> | null {
  const values = [...ctx.query.getAll('role[]'), ...ctx.query.getAll('role')].flatMap((v) => v.split(','));
  return values.length > 0 ? new Set(values) : null;
}

function ownerRefusal(verb: string): HttpError {
  return new HttpError(403, {
    error: 'PermissionDenied',
    description: `The account owner cannot be ${verb}`,
  });
}

function bodyUser(ctx: Ctx): Record<string, unknown> {
  const user = (ctx.body as { user?: unknown } | null)?.user;
  if (typeof user !== 'object' || user === null)
    throw badRequest('InvalidValue', 'the body needs a "user" object');
  return user as Record<string, unknown>;
}

export function createUser(state: SandboxState, input: Record<string, unknown>): User {
  if (typeof input.name !== 'string' || input.name.trim() === '')
    throw invalid('name', 'Name: cannot be blank', 'BlankValue');
  const email =
    typeof input.email === 'string'
      ? input.email
      : `${input.name.replace(/\W+/g, '.').toLowerCase()}@example.invalid`;
  if (state.findUserByEmail(email))
    throw invalid('email', `Email: ${email} is already being used by another user`, 'DuplicateValue');
  const role = (input.role as Role | undefined) ?? 'end-user';
  if (!ROLES.includes(role)) throw invalid('role', `Role: ${String(role)} is not valid`);
  return state.addUser({
    name: input.name,
    email,
    role,
    custom_role_id: typeof input.custom_role_id === 'number' ? input.custom_role_id : null,
    external_id: typeof input.external_id === 'string' ? input.external_id : null,
  });
}

function applyUpdate(
  state: SandboxState,
  user: User,
  input: Record<string, unknown>,
  isOwner: boolean,
): boolean {
  const before = JSON.stringify(user);
  if (input.role !== undefined) {
    if (!ROLES.includes(input.role as Role))
      throw invalid('role', `Role: ${String(input.role)} is not valid`);
    if (isOwner && input.role !== 'admin') throw ownerRefusal('downgraded');
    user.role = input.role as Role;
    if (user.role !== 'agent') user.custom_role_id = null;
  }
  if (input.custom_role_id !== undefined) {
    const id = input.custom_role_id === null ? null : Number(input.custom_role_id);
    if (id !== null && !state.customRoles.has(id)) throw invalid('custom_role_id', 'Custom role: not found');
    user.custom_role_id = user.role === 'agent' ? id : null;
  }
  if (input.suspended !== undefined) {
    if (isOwner && input.suspended === true) throw ownerRefusal('suspended');
    user.suspended = input.suspended === true;
  }
  for (const field of ['name', 'external_id', 'tags', 'locale', 'time_zone', 'user_fields'] as const) {
    if (input[field] !== undefined) (user as unknown as Record<string, unknown>)[field] = input[field];
  }
  if (typeof input.email === 'string') user.email = input.email.toLowerCase();
  user.role_type = roleTypeOf(user.role, user.custom_role_id, state.customRoles);
  user.ticket_restriction = user.role === 'end-user' ? 'requested' : null;
  const changed = JSON.stringify(user) !== before;
  if (changed) user.updated_at = state.now();
  return changed;
}

export function userRoutes(router: Router, state: SandboxState, jobs: Jobs): void {
  const show = (id: number) => state.users.get(id) ?? state.deletedUsers.get(id);

  router.on('GET /users', (ctx) => {
    const roles = rolesWanted(ctx);
    const permissionSet = ctx.query.get('permission_set');
    const externalId = ctx.query.get('external_id');
    const accept = (u: User) =>
      (roles === null || roles.has(u.role)) &&
      (permissionSet === null || String(u.custom_role_id) === permissionSet) &&
      (externalId === null || u.external_id === externalId);
    send(
      ctx,
      200,
      paginate(ctx, 'users', state.userIds, (id) => state.users.get(id), accept),
    );
  });
  router.on('GET /users/me', (ctx) => send(ctx, 200, { user: ctx.user }));
  router.on('GET /users/show_many', (ctx) => {
    const ids = (ctx.query.get('ids') ?? '').split(',').filter(Boolean).map(Number);
    if (ids.length > 100) throw badRequest('TooManyIds', 'show_many accepts at most 100 ids');
    send(ctx, 200, { users: ids.map((id) => state.users.get(id)).filter(Boolean) });
  });
  router.on('GET /users/search', (ctx) => {
    const query = (ctx.query.get('query') ?? '').trim().toLowerCase();
    const externalId = ctx.query.get('external_id');
    const term = query.replace(/^email:/, '');
    const users = [...state.users.values()].filter((u) =>
      externalId !== null
        ? u.external_id === externalId
        : term !== '' && (u.email === term || u.name.toLowerCase().includes(term)),
    );
    send(ctx, 200, { users, count: users.length, next_page: null, previous_page: null });
  });
  router.on('GET /users/:id', (ctx) => {
    const user = show(numericId(ctx.params.id));
    if (!user) throw notFound();
    send(ctx, 200, { user });
  });
  router.on('POST /users', (ctx) => {
    const user = createUser(state, bodyUser(ctx));
    ctx.changed = true;
    send(ctx, 201, { user });
  });
  router.on(
    'POST /users/create_many',
    (ctx) => {
      const users = (ctx.body as { users?: Array<Record<string, unknown>> } | null)?.users;
      if (!Array.isArray(users) || users.length > 100)
        throw badRequest('InvalidValue', 'create_many takes 1 to 100 users');
      ctx.changed = true;
      send(ctx, 200, {
        job_status: jobs.start(users.length, () =>
          users.map((input, index) => {
            try {
              const user = createUser(state, input);
              return { id: user.id, index, action: 'create', success: true, status: 'Created' };
            } catch (error) {
              return {
                id: 0,
                index,
                success: false,
                error: 'UserCreateFailed',
                details: (error as Error).message,
              };
            }
          }),
        ),
      });
    },
    { adminOnly: true },
  );
  router.on(
    'PUT /users/:id',
    (ctx) => {
      const user = state.users.get(numericId(ctx.params.id));
      if (!user) throw notFound();
      ctx.changed = applyUpdate(state, user, bodyUser(ctx), user.id === state.ownerId);
      send(ctx, 200, { user });
    },
    { adminOnly: true },
  );
  router.on(
    'DELETE /users/:id',
    (ctx) => {
      const user = state.users.get(numericId(ctx.params.id));
      if (!user) throw notFound();
      if (user.id === state.ownerId) throw ownerRefusal('deleted');
      ctx.changed = true;
      send(ctx, 200, { user: state.softDelete(user) });
    },
    { adminOnly: true },
  );
  router.on('GET /deleted_users', (ctx) => {
    requireAdmin(ctx.user!);
    send(
      ctx,
      200,
      paginate(
        ctx,
        'deleted_users',
        state.deletedUserIds,
        (id) => state.deletedUsers.get(id),
        () => true,
      ),
    );
  });
  router.on('GET /deleted_users/:id', (ctx) => {
    requireAdmin(ctx.user!);
    const user = state.deletedUsers.get(numericId(ctx.params.id));
    if (!user) throw notFound();
    send(ctx, 200, { deleted_user: user });
  });
}
