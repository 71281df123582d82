// The audit-report command's wiring: the Zendesk account holding the audit tickets (ITSM_ZENDESK_* when set,
// else ZENDESK_*), signed in once, and the Kafka cluster of the results topic. Output to --out, else stdout.
import { createKafka, kafkaSettingsFromEnv } from '@zendesk-lifecycle/service-runtime';
import { createZendeskClient, zendeskConfigFromEnv } from '@zendesk-lifecycle/zendesk-client';
import { progress } from '../output/progress.js';
import { parseAuditReportArgs, runAuditReport } from './command.js';

export { AUDIT_REPORT_USAGE } from './command.js';

export async function auditReportCommand(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const parsed = parseAuditReportArgs(args, env);
  const itsm = Object.keys(env).some((k) => k.startsWith('ITSM_ZENDESK_') && env[k]?.trim());
  const zendesk = createZendeskClient(zendeskConfigFromEnv(env, itsm ? 'ITSM_ZENDESK_' : 'ZENDESK_'));
  for (const warning of zendesk.authWarnings()) process.stderr.write(`warning: ${warning}\n`);
  // The report only reads: a read-only OAuth client (ZENDESK_OAUTH_SCOPES=read) is enough.
  await zendesk.verifyAuth(['read']);
  const settings = kafkaSettingsFromEnv(env);
  const bars = { 'audit tickets': progress('audit tickets'), 'result records': progress('result records') };
  const counts = { 'audit tickets': 0, 'result records': 0 };
  const { text, path } = await runAuditReport({
    args: parsed,
    zendesk,
    kafka: createKafka(settings),
    resultsTopic: settings.topics.results,
    progress: (line) => process.stderr.write(`${line}\n`),
    onCount: (what, count) => {
      counts[what] = count;
      bars[what].tick(count);
    },
    onCollected: () => {
      bars['audit tickets'].done(counts['audit tickets']);
      bars['result records'].done(counts['result records']);
    },
  });
  if (path === null) process.stdout.write(text);
}
