// `npm run producer -- zendesk-webhook install --url https://... [--secret-file F] [--name N]` and `... status`.
import { parseArgs } from 'node:util';
import { createZendeskClient, zendeskConfigFromEnv } from '@zendesk-lifecycle/zendesk-client';
import { formatStatus, installWebhook, webhookStatus } from './install.js';

export const ZENDESK_WEBHOOK_USAGE = `  zendesk-webhook install --url https://HOST[/zendesk/webhook] [--secret-file F] [--name N]
  zendesk-webhook status [--name N]`;

export async function zendeskWebhookCommand(
  args: string[],
  out: (text: string) => void = (t) => void process.stdout.write(`${t}\n`),
): Promise<void> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { url: { type: 'string' }, 'secret-file': { type: 'string' }, name: { type: 'string' } },
  });
  if (sub !== 'install' && sub !== 'status')
    throw new TypeError(`zendesk-webhook takes install or status:\n${ZENDESK_WEBHOOK_USAGE}`);
  if (sub === 'install' && !values.url)
    throw new TypeError('zendesk-webhook install needs --url https://...');
  const zendesk = createZendeskClient(zendeskConfigFromEnv(process.env));
  for (const warning of zendesk.authWarnings()) process.stderr.write(`warning: ${warning}\n`);
  await zendesk.verifyAuth();
  if (sub === 'status') return out(formatStatus(await webhookStatus(zendesk, values.name), values.name));
  const result = await installWebhook(zendesk, {
    url: values.url!,
    ...(values.name ? { name: values.name } : {}),
    ...(values['secret-file'] ? { secretFile: values['secret-file'] } : {}),
  });
  out(`${result.action} webhook ${result.webhook.name} (${result.webhook.id}) -> ${result.webhook.endpoint}`);
  out(`subscribed to ${result.webhook.subscriptions.length} user event types`);
  const secretFile = values['secret-file'];
  out(
    result.secret === 'set_from_file'
      ? `signing secret set from ${secretFile}`
      : result.secret === 'written_to_file'
        ? `signing secret written to ${secretFile} (mode 0600); give it to the ingestion service as ZENDESK_WEBHOOK_SECRET_FILE`
        : 'signing secret kept in Zendesk: pass --secret-file F to write it to a file for ZENDESK_WEBHOOK_SECRET_FILE',
  );
  if (result.duplicates.length > 0)
    out(`warning: other webhooks with the same name were left alone: ${result.duplicates.join(', ')}`);
}
