// `zendesk-webhook install | status`: the Zendesk webhook that sends Zendesk's user events to our ingestion
// endpoint, created or brought up to date through Zendesk's Webhooks API, and its state. Nothing secret is printed
// or logged: the signing secret is read from, or written to (mode 0600), the file --secret-file names.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { WebhookInvocation, WebhookRecord, ZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import { ZENDESK_WEBHOOK_PATH } from '../ingest/zendesk-webhook/route.js';

/** The webhook's name (how install finds it again). */
export const DEFAULT_WEBHOOK_NAME = 'zendesk-lifecycle user events';

/** The user events the lifecycle listens to (Webhooks > Event types > User events). */
export const USER_EVENT_SUBSCRIPTIONS = [
  'zen:event-type:user.created',
  'zen:event-type:user.role_changed',
  'zen:event-type:user.custom_role_changed',
  'zen:event-type:user.active_changed',
  'zen:event-type:user.suspended_changed',
  'zen:event-type:user.group_membership_created',
  'zen:event-type:user.group_membership_deleted',
];

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The endpoint URL: https (http only on loopback); a bare origin gets the endpoint's path. */
export function endpointUrl(given: string): string {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new TypeError(`--url: ${given} is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    throw new TypeError('--url must be https (http only on a loopback host)');
  if (url.username || url.password) throw new TypeError('--url must not carry credentials');
  if (url.pathname === '/' || url.pathname === '') url.pathname = ZENDESK_WEBHOOK_PATH;
  return url.toString();
}

export interface InstallOptions {
  url: string;
  name?: string;
  /** A file with the signing secret to set, or (when it does not exist) where to write Zendesk's. */
  secretFile?: string;
}

export interface InstallResult {
  action: 'created' | 'updated';
  webhook: WebhookRecord;
  /** What happened to the secret (no secret in it). */
  secret: 'set_from_file' | 'written_to_file' | 'kept_in_zendesk';
  /** Other webhooks with the same name, left alone. */
  duplicates: string[];
}

export async function installWebhook(
  zendesk: ZendeskClient,
  options: InstallOptions,
): Promise<InstallResult> {
  const name = options.name ?? DEFAULT_WEBHOOK_NAME;
  const endpoint = endpointUrl(options.url);
  let ownSecret: string | undefined;
  if (options.secretFile && existsSync(options.secretFile)) {
    ownSecret = readFileSync(options.secretFile, 'utf8').trim();
    if (ownSecret.length < 16)
      throw new TypeError(`--secret-file: ${options.secretFile} holds no secret of 16 characters or more`);
  }
  const spec = {
    name,
    description: 'Zendesk user events for zendesk-lifecycle (confirmation and drift)',
    status: 'active' as const,
    endpoint,
    subscriptions: USER_EVENT_SUBSCRIPTIONS,
    ...(ownSecret ? { signingSecret: ownSecret } : {}),
  };
  const same = (await zendesk.webhooks.list(name)).filter((w) => w.name === name);
  let webhook: WebhookRecord;
  let action: InstallResult['action'];
  if (same[0]) {
    await zendesk.webhooks.update(same[0].id, spec);
    webhook = (await zendesk.webhooks.get(same[0].id)) ?? { ...same[0], ...spec };
    action = 'updated';
  } else {
    webhook = await zendesk.webhooks.create(spec);
    action = 'created';
  }
  let secret: InstallResult['secret'] = ownSecret ? 'set_from_file' : 'kept_in_zendesk';
  if (options.secretFile && !ownSecret) {
    writeFileSync(options.secretFile, `${await zendesk.webhooks.signingSecret(webhook.id)}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    secret = 'written_to_file';
  }
  return { action, webhook, secret, duplicates: same.slice(1).map((w) => w.id) };
}

export interface WebhookStatus {
  webhook: WebhookRecord | null;
  /** Our subscriptions the webhook lacks. */
  missing: string[];
  lastInvocation: WebhookInvocation | null;
}

export async function webhookStatus(
  zendesk: ZendeskClient,
  name = DEFAULT_WEBHOOK_NAME,
): Promise<WebhookStatus> {
  const [webhook] = (await zendesk.webhooks.list(name)).filter((w) => w.name === name);
  if (!webhook) return { webhook: null, missing: USER_EVENT_SUBSCRIPTIONS, lastInvocation: null };
  const [lastInvocation] = await zendesk.webhooks.invocations(webhook.id, 1).catch(() => []);
  return {
    webhook,
    missing: USER_EVENT_SUBSCRIPTIONS.filter((s) => !webhook.subscriptions.includes(s)),
    lastInvocation: lastInvocation ?? null,
  };
}

/** The status as the operator reads it. */
export function formatStatus(status: WebhookStatus, name = DEFAULT_WEBHOOK_NAME): string {
  const { webhook, lastInvocation } = status;
  if (!webhook) return `no webhook named "${name}": run zendesk-webhook install --url https://...`;
  const last = lastInvocation
    ? `${lastInvocation.created_at} ${lastInvocation.status}` +
      (lastInvocation.latest_completion_status != null ? ` (${lastInvocation.latest_completion_status})` : '')
    : 'none yet';
  return [
    `webhook        ${webhook.name} (${webhook.id})`,
    `status         ${webhook.status}`,
    `endpoint       ${webhook.endpoint}`,
    `subscriptions  ${webhook.subscriptions.join(', ')}`,
    ...(status.missing.length > 0 ? [`missing        ${status.missing.join(', ')} (run install again)`] : []),
    `last delivery  ${last}`,
  ].join('\n');
}
