// DELETE /deleted_users/{id}: the permanent (GDPR) delete, only after a soft delete, with its own rate limit
// (700 per 10 minutes, S1). The header name `zendesk-ratelimit-permanent-delete` is the sandbox's guess: Zendesk
// documents the limit, not a header for it.
import { notFound, numericId, send, type Router } from '../http.js';
import { takeEndpoint, type WindowLimiter } from '../limits.js';
import type { SandboxState } from '../state.js';
import { deletedUserView } from './users.js';

export function permanentDeleteRoute(router: Router, state: SandboxState, limiter: WindowLimiter): void {
  router.on(
    'DELETE /deleted_users/:id',
    (ctx) => {
      const headers = takeEndpoint(limiter, 'permanent-delete', 'Permanent deletion');
      const user = state.permanentlyDelete(numericId(ctx.params.id));
      if (!user) throw notFound();
      ctx.changed = true;
      send(ctx, 200, { deleted_user: deletedUserView(ctx, user) }, headers);
    },
    { adminOnly: true },
  );
}
