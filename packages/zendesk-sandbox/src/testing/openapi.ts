// Test support: Zendesk's OpenAPI description (<repo>/../shared/zendesk/support-api.oas.yaml), loaded once per
// process, to check replies against their response schemas and requests against declared paths and parameters.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { load as parseYaml } from 'js-yaml';
import type { LoggedRequest } from '../model.js';

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: string;
}

interface Operation {
  description?: string;
  parameters?: Array<Parameter | { $ref: string }>;
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> } | undefined>;
}

interface PathItem {
  parameters?: Array<Parameter | { $ref: string }>;
  [method: string]: unknown;
}

interface Doc {
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, Json>; parameters: Record<string, Parameter> };
}

/** The repository root: src/testing -> src -> zendesk-sandbox -> packages -> root. */
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Where the description lives: beside the repository (CI copies shared/ next to its clone). */
export const OAS_PATH = process.env.ZENDESK_OAS_PATH ?? `${REPO_ROOT}../shared/zendesk/support-api.oas.yaml`;

/**
 * Paths Zendesk documents outside this OpenAPI file. Each reuses a declared operation's parameters and
 * responses, with the source that documents it.
 */
const SUPPLEMENT: Record<string, { like: string; source: string; methods?: string[] }> = {
  // facts.md §5 (S2, Zendesk's pagination guide): "List by user: GET /users/{id}/tickets/requested and
  // /assigned follow the general rule"; they answer like List Tickets.
  '/api/v2/users/{user_id}/tickets/requested': { like: '/api/v2/tickets', source: 'facts.md §5, S2' },
  '/api/v2/users/{user_id}/tickets/assigned': { like: '/api/v2/tickets', source: 'facts.md §5, S2' },
  '/api/v2/users/{user_id}/tickets/ccd': { like: '/api/v2/tickets', source: 'facts.md §5, S2' },
  // The description's own List/Create Memberships and Show/Delete Membership declare a `user_id` path parameter
  // their literal paths cannot hold: the per-user forms of the same operations (node-zendesk's listByUser,
  // createByUser, showByUser, deleteByUser).
  '/api/v2/users/{user_id}/group_memberships': {
    like: '/api/v2/group_memberships',
    source: 'OAS ListGroupMemberships (UserId path parameter)',
    methods: ['get', 'post'],
  },
  '/api/v2/users/{user_id}/group_memberships/{group_membership_id}': {
    like: '/api/v2/group_memberships/{group_membership_id}',
    source: 'OAS ShowGroupMembershipById path item (UserId path parameter)',
    methods: ['get', 'delete'],
  },
};

/**
 * Corrections to schemas whose own description (or the same field elsewhere in the file) says null is sent,
 * while the schema forgets `nullable`. Each names what in Zendesk's text justifies it.
 */
const CORRECTIONS: Array<{ schema: string; nullable: string[]; why: string }> = [
  {
    schema: 'DeletedUserObject',
    nullable: ['email', 'organization_id'],
    why: 'ListDeletedUsers: a permanently deleted user\'s "properties that normally contain personal data, such as email and phone, are null"; organization_id is nullable on UserForAdmin',
  },
  {
    schema: 'UserForAdmin',
    nullable: ['last_login_at', 'default_group_id'],
    why: 'last_login_at is "Last time the user signed in": a user who never signed in has none; end users belong to no group',
  },
  {
    schema: 'UserForEndUser',
    nullable: ['organization_id', 'phone', 'photo', 'shared_phone_number'],
    why: "the same fields are nullable on UserForAdmin, and the file's own user examples show organization_id: null",
  },
  {
    schema: 'TicketObject',
    nullable: ['assignee_id', 'group_id', 'external_id', 'priority', 'type'],
    why: 'a new ticket has no assignee, group, external id, priority or type until someone sets them',
  },
];

const PAGINATION = {
  cursor: ['page[size]', 'page[after]', 'page[before]'],
  offset: ['page', 'per_page'],
};

interface Loaded {
  doc: Doc;
  ajv: Ajv;
  templates: Array<{ template: string; pattern: RegExp; literal: number }>;
  compiled: Map<string, ValidateFunction | null>;
}

let loaded: Loaded | undefined;

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === 'example' || key === 'examples') continue;
    // OpenAPI 3.0.3: `nullable: true` adds null to the allowed values, an enum's included.
    if (key === 'enum' && (node as Json).nullable === true && Array.isArray(value) && !value.includes(null)) {
      out[key] = [...(value as unknown[]), null];
      continue;
    }
    out[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith('#/')
        ? `oas${value}`
        : rewriteRefs(value);
  }
  return out;
}

function load(): Loaded {
  if (loaded) return loaded;
  if (!existsSync(OAS_PATH))
    throw new Error(`Zendesk's OpenAPI description not found at ${OAS_PATH} (set ZENDESK_OAS_PATH)`);
  const doc = parseYaml(readFileSync(OAS_PATH, 'utf8')) as Doc;
  for (const [path, { like, methods = ['get'] }] of Object.entries(SUPPLEMENT)) {
    const template = doc.paths[like];
    if (!template || doc.paths[path]) continue;
    const item: PathItem = { parameters: [{ $ref: '#/components/parameters/UserId' }] };
    for (const p of template.parameters ?? [])
      if (!('$ref' in p && p.$ref.endsWith('/UserId'))) item.parameters!.push(p);
    for (const method of methods) item[method] = template[method];
    doc.paths[path] = item;
  }
  for (const { schema, nullable } of CORRECTIONS) {
    const properties = (doc.components.schemas[schema]?.properties ?? {}) as Record<string, Json>;
    for (const field of nullable)
      if (properties[field]) properties[field] = { ...properties[field], nullable: true };
  }
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  ajv.addFormat('datetime', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)$/);
  ajv.addFormat('url', /^https?:\/\/\S+$/);
  ajv.addSchema({ $id: 'oas', components: rewriteRefs(doc.components) } as Json);
  const templates = Object.keys(doc.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    literal: template.split('/').filter((p) => p && !p.startsWith('{')).length,
  }));
  // Literal segments win over templates: /users/search before /users/{user_id}.
  templates.sort((a, b) => b.literal - a.literal);
  loaded = { doc, ajv, templates, compiled: new Map() };
  return loaded;
}

/** The declared path template for a request path (without query), e.g. /api/v2/users/12.json -> /api/v2/users/{user_id}. */
export function pathTemplate(pathname: string): string | undefined {
  const path = pathname.replace(/\.json$/, '');
  return load().templates.find((t) => t.pattern.test(path))?.template;
}

function operation(method: string, pathname: string): { template?: string; op?: Operation; item?: PathItem } {
  const template = pathTemplate(pathname);
  if (!template) return {};
  const item = load().doc.paths[template]!;
  return { template, item, op: item[method.toLowerCase()] as Operation | undefined };
}

function formatError(e: ErrorObject): string {
  const params = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
  return `${e.instancePath || '(body)'} ${e.message ?? e.keyword}${params}`;
}

/**
 * Problems with a reply body, judged by the response schema declared for this path, method and status
 * ([] when it validates). A status the operation does not declare, or declares without a JSON schema, is a problem
 * of its own ("no schema ...") so that a test can say so rather than pass it silently.
 */
export function validateResponse(method: string, pathname: string, status: number, body: unknown): string[] {
  const { template, op } = operation(method, pathname);
  if (!template) return [`path not declared: ${pathname}`];
  if (!op) return [`method not declared: ${method} ${template}`];
  const key = `${method.toUpperCase()} ${template} ${status}`;
  const state = load();
  if (!state.compiled.has(key)) {
    const response = op.responses?.[String(status)] ?? op.responses?.[`${String(status)[0]}XX`];
    const schema = response?.content?.['application/json']?.schema;
    state.compiled.set(key, schema ? state.ajv.compile(rewriteRefs(schema) as Json) : null);
  }
  const validate = state.compiled.get(key);
  if (!validate) return [`no schema for ${status} in ${method.toUpperCase()} ${template}`];
  return validate(body) ? [] : (validate.errors ?? []).map(formatError);
}

/** Problems with a body judged by one named component schema, e.g. "Errors" ({errors: [{code, title}]}). */
export function validateSchema(name: string, body: unknown): string[] {
  const state = load();
  const key = `#${name}`;
  if (!state.compiled.has(key)) {
    const exists = name in state.doc.components.schemas;
    state.compiled.set(key, exists ? state.ajv.compile({ $ref: `oas#/components/schemas/${name}` }) : null);
  }
  const validate = state.compiled.get(key);
  if (!validate) return [`no component schema ${name}`];
  return validate(body) ? [] : (validate.errors ?? []).map(formatError);
}

function declaredParameters(item: PathItem, op: Operation): Parameter[] {
  const { components } = load().doc;
  return [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) =>
    '$ref' in p ? components.parameters[p.$ref.replace('#/components/parameters/', '')]! : p,
  );
}

/** Pagination parameters an operation takes, from its "Pagination" section or, for lists, the general rule (S2). */
function paginationParameters(op: Operation): string[] {
  const text = op.description ?? '';
  if (/offset pagination only/i.test(text)) return PAGINATION.offset;
  if (/cursor pagination/i.test(text) && !/offset pagination/i.test(text)) return PAGINATION.cursor;
  const ref = (op.responses?.['200']?.content?.['application/json']?.schema as { $ref?: string } | undefined)
    ?.$ref;
  const schema = ref ? load().doc.components.schemas[ref.replace('#/components/schemas/', '')] : undefined;
  const properties = Object.values((schema?.properties ?? {}) as Record<string, { type?: string }>);
  const isList = /pagination/i.test(text) || properties.some((p) => p.type === 'array');
  return isList ? [...PAGINATION.cursor, ...PAGINATION.offset] : [];
}

/**
 * Problems with a request: its path and method must be declared, and every query parameter name must be one the
 * operation declares (plus the pagination parameters of a paginated list).
 */
export function requestDeclared(method: string, pathname: string, query: URLSearchParams): string[] {
  const { template, op, item } = operation(method, pathname);
  if (!template || !item) return [`path not declared: ${pathname}`];
  if (!op) return [`method not declared: ${method.toUpperCase()} ${template}`];
  const declared = new Set([
    ...declaredParameters(item, op)
      .filter((p) => p.in === 'query')
      .map((p) => p.name),
    ...(method.toUpperCase() === 'GET' ? paginationParameters(op) : []),
  ]);
  const problems: string[] = [];
  for (const name of new Set(query.keys())) {
    if (!declared.has(name))
      problems.push(`query parameter not declared: ${name} on ${method.toUpperCase()} ${template}`);
  }
  return problems;
}

/** The requests of a sandbox's log, as much of them as a check needs. */
type Logged = Pick<LoggedRequest, 'method' | 'path' | 'query'>;

/** Every logged request the description does not declare, one line each; [] when a client sent only declared ones. */
export function undeclaredRequests(log: Logged[]): string[] {
  return log.flatMap((r) =>
    requestDeclared(r.method, r.path, new URLSearchParams(r.query)).map(
      (p) => `${r.method} ${r.path}?${r.query}: ${p}`,
    ),
  );
}

/** The kinds of call in a log, e.g. "GET /api/v2/users/{user_id}", so a test can show it saw every kind. */
export function callKinds(log: Logged[]): Set<string> {
  return new Set(log.map((r) => `${r.method} ${pathTemplate(r.path) ?? r.path}`));
}

/** What the description says of itself, for a test's report: the supplements and corrections applied. */
export const OAS_ADJUSTMENTS = { supplement: SUPPLEMENT, corrections: CORRECTIONS };
