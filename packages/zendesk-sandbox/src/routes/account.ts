// The account (owner_id), custom roles, and per-product entitlements (the private endpoint the admin UI uses).
import { notFound, numericId, send, type Router } from '../http.js';
import type { User } from '../model.js';
import type { SandboxState } from '../state.js';

/** Per-product roles as the admin UI's private endpoint reports them, derived from the user. */
export function entitlementsOf(state: SandboxState, user: User): Record<string, unknown> {
  const supportName =
    user.role === 'admin'
      ? 'admin'
      : user.role_type === 1
        ? 'light_agent'
        : user.role_type === 3
          ? 'contributor'
          : 'agent';
  const paid =
    user.role === 'admin' || (user.role === 'agent' && user.role_type !== 1 && user.role_type !== 3);
  const base: Record<string, unknown> = {
    support: { name: supportName, is_active: user.active && !user.suspended },
    guide: { name: user.role === 'admin' ? 'admin' : paid ? 'agent' : 'viewer', is_active: true },
    explore: { name: user.role === 'admin' ? 'admin' : paid ? 'viewer' : null, is_active: paid },
    talk: { name: paid ? 'agent' : null, is_active: paid },
    chat: { name: paid ? 'agent' : null, is_active: false },
  };
  return { ...base, ...(state.entitlementOverrides.get(user.id) ?? {}) };
}

export function accountRoutes(router: Router, state: SandboxState): void {
  router.on('GET /account', (ctx) =>
    send(ctx, 200, {
      account: {
        url: `${ctx.origin}/api/v2/account`,
        name: 'Acme (sandbox)',
        subdomain: state.subdomain,
        owner_id: state.ownerId,
        sandbox: true,
      },
    }),
  );
  router.on('GET /custom_roles', (ctx) => send(ctx, 200, { custom_roles: [...state.customRoles.values()] }));
  const entitled = (id: number) => {
    const user = state.users.get(id);
    if (!user || user.role === 'end-user') throw notFound();
    return user;
  };
  router.on('GET /api/admin/private/staff/:id/entitlements', (ctx) => {
    const user = entitled(numericId(ctx.params.id));
    send(ctx, 200, { entitlements: entitlementsOf(state, user) });
  });
  router.on(
    'PUT /api/admin/private/staff/:id/entitlements',
    (ctx) => {
      const user = entitled(numericId(ctx.params.id));
      const changes = (ctx.body as { entitlements?: Record<string, unknown> } | null)?.entitlements ?? {};
      state.entitlementOverrides.set(user.id, {
        ...(state.entitlementOverrides.get(user.id) ?? {}),
        ...changes,
      });
      ctx.changed = true;
      send(ctx, 200, { entitlements: entitlementsOf(state, user) });
    },
    { adminOnly: true },
  );
}
