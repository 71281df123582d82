// The start-up check of the audit tickets' custom fields, brand and form (ITSM_TICKET_CUSTOM_FIELDS,
// ITSM_TICKET_BRAND_ID, ITSM_TICKET_FORM_ID) against the audit account: a setting Zendesk would refuse or drop
// surfaces at start-up, one sentence per problem, instead of as a refused audit ticket before a deletion.
// Field types and what their values look like: Zendesk's Create Ticket Field (OpenAPI S1, CreateTicketField).
import type { AuditTicketSettings, CustomFieldValue } from '@zendesk-lifecycle/itsm-logger';
import type { TicketFieldRecord, ZendeskClient } from '@zendesk-lifecycle/zendesk-client';

export type TicketSettingsReader = Pick<ZendeskClient, 'getTicketField' | 'getBrand' | 'getTicketForm'>;

const FIELDS = 'ITSM_TICKET_CUSTOM_FIELDS';
const show = (value: CustomFieldValue) => JSON.stringify(value);
const isNumeric = (value: CustomFieldValue, pattern: RegExp) =>
  (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && pattern.test(value));

/**
 * What is wrong with a value for this field, or null. null always passes (it leaves the field empty); a type the
 * check does not know is left to Zendesk.
 */
export function fieldValueProblem(field: TicketFieldRecord, value: CustomFieldValue): string | null {
  if (value === null) return null;
  const options = () => (field.optionValues.length > 0 ? field.optionValues.join(', ') : 'none');
  switch (field.type) {
    case 'tagger':
      if (typeof value !== 'string') return `a dropdown takes one option value, got ${show(value)}`;
      return field.optionValues.includes(value)
        ? null
        : `${show(value)} is not one of the dropdown's option values (${options()})`;
    case 'multiselect': {
      if (!Array.isArray(value)) return `a multi-select takes a list of option values, got ${show(value)}`;
      const unknown = value.filter((v) => !field.optionValues.includes(v));
      return unknown.length === 0
        ? null
        : `${unknown.map(show).join(', ')} not among the multi-select's option values (${options()})`;
    }
    case 'checkbox':
      return typeof value === 'boolean' ? null : `a checkbox takes true or false, got ${show(value)}`;
    case 'integer':
      return typeof value === 'number'
        ? Number.isInteger(value)
          ? null
          : `an integer field takes a whole number, got ${show(value)}`
        : isNumeric(value, /^-?\d+$/)
          ? null
          : `an integer field takes a whole number, got ${show(value)}`;
    case 'decimal':
      return isNumeric(value, /^-?\d+(\.\d+)?$/)
        ? null
        : `a decimal field takes a number, got ${show(value)}`;
    case 'date':
      return typeof value === 'string' &&
        /^\d{4}-\d{2}-\d{2}$/.test(value) &&
        new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)
        ? null
        : `a date field takes a date as YYYY-MM-DD, got ${show(value)}`;
    case 'text':
    case 'textarea':
      return typeof value === 'string' ? null : `a text field takes a string, got ${show(value)}`;
    case 'regexp': {
      if (typeof value !== 'string') return `a regular-expression field takes a string, got ${show(value)}`;
      const pattern = compile(field.regexpForValidation);
      return pattern === null || pattern.test(value)
        ? null
        : `${show(value)} does not match the field's pattern ${field.regexpForValidation}`;
    }
    case 'partialcreditcard':
      return typeof value === 'string' && /^\d+$/.test(value)
        ? null
        : `a credit card field takes a string of digits, got ${show(value)}`;
    case 'lookup':
      return isNumeric(value, /^\d+$/) ? null : `a lookup field takes the id of a record, got ${show(value)}`;
    default:
      return null;
  }
}

/** Zendesk's patterns are Ruby's; one that JavaScript cannot read is not judged here. */
function compile(pattern: string | null): RegExp | null {
  if (pattern === null || pattern === '') return null;
  try {
    return new RegExp(pattern);
  } catch {
    return null;
  }
}

/**
 * What is wrong with the audit tickets' custom fields, brand and form, one sentence each (none: all good): a field
 * that does not exist, is inactive, is a system field or whose value does not suit its type; a brand that does not
 * exist, is inactive or deleted; a form that does not exist, is inactive, or that Zendesk does not offer in the
 * configured brand.
 */
export async function fieldBrandFormProblems(
  client: TicketSettingsReader,
  ticket: AuditTicketSettings,
): Promise<string[]> {
  const problems: string[] = [];
  for (const { id, value } of ticket.customFields ?? []) {
    const field = await client.getTicketField(id);
    const problem =
      field === null
        ? 'no such ticket field'
        : !field.removable
          ? `"${field.title ?? field.type}" is a system field, not a custom field`
          : !field.active
            ? `the field "${field.title ?? id}" is inactive`
            : fieldValueProblem(field, value);
    if (problem !== null) problems.push(`${FIELDS} field ${id}: ${problem}`);
  }
  const brand = ticket.brandId === undefined ? null : await client.getBrand(ticket.brandId);
  if (ticket.brandId !== undefined) {
    const problem =
      brand === null
        ? 'no such brand'
        : brand.deleted
          ? 'the brand is deleted'
          : !brand.active
            ? 'the brand is inactive'
            : null;
    if (problem !== null) problems.push(`ITSM_TICKET_BRAND_ID ${ticket.brandId}: ${problem}`);
  }
  if (ticket.ticketFormId !== undefined) {
    const form = await client.getTicketForm(ticket.ticketFormId);
    let problem: string | null = null;
    if (form === null) problem = 'no such ticket form';
    else if (!form.active) problem = 'the form is inactive';
    else if (brand !== null) {
      // Zendesk says where a form is offered on the form (in_all_brands, restricted_brand_ids) and on the brand
      // (ticket_form_ids); either saying "not here" is enough.
      const refusedByForm =
        !form.inAllBrands && form.restrictedBrandIds !== null && !form.restrictedBrandIds.includes(brand.id);
      const refusedByBrand = brand.ticketFormIds !== null && !brand.ticketFormIds.includes(form.id);
      if (refusedByForm || refusedByBrand)
        problem = `the form is not offered in brand ${brand.id} (ITSM_TICKET_BRAND_ID)`;
    }
    if (problem !== null) problems.push(`ITSM_TICKET_FORM_ID ${ticket.ticketFormId}: ${problem}`);
  }
  return problems;
}
