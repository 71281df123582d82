// Ticket fields, brands and ticket forms (S1: ListTicketFields, ShowTicketfield, ShowBrand, ShowTicketForm), read
// by the consumer's start-up check of its audit ticket settings. An unknown id is 404 RecordNotFound.
import { notFound, numericId, send, type Router } from '../http.js';
import { paginate, wantsCursor } from '../pagination.js';
import { SortedIds, type SandboxState } from '../state.js';

export function ticketSettingsRoutes(router: Router, state: SandboxState): void {
  const settings = state.ticketSettings;
  // S1: "Cursor pagination returns a maximum of 100 records per page and fields are returned in the order
  // specified by their id. If the results are not paginated, every field is returned in the response and fields
  // are returned in the order specified by the position."
  router.on('GET /ticket_fields', (ctx) => {
    const reply = (id: number) => {
      const field = settings.fields.get(id);
      return field && settings.fieldReply(field, ctx.origin);
    };
    if (wantsCursor(ctx)) {
      const ids = new SortedIds();
      for (const id of settings.fields.keys()) ids.add(id);
      return send(
        ctx,
        200,
        paginate(ctx, 'ticket_fields', ids, reply, () => true),
      );
    }
    const all = [...settings.fields.values()]
      .sort((a, b) => a.position - b.position || a.id - b.id)
      .map((f) => settings.fieldReply(f, ctx.origin));
    send(ctx, 200, { ticket_fields: all, next_page: null, previous_page: null, count: all.length });
  });
  router.on('GET /ticket_fields/:id', (ctx) => {
    const field = settings.fields.get(numericId(ctx.params.id));
    if (!field) throw notFound();
    send(ctx, 200, { ticket_field: settings.fieldReply(field, ctx.origin) });
  });
  router.on('GET /brands/:id', (ctx) => {
    const brand = settings.brands.get(numericId(ctx.params.id));
    if (!brand) throw notFound();
    send(ctx, 200, { brand: settings.brandReply(brand, ctx.origin) });
  });
  router.on('GET /ticket_forms/:id', (ctx) => {
    const form = settings.forms.get(numericId(ctx.params.id));
    if (!form) throw notFound();
    send(ctx, 200, { ticket_form: settings.formReply(form, ctx.origin) });
  });
}
