// The account (owner_id), custom roles, and per-product entitlements: the admin UI's private endpoint, which API
// credentials cannot reach (docs/zendesk-rules.md §9) unless the sandbox is started with `privateEntitlements: true`.
import { HttpError, notFound, numericId, send, type Router } from '../http.js';
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
    // S9: "Even suspended agents take up a seat": suspension does not switch Support off.
    support: { name: supportName, is_active: user.active },
    guide: { name: user.role === 'admin' ? 'admin' : paid ? 'agent' : 'viewer', is_active: true },
    explore: { name: user.role === 'admin' ? 'admin' : paid ? 'viewer' : null, is_active: paid },
    talk: { name: paid ? 'agent' : null, is_active: paid },
    chat: { name: paid ? 'agent' : null, is_active: false },
  };
  return { ...base, ...(state.entitlementOverrides.get(user.id) ?? {}) };
}

/**
 * What API credentials get from the private endpoint (the sandbox's choice; Zendesk documents nothing): 403 in
 * the `{error: {title, message}}` envelope Zendesk uses for Forbidden outside /api/v2's classic routes (S19).
 */
function privateRefusal(): HttpError {
  return new HttpError(403, {
    error: {
      title: 'Forbidden',
      message:
        'You do not have access to this page. Please contact the account owner of this help desk for further help.',
    },
  });
}

export function accountRoutes(router: Router, state: SandboxState, privateEntitlements: boolean): void {
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
  router.on('GET /custom_roles', (ctx) => {
    const members = new Map<number, number>();
    for (const u of state.users.values())
      if (u.custom_role_id !== null) members.set(u.custom_role_id, (members.get(u.custom_role_id) ?? 0) + 1);
    const roles = [...state.customRoles.values()].map((r) => ({
      ...r,
      team_member_count: members.get(r.id) ?? 0,
    }));
    send(ctx, 200, { custom_roles: roles });
  });
  const entitled = (id: number) => {
    if (!privateEntitlements) throw privateRefusal();
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
