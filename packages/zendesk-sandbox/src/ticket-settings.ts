// What a ticket can be set to in the account: ticket fields (the system fields every account has, and custom
// fields), brands and ticket forms, shaped as Zendesk's OpenAPI description (S1) has TicketFieldObject,
// BrandObject and TicketFormObject. Every account starts with the system fields, one default brand and one
// default ticket form (the ids tickets carry, state.ts); tests and the admin API add custom fields, brands and forms.
// URLs are added when a record is served (routes/ticket-settings.ts), since they depend on the request's origin.

/** A dropdown (tagger) or multiselect option: `value` is the tag a ticket carries (S1 CustomFieldOptionObject). */
export interface CustomFieldOption {
  id: number;
  name: string;
  raw_name: string;
  value: string;
  position: number;
  default: boolean;
}

/** S1 TicketFieldObject, without `url`. */
export interface TicketField {
  id: number;
  /** System: subject, description, status, tickettype, priority, group, assignee. Custom: S1 CreateTicketField. */
  type: string;
  title: string;
  raw_title: string;
  description: string;
  raw_description: string;
  agent_description: string;
  position: number;
  active: boolean;
  required: boolean;
  collapsed_for_agents: boolean;
  regexp_for_validation: string | null;
  title_in_portal: string;
  raw_title_in_portal: string;
  visible_in_portal: boolean;
  editable_in_portal: boolean;
  required_in_portal: boolean;
  tag: string | null;
  /** false for system fields: "If false, this field is a system field that must be present on all tickets". */
  removable: boolean;
  agent_can_edit: boolean;
  created_at: string;
  updated_at: string;
  custom_field_options?: CustomFieldOption[];
  system_field_options?: Array<{ name: string; value: string }>;
}

/** S1 BrandObject, without `url`. */
export interface Brand {
  id: number;
  name: string;
  subdomain: string;
  brand_url: string;
  active: boolean;
  default: boolean;
  is_deleted: boolean;
  has_help_center: boolean;
  help_center_state: 'enabled' | 'disabled' | 'restricted';
  signature_template: string;
  created_at: string;
  updated_at: string;
}

/** S1 TicketFormObject, without `url`. */
export interface TicketForm {
  id: number;
  name: string;
  raw_name: string;
  display_name: string;
  raw_display_name: string;
  position: number;
  active: boolean;
  default: boolean;
  end_user_visible: boolean;
  in_all_brands: boolean;
  /** The brands the form is offered in when not `in_all_brands`. */
  restricted_brand_ids: number[];
  ticket_field_ids: number[];
  agent_conditions: Array<Record<string, unknown>>;
  end_user_conditions: Array<Record<string, unknown>>;
  created_at: string;
  updated_at: string;
}

/** What tests and the admin API give for a custom field: options by tag value (names default to the value). */
export type TicketFieldInput = Partial<Omit<TicketField, 'custom_field_options'>> & {
  type: string;
  title: string;
  custom_field_options?: Array<{ name?: string; value: string; default?: boolean }>;
};
export type BrandInput = Partial<Brand> & { name: string };
export type TicketFormInput = Partial<TicketForm> & { name: string };

/** The system fields every Zendesk account has (ids are the sandbox's own, below its custom fields'). */
const SYSTEM_FIELDS: Array<{
  type: string;
  title: string;
  required?: boolean;
  options?: Array<[string, string]>;
}> = [
  { type: 'subject', title: 'Subject', required: true },
  { type: 'description', title: 'Description', required: true },
  {
    type: 'status',
    title: 'Status',
    options: [
      ['Open', 'open'],
      ['Pending', 'pending'],
      ['Solved', 'solved'],
    ],
  },
  {
    type: 'tickettype',
    title: 'Type',
    options: [
      ['Question', 'question'],
      ['Incident', 'incident'],
      ['Problem', 'problem'],
      ['Task', 'task'],
    ],
  },
  {
    type: 'priority',
    title: 'Priority',
    options: [
      ['Low', 'low'],
      ['Normal', 'normal'],
      ['High', 'high'],
      ['Urgent', 'urgent'],
    ],
  },
  { type: 'group', title: 'Group' },
  { type: 'assignee', title: 'Assignee', required: true },
];

export const SYSTEM_FIELD_TYPES = SYSTEM_FIELDS.map((f) => f.type);
const FIRST_SYSTEM_FIELD_ID = 360000000301;

export class TicketSettings {
  readonly fields = new Map<number, TicketField>();
  readonly brands = new Map<number, Brand>();
  readonly forms = new Map<number, TicketForm>();
  private nextFieldId = 360000001001;
  private nextOptionId = 360000005001;
  private nextBrandId = 360000000102;
  private nextFormId = 360000000202;

  constructor(
    private readonly now: () => string,
    defaults: { brandId: number; formId: number; subdomain: string },
  ) {
    SYSTEM_FIELDS.forEach((system, i) => {
      const field = this.field(FIRST_SYSTEM_FIELD_ID + i, {
        type: system.type,
        title: system.title,
        required: system.required ?? false,
        removable: false,
        position: i + 1,
      });
      if (system.options)
        field.system_field_options = system.options.map(([name, value]) => ({ name, value }));
      this.fields.set(field.id, field);
    });
    this.addBrand({ id: defaults.brandId, name: 'Sandbox', subdomain: defaults.subdomain, default: true });
    this.addTicketForm({ id: defaults.formId, name: 'Default Ticket Form', default: true });
  }

  private field(id: number, input: Omit<TicketFieldInput, 'custom_field_options'>): TicketField {
    const time = this.now();
    return {
      description: '',
      raw_description: input.description ?? '',
      agent_description: '',
      position: 9999,
      active: true,
      required: false,
      collapsed_for_agents: false,
      regexp_for_validation: null,
      title_in_portal: input.title,
      raw_title_in_portal: input.title,
      visible_in_portal: true,
      editable_in_portal: true,
      required_in_portal: false,
      tag: null,
      removable: true,
      agent_can_edit: true,
      created_at: time,
      updated_at: time,
      ...input,
      raw_title: input.raw_title ?? input.title,
      id,
    };
  }

  /** A custom field (text, checkbox, tagger, multiselect, integer, decimal, date, ...); new ones join every form. */
  addTicketField(input: TicketFieldInput): TicketField {
    const id = input.id ?? this.nextFieldId++;
    this.nextFieldId = Math.max(this.nextFieldId, id + 1);
    const { custom_field_options: options, ...rest } = input;
    const field = this.field(id, rest);
    if (options !== undefined || input.type === 'tagger' || input.type === 'multiselect')
      field.custom_field_options = (options ?? []).map((option, position) => ({
        id: this.nextOptionId++,
        name: option.name ?? option.value,
        raw_name: option.name ?? option.value,
        value: option.value,
        position,
        default: option.default ?? false,
      }));
    this.fields.set(id, field);
    return field;
  }

  addBrand(input: BrandInput): Brand {
    const id = input.id ?? this.nextBrandId++;
    this.nextBrandId = Math.max(this.nextBrandId, id + 1);
    const time = this.now();
    const subdomain = input.subdomain ?? input.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const brand: Brand = {
      subdomain,
      brand_url: `https://${subdomain}.zendesk.com`,
      active: true,
      default: false,
      is_deleted: false,
      has_help_center: false,
      help_center_state: 'disabled',
      signature_template: '{{agent.signature}}',
      created_at: time,
      updated_at: time,
      ...input,
      id,
    };
    this.brands.set(id, brand);
    return brand;
  }

  addTicketForm(input: TicketFormInput): TicketForm {
    const id = input.id ?? this.nextFormId++;
    this.nextFormId = Math.max(this.nextFormId, id + 1);
    const time = this.now();
    const form: TicketForm = {
      raw_name: input.name,
      display_name: input.name,
      raw_display_name: input.name,
      position: this.forms.size + 1,
      active: true,
      default: false,
      end_user_visible: true,
      in_all_brands: true,
      restricted_brand_ids: [],
      ticket_field_ids: [...this.fields.keys()],
      agent_conditions: [],
      end_user_conditions: [],
      created_at: time,
      updated_at: time,
      ...input,
      id,
    };
    this.forms.set(id, form);
    return form;
  }

  /** The brand as served: `ticket_form_ids` lists the active forms offered in it (S1 BrandObject). */
  brandReply(brand: Brand, origin: string): Record<string, unknown> {
    const formIds = [...this.forms.values()]
      .filter((f) => f.active && (f.in_all_brands || f.restricted_brand_ids.includes(brand.id)))
      .map((f) => f.id);
    return { ...brand, ticket_form_ids: formIds, url: `${origin}/api/v2/brands/${brand.id}.json` };
  }

  formReply(form: TicketForm, origin: string): Record<string, unknown> {
    return { ...form, url: `${origin}/api/v2/ticket_forms/${form.id}.json` };
  }

  fieldReply(field: TicketField, origin: string): Record<string, unknown> {
    const options = field.custom_field_options?.map((o) => ({
      ...o,
      url: `${origin}/api/v2/ticket_fields/${field.id}/options/${o.id}.json`,
    }));
    return {
      ...field,
      ...(options ? { custom_field_options: options } : {}),
      url: `${origin}/api/v2/ticket_fields/${field.id}.json`,
    };
  }

  snapshot(): Record<string, unknown> {
    return {
      ticket_fields: [...this.fields.values()],
      brands: [...this.brands.values()],
      ticket_forms: [...this.forms.values()],
    };
  }
}
