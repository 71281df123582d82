// `npm run producer -- audit-report --from YYYY-MM-DD --to YYYY-MM-DD [--format html|csv|json] [--out file]
// [--target-hours N]`: the evidence an auditor reads, from the audit tickets in Zendesk and the results topic.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Kafka } from 'kafkajs';
import { renderCsv } from './csv.js';
import { collectAuditTrail, type TicketExporter } from './collect.js';
import { renderHtml } from './html.js';
import { buildAuditReport, periodBounds, type AuditReport } from './model.js';

export const AUDIT_REPORT_USAGE =
  'audit-report --from YYYY-MM-DD --to YYYY-MM-DD [--format html|csv|json] [--out FILE] [--target-hours 24]';

const FORMATS = ['html', 'csv', 'json'] as const;
export type ReportFormat = (typeof FORMATS)[number];

export interface AuditReportArgs {
  from: string;
  to: string;
  format: ReportFormat;
  out: string | null;
  targetHours: number;
}

/** The command's flags; throws RangeError with a sentence for a person when one is wrong. */
export function parseAuditReportArgs(args: string[], env: NodeJS.ProcessEnv = {}): AuditReportArgs {
  const { values } = parseArgs({
    args,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      'target-hours': { type: 'string' },
    },
  });
  if (!values.from || !values.to) throw new RangeError(`name the period: ${AUDIT_REPORT_USAGE}`);
  periodBounds(values.from, values.to);
  const format = (values.format ??
    values.out?.match(/\.(html|csv|json)$/i)?.[1]?.toLowerCase() ??
    'html') as ReportFormat;
  if (!FORMATS.includes(format)) throw new RangeError(`--format takes ${FORMATS.join(', ')}`);
  const hours = values['target-hours'] ?? env.AUDIT_REPORT_TARGET_HOURS ?? '24';
  const targetHours = Number(hours);
  if (!Number.isFinite(targetHours) || targetHours <= 0)
    throw new RangeError('--target-hours (AUDIT_REPORT_TARGET_HOURS) takes a number of hours above 0');
  return { from: values.from, to: values.to, format, out: values.out ?? null, targetHours };
}

export function renderReport(report: AuditReport, format: ReportFormat): string {
  if (format === 'csv') return renderCsv(report);
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return renderHtml(report);
}

export interface AuditReportRun {
  args: AuditReportArgs;
  zendesk: TicketExporter & { config: { origin: string }; serviceUser(): Promise<{ id: number }> };
  kafka: Kafka;
  resultsTopic: string;
  now?: Date;
  /** Progress lines (stderr in the CLI). */
  progress?: (line: string) => void;
  /** Counts while reading (a redrawn progress line in the CLI); by default every page is a progress line. */
  onCount?: (what: 'audit tickets' | 'result records', count: number) => void;
  /** Called once everything is read, before the report is built. */
  onCollected?: () => void;
}

/** Collects, builds and writes the report; returns it with where it went (null: the caller prints it). */
export async function runAuditReport(
  run: AuditReportRun,
): Promise<{ report: AuditReport; text: string; path: string | null }> {
  const say = run.progress ?? (() => undefined);
  const { args } = run;
  say(`reading audit tickets created ${args.from} to ${args.to} from ${run.zendesk.config.origin}...`);
  const service = await run.zendesk.serviceUser();
  const trail = await collectAuditTrail({
    zendesk: run.zendesk,
    kafka: run.kafka,
    resultsTopic: run.resultsTopic,
    from: args.from,
    to: args.to,
    onProgress: run.onCount ?? ((what, count) => say(`${what}: ${count}`)),
  });
  run.onCollected?.();
  if (trail.unreadable > 0)
    say(`${trail.unreadable} record(s) on ${run.resultsTopic} were not result events (left out)`);
  const origin = run.zendesk.config.origin.replace(/\/+$/, '');
  const report = buildAuditReport(trail.tickets, trail.results, {
    from: args.from,
    to: args.to,
    targetHours: args.targetHours,
    now: run.now ?? new Date(),
    ticketUrl: (id) => `${origin}/agent/tickets/${id}`,
    serviceUserId: service.id,
    sources: { zendesk: origin, topic: run.resultsTopic },
  });
  const text = renderReport(report, args.format);
  if (args.out) writeFileSync(args.out, text);
  say(
    `${report.summary.events} event(s), ${report.summary.over_target.length} over the ${args.targetHours} h target, ` +
      `${report.summary.needs_attention} needing attention${args.out ? `: written to ${args.out}` : ''}`,
  );
  return { report, text, path: args.out };
}
