// The Zendesk webhook endpoint's settings, from the environment: the webhook's signing secret
// (ZENDESK_WEBHOOK_SECRET, or ZENDESK_WEBHOOK_SECRET_FILE naming a file holding it; ZENDESK_WEBHOOK_PREVIOUS_SECRET
// during a rotation) and the timestamp window (ZENDESK_WEBHOOK_WINDOW_SECONDS, default 300). Unset: no endpoint.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, envInteger, parseConfig, type Env } from '@zendesk-lifecycle/core';

const schema = z.object({
  ZENDESK_WEBHOOK_SECRET: z.string().optional(),
  ZENDESK_WEBHOOK_SECRET_FILE: z.string().optional(),
  ZENDESK_WEBHOOK_PREVIOUS_SECRET: z.string().optional(),
  ZENDESK_WEBHOOK_WINDOW_SECONDS: envInteger(300, 1, 3600),
});

export interface ZendeskWebhookSettings {
  /** The signing secret(s); never logged. */
  secrets: string[];
  windowSeconds: number;
}

/** The endpoint's settings, or null when no secret is configured (the endpoint is then not served). */
export function zendeskWebhookSettingsFromEnv(env: Env): ZendeskWebhookSettings | null {
  const own = parseConfig(schema, env);
  let secret = own.ZENDESK_WEBHOOK_SECRET || undefined;
  if (!secret && own.ZENDESK_WEBHOOK_SECRET_FILE) {
    try {
      secret = readFileSync(own.ZENDESK_WEBHOOK_SECRET_FILE, 'utf8').trim();
    } catch (error) {
      throw new ConfigError([
        `ZENDESK_WEBHOOK_SECRET_FILE: cannot read ${own.ZENDESK_WEBHOOK_SECRET_FILE} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      ]);
    }
    if (!secret) throw new ConfigError(['ZENDESK_WEBHOOK_SECRET_FILE: the file is empty']);
  }
  if (!secret) return null;
  const previous = own.ZENDESK_WEBHOOK_PREVIOUS_SECRET || undefined;
  return {
    secrets: previous ? [secret, previous] : [secret],
    windowSeconds: own.ZENDESK_WEBHOOK_WINDOW_SECONDS,
  };
}
