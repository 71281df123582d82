// Zendesk's Webhooks API (developer.zendesk.com/api-reference/webhooks/webhooks-api/webhooks/; these paths are not
// in Zendesk's OpenAPI description of the Support API, so they are sent as that reference writes them, without
// `.json`): list, show, create, update (PUT), delete, the signing secret (show, reset) and invocations.
// Typed records; the signing secret is returned to the caller only, never logged.
import type { ZendeskApi } from '../api/zendesk-api.js';
import { NotFound } from '../errors.js';

/** A webhook as Zendesk describes it (id, name, endpoint, status, subscriptions). */
export interface WebhookRecord {
  id: string;
  name: string;
  description?: string | null;
  status: 'active' | 'inactive';
  endpoint: string;
  http_method: string;
  request_format: string;
  subscriptions: string[];
  created_at?: string;
  updated_at?: string;
  [key: string]: unknown;
}

/** What a webhook is created or updated with. */
export interface WebhookSpec {
  name: string;
  description?: string;
  status: 'active' | 'inactive';
  endpoint: string;
  subscriptions: string[];
  /** A signing secret of ours (SHA256); otherwise Zendesk generates one. */
  signingSecret?: string;
}

/** One delivery of a webhook as Zendesk reports it (status, time, attempts). */
export interface WebhookInvocation {
  id: string;
  created_at: string;
  status: string;
  latest_completion_status?: number | string | null;
  latest_completion_date?: string | null;
  [key: string]: unknown;
}

interface WebhookPage {
  webhooks?: WebhookRecord[];
  meta?: { has_more?: boolean; after_cursor?: string | null };
}

function body(spec: WebhookSpec): Record<string, unknown> {
  return {
    webhook: {
      name: spec.name,
      ...(spec.description !== undefined ? { description: spec.description } : {}),
      status: spec.status,
      endpoint: spec.endpoint,
      // Event subscriptions need POST and JSON (Creating and monitoring webhooks).
      http_method: 'POST',
      request_format: 'json',
      subscriptions: spec.subscriptions,
      ...(spec.signingSecret ? { signing_secret: { algorithm: 'SHA256', secret: spec.signingSecret } } : {}),
    },
  };
}

/** Zendesk's Webhooks API: create, read, update and delete webhooks, their signing secret and invocations. */
export class ZendeskWebhooks {
  constructor(private readonly api: ZendeskApi) {}

  /** Webhooks whose name contains `nameContains` (all of them without it). */
  async list(nameContains?: string): Promise<WebhookRecord[]> {
    const query = nameContains ? `?${new URLSearchParams({ 'filter[name_contains]': nameContains })}` : '';
    const all: WebhookRecord[] = [];
    let next: string | null = `webhooks${query}`;
    while (next) {
      const answer: { body: WebhookPage } = await this.api.call<WebhookPage>('GET', next);
      const page = answer.body;
      all.push(...(page.webhooks ?? []));
      const after: string | null | undefined = page.meta?.has_more ? page.meta.after_cursor : null;
      next = after
        ? `webhooks?${new URLSearchParams({ ...(nameContains ? { 'filter[name_contains]': nameContains } : {}), 'page[after]': after })}`
        : null;
    }
    return all;
  }

  /** The webhook, or null when Zendesk has none by that id. */
  async get(id: string): Promise<WebhookRecord | null> {
    try {
      return (await this.api.call<{ webhook: WebhookRecord }>('GET', `webhooks/${encodeURIComponent(id)}`))
        .body.webhook;
    } catch (error) {
      if (error instanceof NotFound) return null;
      throw error;
    }
  }

  async create(spec: WebhookSpec): Promise<WebhookRecord> {
    return (await this.api.call<{ webhook: WebhookRecord }>('POST', 'webhooks', body(spec))).body.webhook;
  }

  /** Replaces the webhook's settings (PUT; Zendesk answers 204). */
  async update(id: string, spec: WebhookSpec): Promise<void> {
    await this.api.call('PUT', `webhooks/${encodeURIComponent(id)}`, body(spec));
  }

  async delete(id: string): Promise<void> {
    await this.api.call('DELETE', `webhooks/${encodeURIComponent(id)}`);
  }

  /** The webhook's signing secret (keep it out of logs). */
  async signingSecret(id: string): Promise<string> {
    const { body: res } = await this.api.call<{ signing_secret: { secret: string } }>(
      'GET',
      `webhooks/${encodeURIComponent(id)}/signing_secret`,
    );
    return res.signing_secret.secret;
  }

  /** Replaces the signing secret with a new one Zendesk generates; returns it. */
  async resetSigningSecret(id: string): Promise<string> {
    const { body: res } = await this.api.call<{ signing_secret: { secret: string } }>(
      'POST',
      `webhooks/${encodeURIComponent(id)}/signing_secret`,
    );
    return res.signing_secret.secret;
  }

  /** The webhook's most recent invocations, newest first. */
  async invocations(id: string, size = 10): Promise<WebhookInvocation[]> {
    const { body: res } = await this.api.call<{ invocations?: WebhookInvocation[] }>(
      'GET',
      `webhooks/${encodeURIComponent(id)}/invocations?${new URLSearchParams({ 'page[size]': String(size) })}`,
    );
    return res.invocations ?? [];
  }
}
