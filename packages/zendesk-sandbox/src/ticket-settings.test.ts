// Ticket fields, brands and ticket forms: the system fields every account has, the default brand and form that
// tickets carry, and custom ones seeded through the admin API (S1 ListTicketFields, ShowTicketfield, ShowBrand,
// ShowTicketForm). Reply shapes are judged against the OpenAPI description in openapi-replies.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from './index.js';
import { api } from './testing/http-client.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'empty', rpm: 0 });
});
afterAll(async () => {
  await sandbox.stop();
});

const admin = async (path: string, body: unknown) => {
  const res = await fetch(`${sandbox.url}/__sandbox/${path}`, { method: 'POST', body: JSON.stringify(body) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read replies loosely
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

describe('ticket fields, brands and forms', () => {
  it('lists the system fields every account has, by position, none removable', async () => {
    const res = await api(sandbox)('GET', '/ticket_fields.json');
    expect(res.status).toBe(200);
    const fields = res.body.ticket_fields as Array<{ type: string; removable: boolean; position: number }>;
    expect(fields.map((f) => f.type)).toEqual([
      'subject',
      'description',
      'status',
      'tickettype',
      'priority',
      'group',
      'assignee',
    ]);
    expect(fields.every((f) => !f.removable)).toBe(true);
    expect(res.body).toMatchObject({ next_page: null, previous_page: null, count: 7 });
  });

  it('serves a custom field seeded through the admin API, with its options; unknown ids are 404', async () => {
    const created = await admin('ticket-fields', {
      type: 'tagger',
      title: 'Lifecycle step',
      custom_field_options: [{ name: 'Deprovision', value: 'deprovision' }, { value: 'purge' }],
    });
    expect(created.status).toBe(201);
    const id = created.body.ticket_field.id as number;
    const res = await api(sandbox)('GET', `/ticket_fields/${id}.json`);
    expect(res.body.ticket_field).toMatchObject({
      id,
      type: 'tagger',
      active: true,
      removable: true,
      url: `${sandbox.baseUrl}/ticket_fields/${id}.json`,
      custom_field_options: [
        { name: 'Deprovision', value: 'deprovision' },
        { name: 'purge', value: 'purge' },
      ],
    });
    const missing = await api(sandbox)('GET', '/ticket_fields/424242.json');
    expect(missing).toMatchObject({ status: 404, body: { error: 'RecordNotFound' } });
    expect((await admin('ticket-fields', { title: 'no type' })).status).toBe(400);
  });

  it('pages fields by id with page[size]', async () => {
    const first = await api(sandbox)('GET', '/ticket_fields.json?page[size]=5');
    expect(first.body.ticket_fields).toHaveLength(5);
    expect(first.body.meta.has_more).toBe(true);
  });

  it('has a default brand and form, and offers a restricted form only in its brands', async () => {
    const brand = (await admin('brands', { name: 'Internal IT' })).body.brand as { id: number };
    const form = (
      await admin('ticket-forms', {
        name: 'Lifecycle',
        in_all_brands: false,
        restricted_brand_ids: [brand.id],
      })
    ).body.ticket_form as { id: number };
    const shown = await api(sandbox)('GET', `/brands/${brand.id}.json`);
    expect(shown.body.brand).toMatchObject({
      id: brand.id,
      name: 'Internal IT',
      active: true,
      is_deleted: false,
    });
    expect(shown.body.brand.ticket_form_ids).toContain(form.id);
    const defaultBrand = await api(sandbox)('GET', '/brands/360000000101.json');
    expect(defaultBrand.body.brand).toMatchObject({ default: true, active: true });
    expect(defaultBrand.body.brand.ticket_form_ids).not.toContain(form.id);
    const shownForm = await api(sandbox)('GET', `/ticket_forms/${form.id}.json`);
    expect(shownForm.body.ticket_form).toMatchObject({
      in_all_brands: false,
      restricted_brand_ids: [brand.id],
    });
    expect((await api(sandbox)('GET', '/ticket_forms/360000000201.json')).body.ticket_form).toMatchObject({
      default: true,
      in_all_brands: true,
    });
    expect((await api(sandbox)('GET', '/brands/1.json')).status).toBe(404);
    expect((await api(sandbox)('GET', '/ticket_forms/1.json')).status).toBe(404);
  });

  it('starts again from the system fields and defaults after a reset', async () => {
    await admin('ticket-fields', { type: 'checkbox', title: 'Kept' });
    sandbox.reset('empty');
    const res = await api(sandbox)('GET', '/ticket_fields.json');
    expect(res.body.count).toBe(7);
  });
});
