// The Webhooks API (developer.zendesk.com/api-reference/webhooks/webhooks-api/webhooks/; not in Zendesk's OpenAPI
// description of the Support API): list, create, show, update (PUT, PATCH: 204), delete (204), the signing secret
// (show; POST resets it), and invocations with their attempts. Admins only. Refusals use this API's error format.
import { HttpError, send, type Ctx, type Router } from '../http.js';
import { WebhookInputError, type WebhookService } from '../webhooks/webhooks.js';

function guarded(handler: (ctx: Ctx) => void): (ctx: Ctx) => void {
  return (ctx) => {
    try {
      handler(ctx);
    } catch (error) {
      if (!(error instanceof WebhookInputError)) throw error;
      throw new HttpError(error.status, {
        errors: [
          {
            code: error.code,
            title: error.status === 404 ? 'Not Found' : 'Invalid input',
            detail: error.detail,
            ...(error.field ? { source: { pointer: `/webhook/${error.field}` } } : {}),
          },
        ],
      });
    }
  };
}

export function webhookRoutes(router: Router, webhooks: WebhookService): void {
  const admin = { adminOnly: true };
  const on = (spec: string, handler: (ctx: Ctx) => void) => router.on(spec, guarded(handler), admin);
  on('GET /webhooks', (ctx) => {
    const nameContains = ctx.query.get('filter[name_contains]')?.toLowerCase();
    const status = ctx.query.get('filter[status]');
    const found = webhooks
      .list()
      .filter((w) => !nameContains || w.name.toLowerCase().includes(nameContains))
      .filter((w) => !status || w.status === status);
    send(ctx, 200, {
      webhooks: found,
      meta: { has_more: false, after_cursor: null, before_cursor: null },
      links: { next: null, prev: null },
    });
  });
  on('POST /webhooks', (ctx) => {
    const webhook = webhooks.create(ctx.body, ctx.user!.id);
    ctx.changed = true;
    send(ctx, 201, { webhook });
  });
  on('GET /webhooks/:id', (ctx) => send(ctx, 200, { webhook: webhooks.get(ctx.params.id!) }));
  for (const method of ['PUT', 'PATCH'])
    on(`${method} /webhooks/:id`, (ctx) => {
      webhooks.update(ctx.params.id!, ctx.body, ctx.user!.id, method === 'PATCH');
      ctx.changed = true;
      send(ctx, 204, null);
    });
  on('DELETE /webhooks/:id', (ctx) => {
    webhooks.delete(ctx.params.id!);
    ctx.changed = true;
    send(ctx, 204, null);
  });
  on('GET /webhooks/:id/signing_secret', (ctx) =>
    send(ctx, 200, { signing_secret: { algorithm: 'SHA256', secret: webhooks.secret(ctx.params.id!) } }),
  );
  on('POST /webhooks/:id/signing_secret', (ctx) => {
    const secret = webhooks.resetSecret(ctx.params.id!);
    ctx.changed = true;
    send(ctx, 201, { signing_secret: { algorithm: 'SHA256', secret } });
  });
  on('GET /webhooks/:id/invocations', (ctx) => {
    const id = webhooks.get(ctx.params.id!).id;
    const invocations = webhooks.invocations
      .filter((i) => i.webhook_id === id)
      .reverse()
      .map((i) => {
        const last = i.attempts.at(-1);
        return {
          id: i.id,
          created_at: i.created_at,
          event_id: i.event_id,
          event_type: i.event_type,
          status: i.status,
          latest_completion_status: last?.status ?? null,
          latest_completion_date: last?.completed_at ?? null,
          attempts: i.attempts.length,
        };
      });
    const size = Number(ctx.query.get('page[size]') ?? 100);
    send(ctx, 200, {
      invocations: invocations.slice(0, Number.isInteger(size) && size > 0 ? Math.min(size, 100) : 100),
      meta: { has_more: invocations.length > size, after_cursor: null, before_cursor: null },
      links: { next: null, prev: null },
    });
  });
  on('GET /webhooks/:id/invocations/:invocation/attempts', (ctx) => {
    const id = webhooks.get(ctx.params.id!).id;
    const invocation = webhooks.invocations.find(
      (i) => i.webhook_id === id && i.id === ctx.params.invocation,
    );
    if (!invocation) throw new WebhookInputError(404, 'InvocationNotFound', 'No such invocation');
    send(ctx, 200, { attempts: invocation.attempts });
  });
}
