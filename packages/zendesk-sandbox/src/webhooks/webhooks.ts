// The account's webhooks (Zendesk's Webhooks API: developer.zendesk.com/api-reference/webhooks/webhooks-api/;
// Zendesk's OpenAPI description of the Support API does not declare these paths) and their delivery: every user
// change the sandbox makes, whoever makes it, becomes the user events of user-events.ts, sent to each active webhook
// subscribed to that event type, one webhook's deliveries in order (the sandbox's choice, for reproducible tests;
// Zendesk promises no order). Webhooks outlive reset(): they are the account's configuration, like OAuth clients.
import { randomBytes } from 'node:crypto';
import type { SandboxState } from '../state.js';
import { deliver, newInvocation, type DeliveryOptions, type Invocation, type Target } from './delivery.js';
import { SANDBOX_ACCOUNT_ID, UserEventWatcher, type ZendeskUserEventEnvelope } from './user-events.js';

/** How the sandbox's webhooks deliver (timeouts, the retry waits' time scale) and watch for changes. */
export interface WebhookOptions extends DeliveryOptions {
  /** How often the account is swept for changes made outside a request (bulk jobs, direct edits; default 100 ms). */
  sweepMs?: number;
}

/** A webhook of the sandbox account, as its Webhooks API shows it. */
export interface Webhook {
  id: string;
  name: string;
  description: string | null;
  status: 'active' | 'inactive';
  endpoint: string;
  http_method: string;
  request_format: string;
  subscriptions: string[];
  authentication?: { type: string; add_position: string };
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

/** A refusal in the Webhooks API's error format ({ errors: [{ code, title, detail, source }] }). */
export class WebhookInputError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly field?: string,
  ) {
    super(detail);
  }
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const FORMATS = ['json', 'xml', 'form_encoded'];
const CONDITIONAL = 'conditional_ticket_events';
const EVENT_TYPE = /^zen:event-type:[a-z_]+\.[a-z_]+$/;

/** Crockford base32, as Zendesk's webhook ids (ULIDs: 01F1KRFQ6BG29CNWFR60NK5FNY). */
function ulid(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let time = Date.now();
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = alphabet[time % 32]! + head;
    time = Math.floor(time / 32);
  }
  const tail = [...randomBytes(16)].map((b) => alphabet[b % 32]).join('');
  return head + tail;
}

const newSecret = () => randomBytes(32).toString('base64url');

/** The sandbox's webhooks: Zendesk's Webhooks API state and the signed delivery of user events to them. */
export class WebhookService {
  readonly webhooks = new Map<string, Webhook>();
  /** Every invocation, oldest first. */
  readonly invocations: Invocation[] = [];
  private readonly secrets = new Map<string, string>();
  private readonly authorizations = new Map<string, string | null>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();
  private readonly timers = new Map<NodeJS.Timeout, (goOn: boolean) => void>();
  private watcher: UserEventWatcher | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly state: () => SandboxState,
    private readonly options: WebhookOptions = {},
  ) {}

  list(): Webhook[] {
    return [...this.webhooks.values()];
  }

  get(id: string): Webhook {
    const webhook = this.webhooks.get(id);
    if (!webhook) throw new WebhookInputError(404, 'WebhookNotFound', `No webhook with id ${id}`);
    return webhook;
  }

  secret(id: string): string {
    this.get(id);
    return this.secrets.get(id)!;
  }

  resetSecret(id: string): string {
    this.get(id);
    const secret = newSecret();
    this.secrets.set(id, secret);
    return secret;
  }

  create(input: unknown, userId: number): Webhook {
    const spec = validate(input);
    const at = new Date().toISOString();
    const webhook: Webhook = {
      id: ulid(),
      ...spec.webhook,
      created_at: at,
      created_by: String(userId),
      updated_at: at,
      updated_by: String(userId),
    };
    this.webhooks.set(webhook.id, webhook);
    this.secrets.set(webhook.id, spec.secret ?? newSecret());
    this.authorizations.set(webhook.id, spec.authorization);
    this.changed();
    return webhook;
  }

  /** PUT replaces the webhook's settings; PATCH (`merge`) changes only those given. */
  update(id: string, input: unknown, userId: number, merge = false): void {
    const current = this.get(id);
    const given = (input as { webhook?: Record<string, unknown> } | null)?.webhook;
    const { authentication: _shown, ...base } = current;
    const whole = merge ? { webhook: { ...base, ...given } } : input;
    const authGiven = !merge || (!!given && 'authentication' in given);
    const spec = validate(whole);
    const wasEvents = !current.subscriptions.includes(CONDITIONAL);
    const isEvents = !spec.webhook.subscriptions.includes(CONDITIONAL);
    if (wasEvents !== isEvents)
      throw new WebhookInputError(
        400,
        'InvalidValue',
        "A webhook's connection method (event subscriptions or triggers) cannot change",
        'subscriptions',
      );
    Object.assign(current, spec.webhook, {
      updated_at: new Date().toISOString(),
      updated_by: String(userId),
    });
    if (authGiven) {
      if (!spec.webhook.authentication) delete current.authentication;
      this.authorizations.set(id, spec.authorization);
    } else if (_shown) current.authentication = _shown;
    if (spec.secret) this.secrets.set(id, spec.secret);
    this.changed();
  }

  delete(id: string): void {
    this.get(id);
    this.webhooks.delete(id);
    this.secrets.delete(id);
    this.authorizations.delete(id);
    this.changed();
  }

  /** Looks for user changes now and sends their events to the subscribed webhooks. */
  sweep(): void {
    if (this.stopped || !this.hasSubscribers()) return;
    const state = this.state();
    if (!this.watcher?.watches(state)) {
      // A new account (reset) or the first subscriber: what is there now is the baseline, not a change.
      this.watcher = new UserEventWatcher(state);
      return;
    }
    for (const event of this.watcher.sweep()) this.dispatch(event);
  }

  /** Sweeps, then waits until every delivery (retries included) is finished. */
  async flush(): Promise<void> {
    this.sweep();
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  stop(): void {
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    // A delivery waiting to retry gives up now.
    for (const [timer, wake] of this.timers) {
      clearTimeout(timer);
      wake(false);
    }
    this.timers.clear();
  }

  private hasSubscribers(): boolean {
    for (const w of this.webhooks.values())
      if (w.status === 'active' && w.subscriptions.some((s) => s !== CONDITIONAL)) return true;
    return false;
  }

  /** Starts (or stops) the periodic sweep and takes a baseline when the first subscriber appears. */
  private changed(): void {
    if (this.hasSubscribers()) {
      if (!this.watcher?.watches(this.state())) this.watcher = new UserEventWatcher(this.state());
      if (!this.ticker && !this.stopped) {
        this.ticker = setInterval(() => this.sweep(), this.options.sweepMs ?? 100);
        this.ticker.unref();
      }
    } else {
      if (this.ticker) clearInterval(this.ticker);
      this.ticker = undefined;
      this.watcher = undefined;
    }
  }

  private dispatch(event: ZendeskUserEventEnvelope): void {
    const body = JSON.stringify(event);
    for (const webhook of this.webhooks.values()) {
      if (webhook.status !== 'active' || !webhook.subscriptions.includes(event.type)) continue;
      const target: Target = {
        id: webhook.id,
        endpoint: webhook.endpoint,
        secret: this.secrets.get(webhook.id)!,
        authorization: this.authorizations.get(webhook.id) ?? null,
      };
      const invocation = newInvocation(webhook.id, event);
      this.invocations.push(invocation);
      if (this.invocations.length > 10_000) this.invocations.splice(0, this.invocations.length - 10_000);
      const previous = this.queues.get(webhook.id) ?? Promise.resolve();
      const run = previous.then(() =>
        deliver(target, body, invocation, SANDBOX_ACCOUNT_ID, this.options, (ms) => this.sleep(ms)),
      );
      const settled = run.catch(() => undefined);
      this.queues.set(webhook.id, settled);
      this.pending.add(settled);
      void settled.then(() => this.pending.delete(settled));
    }
  }

  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve(false);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve(!this.stopped);
      }, ms);
      this.timers.set(timer, resolve);
    });
  }
}

interface Spec {
  webhook: Omit<Webhook, 'id' | 'created_at' | 'created_by' | 'updated_at' | 'updated_by'>;
  secret: string | undefined;
  authorization: string | null;
}

/** Checks a create or update body as the Webhooks API documents its parameters. */
function validate(input: unknown): Spec {
  const raw = (input as { webhook?: unknown } | null)?.webhook;
  if (!raw || typeof raw !== 'object')
    throw new WebhookInputError(400, 'InvalidInput', 'The body needs a webhook object', 'webhook');
  const w = raw as Record<string, unknown>;
  const need = (field: string, ok: boolean, detail: string) => {
    if (!ok) throw new WebhookInputError(400, 'InvalidValue', detail, field);
  };
  need('name', typeof w.name === 'string' && w.name.trim() !== '', 'name is required');
  need('status', w.status === 'active' || w.status === 'inactive', 'status must be active or inactive');
  let endpointOk = false;
  try {
    endpointOk = ['http:', 'https:'].includes(new URL(String(w.endpoint)).protocol);
  } catch {
    endpointOk = false;
  }
  need('endpoint', typeof w.endpoint === 'string' && endpointOk, 'endpoint must be an http(s) URL');
  need(
    'http_method',
    METHODS.includes(String(w.http_method)),
    `http_method must be one of ${METHODS.join(', ')}`,
  );
  need(
    'request_format',
    FORMATS.includes(String(w.request_format)),
    `request_format must be one of ${FORMATS.join(', ')}`,
  );
  const subs = w.subscriptions;
  need(
    'subscriptions',
    Array.isArray(subs) && subs.length > 0 && subs.every((s) => typeof s === 'string'),
    'subscriptions must be a non-empty list of event types',
  );
  const subscriptions = [...new Set(subs as string[])];
  if (subscriptions.includes(CONDITIONAL))
    need(
      'subscriptions',
      subscriptions.length === 1,
      `${CONDITIONAL} cannot be combined with event subscriptions`,
    );
  else {
    const unknown = subscriptions.find((s) => !EVENT_TYPE.test(s));
    need('subscriptions', unknown === undefined, `${unknown} is not an event type`);
    need(
      'http_method',
      w.http_method === 'POST' && w.request_format === 'json',
      'a webhook subscribed to Zendesk events must use POST and json',
    );
  }
  let secret: string | undefined;
  if (w.signing_secret !== undefined) {
    const s = w.signing_secret as { algorithm?: unknown; secret?: unknown } | null;
    need(
      'signing_secret',
      !!s &&
        typeof s.secret === 'string' &&
        s.secret.length >= 16 &&
        String(s.algorithm).toUpperCase() === 'SHA256',
      'signing_secret needs algorithm SHA256 and a secret of 16 characters or more',
    );
    secret = (s as { secret: string }).secret;
  }
  let authorization: string | null = null;
  let authentication: Webhook['authentication'];
  if (w.authentication !== undefined && w.authentication !== null) {
    const a = w.authentication as { type?: unknown; data?: Record<string, unknown>; add_position?: unknown };
    if (a.type === 'bearer_token' && typeof a.data?.token === 'string')
      authorization = `Bearer ${a.data.token}`;
    else if (a.type === 'basic_auth' && typeof a.data?.username === 'string')
      authorization = `Basic ${Buffer.from(`${a.data.username}:${String(a.data.password ?? '')}`).toString('base64')}`;
    else need('authentication', false, 'authentication takes bearer_token or basic_auth with its data');
    authentication = { type: String(a.type), add_position: String(a.add_position ?? 'header') };
  }
  return {
    webhook: {
      name: String(w.name),
      description: typeof w.description === 'string' ? w.description : null,
      status: w.status as Webhook['status'],
      endpoint: String(w.endpoint),
      http_method: String(w.http_method),
      request_format: String(w.request_format),
      subscriptions,
      ...(authentication ? { authentication } : {}),
    },
    secret,
    authorization,
  };
}
