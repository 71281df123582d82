// Users: list (role, role[], permission_set, external_id filters; offset or cursor pages), show, show_many,
// search (lagging index), create, create_many (off by default), update, soft delete; deleted users; the refusals
// Zendesk makes (account owner, requester of unclosed tickets) and the ticket moves it makes on removal.
import { requireAdmin } from '../auth.js';
import { badRequest, HttpError, invalid, notFound, numericId, send, type Ctx, type Router } from '../http.js';
import { customRoleFor, roleTypeOf, type Role, type User } from '../model.js';
import { offsetPage, paginate } from '../pagination.js';
import { reassignOnRemoval, unassignUnsolved } from '../reassign.js';
import { takesPaidSeat, type SandboxState } from '../state.js';
import type { Jobs } from './jobs.js';

const ROLES: Role[] = ['end-user', 'agent', 'admin'];

export interface UserRouteOptions {
  /** Bulk user imports enabled by Zendesk support for this account (default false: create_many is 403, S1). */
  bulkUserImports: boolean;
}

/** S1: "The API treats the id as case insensitive." */
const sameExternalId = (a: string | null, b: string | null) =>
  a !== null && b !== null && a.toLowerCase() === b.toLowerCase();

function rolesWanted(ctx: Ctx): Set<string> | null {
  const values = [...ctx.query.getAll('role[]'), ...ctx.query.getAll('role')].flatMap((v) => v.split(','));
  return values.length > 0 ? new Set(values) : null;
}

/** Zendesk documents no status or body for these refusals (docs/zendesk-rules.md §3, unverified): the sandbox's choice. */
function ownerRefusal(verb: string): HttpError {
  return new HttpError(403, {
    error: 'PermissionDenied',
    description: `The account owner cannot be ${verb}`,
  });
}

const isStaff = (role: Role) => role !== 'end-user';
const seatless = (roleType: number | null) => roleType === 1 || roleType === 3;

function bodyUser(ctx: Ctx): Record<string, unknown> {
  const user = (ctx.body as { user?: unknown } | null)?.user;
  if (typeof user !== 'object' || user === null)
    throw badRequest('InvalidValue', 'the body needs a "user" object');
  return user as Record<string, unknown>;
}

function checkExternalId(state: SandboxState, externalId: unknown, self?: number): void {
  if (typeof externalId !== 'string') return;
  for (const u of state.users.values()) {
    if (u.id !== self && sameExternalId(u.external_id, externalId))
      throw invalid('external_id', `External: ${externalId} has already been taken`, 'DuplicateValue');
  }
}

/**
 * S9: every agent and admin takes a seat (suspended ones too; light agents and contributors do not). A change that
 * makes the user take one when the account has none left is refused: 422 on `role`, in the sandbox's words (Zendesk
 * documents no API wording; its admin UI says "Subscription limit reached").
 */
function refuseWithoutSeat(state: SandboxState, user: User | null, input: Record<string, unknown>): void {
  if (state.agentSeats === null) return;
  const role = (input.role as Role | undefined) ?? user?.role ?? 'end-user';
  const requested =
    input.custom_role_id === undefined ? (user?.custom_role_id ?? null) : input.custom_role_id;
  const custom = customRoleFor(role, requested === null ? null : Number(requested));
  const wouldTake = takesPaidSeat(role, roleTypeOf(role, custom, state.customRoles));
  const takes = user !== null && takesPaidSeat(user.role, user.role_type);
  if (wouldTake && !takes && state.paidSeatsInUse() >= state.agentSeats)
    throw invalid(
      'role',
      `Role: Subscription limit reached: all ${state.agentSeats} agent seats are in use; free a seat or buy more`,
      'SubscriptionLimitReached',
    );
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
  checkExternalId(state, input.external_id);
  refuseWithoutSeat(state, null, input);
  const user = state.addUser(
    {
      name: input.name,
      email,
      role,
      custom_role_id: typeof input.custom_role_id === 'number' ? input.custom_role_id : null,
      external_id: typeof input.external_id === 'string' ? input.external_id : null,
    },
    state.searchLagMs,
  );
  if (isStaff(role)) {
    const defaultGroup = [...state.groups.values()].find((g) => g.default);
    if (defaultGroup) state.addMembership(user.id, defaultGroup.id);
  }
  return user;
}

function applyUpdate(
  state: SandboxState,
  user: User,
  input: Record<string, unknown>,
  isOwner: boolean,
  actor: User,
): boolean {
  const before = JSON.stringify(user);
  const wasStaff = isStaff(user.role);
  const wasSeatless = seatless(user.role_type);
  if (input.role !== undefined) {
    if (!ROLES.includes(input.role as Role))
      throw invalid('role', `Role: ${String(input.role)} is not valid`);
    // S10, S21: the owner must stay an admin.
    if (isOwner && input.role !== 'admin') throw ownerRefusal('downgraded');
  }
  if (input.suspended === true && isOwner) throw ownerRefusal('suspended');
  if (input.custom_role_id !== undefined && input.custom_role_id !== null) {
    if (!state.customRoles.has(Number(input.custom_role_id)))
      throw invalid('custom_role_id', 'Custom role: not found');
  }
  if (typeof input.email === 'string') {
    const owner = state.findUserByEmail(input.email);
    if (owner && owner.id !== user.id)
      throw invalid('email', `Email: ${input.email} is already being used by another user`, 'DuplicateValue');
  }
  checkExternalId(state, input.external_id, user.id);
  refuseWithoutSeat(state, user, input);

  if (input.role !== undefined) user.role = input.role as Role;
  const requestedRole = input.custom_role_id === undefined ? user.custom_role_id : input.custom_role_id;
  user.custom_role_id = customRoleFor(user.role, requestedRole === null ? null : Number(requestedRole));
  if (input.suspended !== undefined) user.suspended = input.suspended === true;
  for (const field of ['name', 'external_id', 'tags', 'locale', 'time_zone', 'user_fields'] as const) {
    if (input[field] !== undefined) (user as unknown as Record<string, unknown>)[field] = input[field];
  }
  // S1: email is "writeable on create only. On update, a secondary email is added".
  if (typeof input.email === 'string' && input.email.toLowerCase() !== user.email) {
    const emails = state.secondaryEmails.get(user.id) ?? [];
    if (!emails.includes(input.email.toLowerCase())) emails.push(input.email.toLowerCase());
    state.secondaryEmails.set(user.id, emails);
  }
  user.role_type = roleTypeOf(user.role, user.custom_role_id, state.customRoles);
  user.ticket_restriction = user.role === 'end-user' ? 'requested' : null;
  if (wasStaff && !isStaff(user.role)) {
    reassignOnRemoval(state, user, actor); // S7
    state.removeMemberships(user);
  } else if (user.role === 'agent' && seatless(user.role_type) && !wasSeatless) {
    unassignUnsolved(state, user); // S8
  }
  const changed = JSON.stringify(user) !== before;
  if (changed) {
    user.updated_at = state.now();
    state.index(user);
  }
  return changed;
}

/** A deleted user as GET /deleted_users shows it (DeletedUserObject, S1). */
export function deletedUserView(ctx: Ctx, user: User): Record<string, unknown> {
  return {
    id: user.id,
    url: `${ctx.origin}/api/v2/deleted_users/${user.id}.json`,
    name: user.name,
    email: user.email,
    created_at: user.created_at,
    updated_at: user.updated_at,
    time_zone: user.time_zone,
    phone: user.phone,
    shared_phone_number: user.shared_phone_number,
    photo: user.photo,
    locale_id: user.locale_id,
    locale: user.locale,
    organization_id: user.organization_id,
    role: user.role,
    active: false,
  };
}

function searchMatches(user: User, state: SandboxState, term: string): boolean {
  const field = /^(\w+):(.*)$/.exec(term);
  const [key, value] = field ? [field[1]!, field[2]!.replace(/^"|"$/g, '')] : [null, term];
  if (value === '') return false;
  const emails = [user.email, ...(state.secondaryEmails.get(user.id) ?? [])];
  if (key === 'email') return emails.includes(value);
  if (key === 'external_id') return sameExternalId(user.external_id, value);
  if (key === 'name') return user.name.toLowerCase().includes(value);
  if (key === 'role') return user.role === value;
  return emails.includes(value) || user.name.toLowerCase().includes(value);
}

export function userRoutes(router: Router, state: SandboxState, jobs: Jobs, options: UserRouteOptions): void {
  const show = (id: number) =>
    state.users.get(id) ?? (state.purged.has(id) ? undefined : state.deletedUsers.get(id));

  router.on('GET /users', (ctx) => {
    const roles = rolesWanted(ctx);
    const permissionSet = ctx.query.get('permission_set');
    const externalId = ctx.query.get('external_id');
    const accept = (u: User) =>
      (roles === null || roles.has(u.role)) &&
      (permissionSet === null || String(u.custom_role_id) === permissionSet) &&
      (externalId === null || sameExternalId(u.external_id, externalId));
    send(
      ctx,
      200,
      paginate(ctx, 'users', state.userIds, (id) => state.users.get(id), accept),
    );
  });
  router.on('GET /users/me', (ctx) => send(ctx, 200, { user: ctx.user }));
  router.on('GET /users/show_many', (ctx) => {
    const list = (name: string) => (ctx.query.get(name) ?? '').split(',').filter(Boolean);
    const ids = list('ids').map(Number);
    const externalIds = list('external_ids');
    if (ids.length > 100 || externalIds.length > 100)
      throw badRequest('TooManyIds', 'show_many accepts at most 100 ids');
    const users =
      externalIds.length > 0
        ? [...state.users.values()].filter((u) => externalIds.some((e) => sameExternalId(u.external_id, e)))
        : ids.map((id) => state.users.get(id)).filter((u): u is User => u !== undefined);
    send(ctx, 200, { users });
  });
  // S16: the search index lags; S1: offset pagination only, at most 10,000 records.
  router.on('GET /users/search', (ctx) => {
    const query = (ctx.query.get('query') ?? '').trim().toLowerCase();
    const externalId = ctx.query.get('external_id');
    const users = state
      .searchable()
      .filter((u) =>
        externalId !== null ? sameExternalId(u.external_id, externalId) : searchMatches(u, state, query),
      );
    send(ctx, 200, offsetPage(ctx, 'users', users));
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
      if (!options.bulkUserImports) {
        throw new HttpError(403, {
          error: 'Forbidden',
          description:
            'Bulk user imports are not enabled for this account. The account owner can ask Zendesk Customer Support to enable them.',
        });
      }
      const users = (ctx.body as { users?: Array<Record<string, unknown>> } | null)?.users;
      if (!Array.isArray(users) || users.length === 0 || users.length > 100)
        throw badRequest('InvalidValue', 'create_many takes 1 to 100 users');
      ctx.changed = true;
      send(ctx, 200, {
        job_status: jobs.start('create_many_users', users.length, () =>
          users.map((input, index) => {
            try {
              return { id: createUser(state, input).id, index };
            } catch (error) {
              // S17 #98: a creation failure is {index, error, details}.
              return { index, error: 'UserCreateFailed', details: (error as Error).message };
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
      ctx.changed = applyUpdate(state, user, bodyUser(ctx), user.id === state.ownerId, ctx.user!);
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
      // S10, S7: refused while the user requests any ticket that is not closed. The status is unverified.
      let open = 0;
      for (const t of state.tickets.values()) if (t.requester_id === user.id && t.status !== 'closed') open++;
      if (open > 0)
        throw invalid(
          'base',
          `User is requester on ${open} tickets that are not closed`,
          'UserRequesterOnTickets',
        );
      if (isStaff(user.role)) reassignOnRemoval(state, user, ctx.user!); // S7
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
        (id) => {
          const user = state.deletedUsers.get(id);
          return user && deletedUserView(ctx, user);
        },
        () => true,
      ),
    );
  });
  router.on('GET /deleted_users/:id', (ctx) => {
    requireAdmin(ctx.user!);
    const id = numericId(ctx.params.id);
    const user = state.purged.has(id) ? undefined : state.deletedUsers.get(id);
    if (!user) throw notFound();
    send(ctx, 200, { deleted_user: deletedUserView(ctx, user) });
  });
}
