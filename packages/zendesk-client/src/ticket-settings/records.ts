// Ticket fields, brands and ticket forms as the client hands them out: the parts of Zendesk's TicketFieldObject,
// BrandObject and TicketFormObject (OpenAPI S1) that decide whether a ticket can carry a setting. Zendesk's answer
// is read defensively: a missing flag takes the value Zendesk documents as the default.

/** A ticket field, as the start-up check of the audit ticket settings reads it. */
export interface TicketFieldRecord {
  id: number;
  /** text, textarea, checkbox, date, integer, decimal, regexp, partialcreditcard, multiselect, tagger, lookup, or a system type. */
  type: string;
  title: string | null;
  active: boolean;
  /** false for system fields (subject, status, ...). */
  removable: boolean;
  /** Tag values of a tagger or multiselect field's options (empty for other types). */
  optionValues: string[];
  regexpForValidation: string | null;
}

/** A brand, as the start-up check of the audit ticket settings reads it. */
export interface BrandRecord {
  id: number;
  name: string | null;
  active: boolean;
  deleted: boolean;
  /** The forms Zendesk offers in this brand, when it says (read-only `ticket_form_ids`). */
  ticketFormIds: number[] | null;
}

/** A ticket form, as the start-up check of the audit ticket settings reads it. */
export interface TicketFormRecord {
  id: number;
  name: string | null;
  active: boolean;
  inAllBrands: boolean;
  /** The brands the form is limited to when not in all brands (`restricted_brand_ids`), when Zendesk says. */
  restrictedBrandIds: number[] | null;
}

type Raw = Record<string, unknown>;

const text = (value: unknown) => (typeof value === 'string' ? value : null);
const ids = (value: unknown) =>
  Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number') : null;

export function toTicketField(raw: Raw): TicketFieldRecord {
  const options = Array.isArray(raw.custom_field_options) ? (raw.custom_field_options as Raw[]) : [];
  return {
    id: raw.id as number,
    type: text(raw.type) ?? 'unknown',
    title: text(raw.title),
    active: raw.active !== false,
    removable: raw.removable !== false,
    optionValues: options.map((o) => o?.value).filter((v): v is string => typeof v === 'string'),
    regexpForValidation: text(raw.regexp_for_validation),
  };
}

export function toBrand(raw: Raw): BrandRecord {
  return {
    id: raw.id as number,
    name: text(raw.name),
    active: raw.active !== false,
    deleted: raw.is_deleted === true,
    ticketFormIds: ids(raw.ticket_form_ids),
  };
}

export function toTicketForm(raw: Raw): TicketFormRecord {
  return {
    id: raw.id as number,
    name: text(raw.name),
    active: raw.active !== false,
    inAllBrands: raw.in_all_brands !== false,
    restrictedBrandIds: ids(raw.restricted_brand_ids),
  };
}
