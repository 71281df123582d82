// DELETE /deleted_users/{id}: the permanent (GDPR) delete, only after a soft delete, with its own rate limit.
import { notFound, numericId, send, type Router } from '../http.js';
import { tooManyRequests, type WindowLimiter } from '../limits.js';
import type { SandboxState } from '../state.js';

export function permanentDeleteRoute(router: Router, state: SandboxState, limiter: WindowLimiter): void {
  router.on(
    'DELETE /deleted_users/:id',
    (ctx) => {
      const taken = limiter.take();
      const header = (remaining: number): Record<string, string> =>
        !limiter.unlimited
          ? {
              'zendesk-ratelimit-permanent-delete': `total=${limiter.max}; remaining=${remaining}; resets=${limiter.resetSeconds()}`,
            }
          : {};
      if (!taken.ok) {
        throw tooManyRequests(taken.retryAfter, 'Permanent deletion rate limit exceeded', header(0));
      }
      const user = state.permanentlyDelete(numericId(ctx.params.id));
      if (!user) throw notFound();
      ctx.changed = true;
      send(
        ctx,
        200,
        { deleted_user: { ...user, email: null, name: 'Permanently deleted user' } },
        header(taken.remaining),
      );
    },
    { adminOnly: true },
  );
}
