// The audit report as CSV, one row per person and event: RFC 4180 (every field quoted, quotes doubled, CRLF line
// ends, a header row), ISO 8601 times, durations in seconds. Text that came from events (names, reasons, error
// messages) cannot become a spreadsheet formula: a cell starting with = + - @ tab or CR gets a leading apostrophe
// (OWASP's advice for CSV injection).
import { type AuditReport, type ReportEvent } from './model.js';

const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 field: quoted, inner quotes doubled, a would-be formula defused with a leading apostrophe. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

const seconds = (ms: number | null): number | null => (ms === null ? null : Math.round(ms / 1000));

const COLUMNS: Array<[string, (e: ReportEvent) => string | number | boolean | null]> = [
  ['event_id', (e) => e.event_id],
  ['event_source', (e) => e.source],
  ['event_type', (e) => e.type],
  ['workflow', (e) => e.workflow],
  ['workflow_variant', (e) => e.variant],
  ['dry_run', (e) => e.dry_run],
  ['status', (e) => e.status],
  ['zendesk_user_id', (e) => e.person.zendesk_user_id],
  ['person_name', (e) => e.person.name],
  ['person_email', (e) => e.person.email],
  ['principal', (e) => e.asked_by.principal],
  ['principal_type', (e) => e.asked_by.principal_type],
  ['requested_by', (e) => e.asked_by.requester],
  ['reason', (e) => e.reason],
  ['happened_at', (e) => e.happened_at],
  ['effective_at', (e) => e.effective_at],
  ['access_removed_at', (e) => e.access_removed_at],
  ['event_to_removal_seconds', (e) => seconds(e.event_to_removal_ms)],
  ['effective_to_removal_seconds', (e) => seconds(e.effective_to_removal_ms)],
  ['over_target', (e) => e.over_target],
  [
    'steps',
    (e) =>
      e.steps
        .map((s) =>
          `${s.index === null ? '' : `${s.index + 1}. `}${s.action} ${s.outcome} ${s.finished_at ?? ''}`.trim(),
        )
        .join('; '),
  ],
  ['audit_tickets', (e) => e.tickets.map((t) => t.url).join(' ')],
  ['needs_attention', (e) => e.attention.join('; ')],
];

/** The report's events as CSV text (CRLF line ends, a header row, a final CRLF). */
export function renderCsv(report: AuditReport): string {
  const lines = [COLUMNS.map(([name]) => csvCell(name)).join(',')];
  for (const e of report.events) lines.push(COLUMNS.map(([, get]) => csvCell(get(e))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** The column names, in order (for readers and tests). */
export const CSV_COLUMNS: readonly string[] = COLUMNS.map(([name]) => name);
