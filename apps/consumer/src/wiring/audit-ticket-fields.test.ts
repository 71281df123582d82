// The start-up check of the audit tickets' custom fields, brand and form (issue 19), against the sandbox, which
// serves GET /ticket_fields/{id}, /brands/{id} and /ticket_forms/{id} as Zendesk's OpenAPI describes them (404 for an
// unknown id; system fields removable: false). Each rule is shown passing and failing.
import { startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { createZendeskClient, type ZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import type { AuditTicketSettings, CustomFieldValue } from '@zendesk-lifecycle/itsm-logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketSettingsProblems } from './audit.js';

let sandbox: RunningSandbox;
let client: ZendeskClient;
const ids: Record<string, number> = {};
const DEFAULT_BRAND = 360000000101;
const DEFAULT_FORM = 360000000201;
const SUBJECT_FIELD = 360000000301;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0 });
  client = createZendeskClient({
    baseUrl: sandbox.url,
    email: sandbox.credentials.email,
    apiToken: sandbox.credentials.token,
    retry: { retries: 1, initialDelayMs: 10, maxDelayMs: 20 },
  });
  const s = sandbox.state.ticketSettings;
  const options = (...values: string[]) => values.map((value) => ({ value }));
  ids.step = s.addTicketField({
    type: 'tagger',
    title: 'Step',
    custom_field_options: options('offboard', 'purge'),
  }).id;
  ids.systems = s.addTicketField({
    type: 'multiselect',
    title: 'Systems',
    custom_field_options: options('zendesk', 'okta', 'slack'),
  }).id;
  ids.kept = s.addTicketField({ type: 'checkbox', title: 'Evidence kept' }).id;
  ids.count = s.addTicketField({ type: 'integer', title: 'Tickets moved' }).id;
  ids.ratio = s.addTicketField({ type: 'decimal', title: 'Ratio' }).id;
  ids.due = s.addTicketField({ type: 'date', title: 'Due' }).id;
  ids.note = s.addTicketField({ type: 'text', title: 'Note' }).id;
  ids.ref = s.addTicketField({ type: 'regexp', title: 'Change ref', regexp_for_validation: '^CHG\\d+$' }).id;
  ids.old = s.addTicketField({ type: 'text', title: 'Old', active: false }).id;
  ids.brand = s.addBrand({ name: 'Internal IT' }).id;
  ids.offBrand = s.addBrand({ name: 'Closed brand', active: false }).id;
  ids.form = s.addTicketForm({
    name: 'Lifecycle',
    in_all_brands: false,
    restricted_brand_ids: [ids.brand],
  }).id;
  ids.oldForm = s.addTicketForm({ name: 'Retired form', active: false }).id;
});
afterAll(async () => {
  await sandbox.stop();
});

const fields = (...entries: Array<[number, CustomFieldValue]>): AuditTicketSettings => ({
  customFields: entries.map(([id, value]) => ({ id, value })),
});

describe('the audit ticket custom fields checked at start-up', () => {
  it('accepts a value that suits each field type, and null for any field', async () => {
    const settings = fields(
      [ids.step!, 'purge'],
      [ids.systems!, ['zendesk', 'okta']],
      [ids.kept!, true],
      [ids.count!, 12],
      [ids.ratio!, 0.5],
      [ids.due!, '2026-12-31'],
      [ids.note!, 'lifecycle'],
      [ids.ref!, 'CHG42'],
      [ids.step!, null],
    );
    expect(await ticketSettingsProblems(client, settings)).toEqual([]);
  });

  it('names a field Zendesk does not have, an inactive field and a system field', async () => {
    expect(
      await ticketSettingsProblems(client, fields([424242, 'x'], [ids.old!, 'x'], [SUBJECT_FIELD, 'x'])),
    ).toEqual([
      'ITSM_TICKET_CUSTOM_FIELDS field 424242: no such ticket field',
      `ITSM_TICKET_CUSTOM_FIELDS field ${ids.old}: the field "Old" is inactive`,
      `ITSM_TICKET_CUSTOM_FIELDS field ${SUBJECT_FIELD}: "Subject" is a system field, not a custom field`,
    ]);
  });

  it('refuses a dropdown value that is not one of its options, and a multi-select value outside them', async () => {
    expect(
      await ticketSettingsProblems(
        client,
        fields(
          [ids.step!, 'retire'],
          [ids.step!, ['purge']],
          [ids.systems!, ['okta', 'github']],
          [ids.systems!, 'okta'],
        ),
      ),
    ).toEqual([
      `ITSM_TICKET_CUSTOM_FIELDS field ${ids.step}: "retire" is not one of the dropdown's option values (offboard, purge)`,
      `ITSM_TICKET_CUSTOM_FIELDS field ${ids.step}: a dropdown takes one option value, got ["purge"]`,
      `ITSM_TICKET_CUSTOM_FIELDS field ${ids.systems}: "github" not among the multi-select's option values (zendesk, okta, slack)`,
      `ITSM_TICKET_CUSTOM_FIELDS field ${ids.systems}: a multi-select takes a list of option values, got "okta"`,
    ]);
  });

  it('refuses a checkbox that is not a boolean and numbers, dates, text and patterns that do not fit', async () => {
    expect(
      await ticketSettingsProblems(
        client,
        fields(
          [ids.kept!, 'yes'],
          [ids.count!, 1.5],
          [ids.count!, 'twelve'],
          [ids.ratio!, 'half'],
          [ids.due!, '2026-02-30'],
          [ids.note!, 7],
          [ids.ref!, 'INC1'],
        ),
      ),
    ).toEqual([
      `ITSM_TICKET_CUSTOM_FIELDS field ${ids.kept}: a checkbox takes true or false, got "yes"`,
      `ITSM_TICKET_CUSTOM_FIELDS field ${ids.count}: an integer field takes a whole number, got 1.5`,
      `ITSM_TICKET_CUSTOM_FIELDS field ${ids.count}: an integer field takes a whole number, got "twelve"`,
      `ITSM_TICKET_CUSTOM_FIELDS field ${ids.ratio}: a decimal field takes a number, got "half"`,
      `ITSM_TICKET_CUSTOM_FIELDS field ${ids.due}: a date field takes a date as YYYY-MM-DD, got "2026-02-30"`,
      `ITSM_TICKET_CUSTOM_FIELDS field ${ids.note}: a text field takes a string, got 7`,
      `ITSM_TICKET_CUSTOM_FIELDS field ${ids.ref}: "INC1" does not match the field's pattern ^CHG\\d+$`,
    ]);
  });
});

describe('the audit ticket brand and form checked at start-up', () => {
  it('accepts the default brand and form, and a form restricted to the configured brand', async () => {
    expect(
      await ticketSettingsProblems(client, { brandId: DEFAULT_BRAND, ticketFormId: DEFAULT_FORM }),
    ).toEqual([]);
    expect(await ticketSettingsProblems(client, { brandId: ids.brand!, ticketFormId: ids.form! })).toEqual(
      [],
    );
    expect(await ticketSettingsProblems(client, { ticketFormId: ids.form! })).toEqual([]);
  });

  it('names a brand Zendesk does not have, an inactive brand and a deleted one', async () => {
    sandbox.state.ticketSettings.addBrand({ id: 360000009999, name: 'Gone', is_deleted: true });
    expect(await ticketSettingsProblems(client, { brandId: 424242 })).toEqual([
      'ITSM_TICKET_BRAND_ID 424242: no such brand',
    ]);
    expect(await ticketSettingsProblems(client, { brandId: ids.offBrand! })).toEqual([
      `ITSM_TICKET_BRAND_ID ${ids.offBrand}: the brand is inactive`,
    ]);
    expect(await ticketSettingsProblems(client, { brandId: 360000009999 })).toEqual([
      'ITSM_TICKET_BRAND_ID 360000009999: the brand is deleted',
    ]);
  });

  it('names a form Zendesk does not have, an inactive form, and a form not offered in the brand', async () => {
    expect(await ticketSettingsProblems(client, { ticketFormId: 424242 })).toEqual([
      'ITSM_TICKET_FORM_ID 424242: no such ticket form',
    ]);
    expect(await ticketSettingsProblems(client, { ticketFormId: ids.oldForm! })).toEqual([
      `ITSM_TICKET_FORM_ID ${ids.oldForm}: the form is inactive`,
    ]);
    expect(await ticketSettingsProblems(client, { brandId: DEFAULT_BRAND, ticketFormId: ids.form! })).toEqual(
      [
        `ITSM_TICKET_FORM_ID ${ids.form}: the form is not offered in brand ${DEFAULT_BRAND} (ITSM_TICKET_BRAND_ID)`,
      ],
    );
  });

  it('lists every problem of every setting together, group and assignee first', async () => {
    expect(
      await ticketSettingsProblems(client, {
        groupId: 999_999,
        brandId: 424242,
        ticketFormId: 424243,
        customFields: [{ id: 424244, value: 'x' }],
      }),
    ).toEqual([
      'ITSM_TICKET_GROUP_ID 999999: no such group',
      'ITSM_TICKET_CUSTOM_FIELDS field 424244: no such ticket field',
      'ITSM_TICKET_BRAND_ID 424242: no such brand',
      'ITSM_TICKET_FORM_ID 424243: no such ticket form',
    ]);
  });
});
