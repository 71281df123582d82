// The audit report as one self-contained HTML file for people who have never seen the system: plain words, the
// summary first, an inline SVG chart of the time to removal against the target, the counts, the events over the
// target, and a sortable table of every event. Nothing is fetched when it is opened (inline CSS and script, a
// Content-Security-Policy that forbids loading anything); every value from events is HTML-escaped.
import { humanDuration, personLabel, type AuditReport, type ReportEvent } from './model.js';

const HOUR_MS = 3_600_000;

export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const STATUS_WORDS: Record<string, string> = {
  completed: 'done',
  refused: 'refused',
  failed: 'failed',
  waiting: 'waiting (not due yet)',
  in_progress: 'started, no outcome yet',
  cancelled: 'called off',
  planned: 'dry run (nothing changed)',
  no_result: 'no result recorded yet',
};

const OUTCOME_WORDS: Record<string, string> = {
  succeeded: 'done',
  already_done: 'already so',
  refused: 'refused',
  failed: 'failed',
  planned: 'planned only',
  cancelled: 'called off',
  in_progress: 'started',
};

/** "2026-10-03 14:05 UTC": readable, and still exact to the minute (the title holds the full ISO time). */
function when(iso: string | null): string {
  if (iso === null) return '<span class="none">not recorded</span>';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return escapeHtml(iso);
  const text = `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<time datetime="${escapeHtml(d.toISOString())}" title="${escapeHtml(d.toISOString())}">${text}</time>`;
}

/** Our identifiers in plain words: access_review -> access review. */
const words = (id: string): string => id.replace(/_/g, ' ');

const sortKey = (iso: string | null): string => (iso === null ? '' : String(Date.parse(iso)));

/** Buckets of the chart, in hours: the last one is open-ended. */
function buckets(targetHours: number): Array<{ label: string; from: number; to: number }> {
  const edges = [...new Set([0, 1, 4, 8, targetHours, targetHours * 2].filter((h) => h >= 0))].sort(
    (a, b) => a - b,
  );
  const out = edges
    .slice(0, -1)
    .map((from, i) => ({ label: `${from}–${edges[i + 1]} h`, from, to: edges[i + 1]! }));
  out.push({ label: `over ${edges.at(-1)} h`, from: edges.at(-1)!, to: Infinity });
  return out;
}

/** An inline SVG bar chart: how many events had access removed within each span of time after taking effect. */
export function renderChart(report: AuditReport): string {
  const values = report.events.flatMap((e) =>
    e.effective_to_removal_ms === null ? [] : [e.effective_to_removal_ms / HOUR_MS],
  );
  const spans = buckets(report.target.hours).map((b) => ({
    ...b,
    count: values.filter((v) => v >= b.from && v < b.to).length,
    late: b.from >= report.target.hours,
  }));
  const max = Math.max(1, ...spans.map((s) => s.count));
  const width = 640;
  const height = 240;
  const left = 40;
  const bottom = 40;
  const plotH = height - bottom - 20;
  const barW = (width - left - 10) / spans.length;
  const bars = spans
    .map((s, i) => {
      const h = Math.round((s.count / max) * plotH);
      const x = Math.round(left + i * barW + 6);
      const y = height - bottom - h;
      const w = Math.round(barW - 12);
      return (
        `<g class="bar${s.late ? ' late' : ''}" data-count="${s.count}">` +
        `<title>${escapeHtml(`${s.count} event(s): access removed ${s.label} after the effective time`)}</title>` +
        `<rect x="${x}" y="${y}" width="${w}" height="${Math.max(h, s.count > 0 ? 1 : 0)}"></rect>` +
        `<text x="${x + w / 2}" y="${y - 4}" text-anchor="middle">${s.count}</text>` +
        `<text x="${x + w / 2}" y="${height - bottom + 16}" text-anchor="middle">${escapeHtml(s.label)}</text></g>`
      );
    })
    .join('');
  return (
    `<svg id="time-to-removal-chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="chart-title">Time from the effective time to access removed</title>` +
    `<desc id="chart-desc">${escapeHtml(
      `${values.length} event(s) removed access. Bars at or past ${report.target.hours} h are over the target.`,
    )}</desc>` +
    `<line x1="${left}" y1="${height - bottom}" x2="${width - 10}" y2="${height - bottom}" class="axis"></line>` +
    bars +
    `<text x="${left}" y="${height - 4}" class="axis-label">hours after the effective time (red: over the ${report.target.hours} h target)</text>` +
    `</svg>`
  );
}

function stepsCell(e: ReportEvent): string {
  if (e.steps.length === 0) return '<span class="none">nothing done yet</span>';
  return `<ol class="steps">${e.steps
    .map((s) => {
      const said = OUTCOME_WORDS[s.outcome] ?? s.outcome;
      const link = s.ticket_url ? ` <a href="${escapeHtml(s.ticket_url)}">#${s.ticket_id}</a>` : '';
      return `<li><b>${escapeHtml(words(s.action))}</b>: <span class="o-${escapeHtml(s.outcome)}">${escapeHtml(said)}</span>, ${when(s.finished_at)}${link}</li>`;
    })
    .join('')}</ol>`;
}

function askedBy(e: ReportEvent): string {
  const who = e.asked_by.principal
    ? `${escapeHtml(e.asked_by.principal)} <span class="small">(${escapeHtml(e.asked_by.principal_type)})</span>`
    : '<span class="small">direct Kafka publisher</span>';
  const requester = e.asked_by.requester ? `<br>on behalf of ${escapeHtml(e.asked_by.requester)}` : '';
  return `${who}<br><span class="small">system: ${escapeHtml(e.asked_by.source)}</span>${requester}`;
}

function eventRow(e: ReportEvent): string {
  const removal =
    e.effective_to_removal_ms === null
      ? `<td data-sort="">${e.removes_access ? '<span class="none">not removed</span>' : '<span class="none">not applicable</span>'}</td>`
      : `<td data-sort="${e.effective_to_removal_ms}">${escapeHtml(humanDuration(e.effective_to_removal_ms))}</td>`;
  const workflow = `${escapeHtml(words(e.workflow ?? 'unknown'))}${e.variant ? ` (${escapeHtml(words(e.variant))})` : ''}`;
  const notes =
    e.attention.length === 0
      ? ''
      : `<ul>${e.attention.map((a) => `<li>${escapeHtml(a)}</li>`).join('')}</ul>`;
  return (
    `<tr class="${e.over_target ? 'over' : ''}${e.attention.length > 0 ? ' attention' : ''}" data-event-id="${escapeHtml(e.event_id)}">` +
    `<td>${escapeHtml(personLabel(e))}</td>` +
    `<td>${workflow}<br><span class="small">event ${escapeHtml(e.event_id)}</span>` +
    `${e.reason ? `<br><span class="small">reason: ${escapeHtml(e.reason)}</span>` : ''}</td>` +
    `<td>${askedBy(e)}</td>` +
    `<td data-sort="${sortKey(e.happened_at)}">${when(e.happened_at)}</td>` +
    `<td data-sort="${sortKey(e.effective_at)}">${when(e.effective_at)}</td>` +
    `<td data-sort="${sortKey(e.access_removed_at)}">${e.access_removed_at ? when(e.access_removed_at) : '<span class="none">—</span>'}</td>` +
    removal +
    `<td>${escapeHtml(STATUS_WORDS[e.status] ?? e.status)}${e.over_target ? '<br><b class="late-text">over target</b>' : ''}</td>` +
    `<td>${stepsCell(e)}</td>` +
    `<td>${notes}</td>` +
    `</tr>`
  );
}

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1b1f24;max-width:1400px}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;font-size:1.2rem}
.small{font-size:.85em;color:#555}.none{color:#777;font-style:italic}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #ccd;border-radius:6px;padding:.6rem 1rem;min-width:10rem}
.card b{display:block;font-size:1.5rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #d5d8dc;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f4f7}th button{all:unset;cursor:pointer;font-weight:600}th button::after{content:" \\2195";color:#889}
th[aria-sort=ascending] button::after{content:" \\2191"}th[aria-sort=descending] button::after{content:" \\2193"}
tr.over td{background:#fff1f0}.late-text{color:#b3261e}ol.steps,td ul{margin:0;padding-left:1.2rem}
.o-refused,.o-failed{color:#b3261e;font-weight:600}
#time-to-removal-chart rect{fill:#2f6fbf}#time-to-removal-chart .late rect{fill:#c0392b}
#time-to-removal-chart text{font-size:12px;fill:#333}.axis{stroke:#555}
dl dt{font-weight:600;margin-top:.4rem}@media print{th button::after{content:""}}
`;

const SCRIPT = `
(function(){
  function key(cell, numeric){
    var v = cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent.trim();
    if (!numeric) return v.toLowerCase();
    return v === '' ? Infinity : Number(v);
  }
  var tables = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables, function(table){
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function(th, col){
      var button = th.querySelector('button');
      if (!button) return;
      button.addEventListener('click', function(){
        var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
        Array.prototype.forEach.call(heads, function(h){ h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir);
        var numeric = th.getAttribute('data-type') === 'number';
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function(a, b){
          var x = key(a.cells[col], numeric), y = key(b.cells[col], numeric);
          var c = x < y ? -1 : x > y ? 1 : 0;
          return dir === 'ascending' ? c : -c;
        });
        rows.forEach(function(r){ body.appendChild(r); });
      });
    });
  });
})();
`;

const HEADINGS: Array<[string, 'text' | 'number']> = [
  ['Person', 'text'],
  ['Workflow and event', 'text'],
  ['Who asked', 'text'],
  ['Happened (upstream)', 'number'],
  ['Effective', 'number'],
  ['Access removed', 'number'],
  ['Time to removal', 'number'],
  ['Outcome', 'text'],
  ['Steps and audit tickets', 'text'],
  ['Needs attention', 'text'],
];

const duration = (ms: number | null): string => (ms === null ? '—' : escapeHtml(humanDuration(ms)));

/** The whole report as one HTML document. */
export function renderHtml(report: AuditReport): string {
  const { summary, target } = report;
  const removed = summary.time_to_removal.count;
  const over = summary.over_target.length;
  const counts = summary.by_workflow_and_status
    .map(
      (c) =>
        `<tr><td>${escapeHtml(words(c.workflow))}</td><td>${escapeHtml(STATUS_WORDS[c.status] ?? c.status)}</td><td>${c.events}</td></tr>`,
    )
    .join('');
  const overList =
    over === 0
      ? `<p>None: every event that removed access did so within ${target.hours} hours of taking effect.</p>`
      : `<ul id="over-target">${summary.over_target
          .map(
            (o) => `<li>${escapeHtml(o.person)}, event ${escapeHtml(o.event_id)}: ${escapeHtml(o.why)}</li>`,
          )
          .join('')}</ul>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(report.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(report.title)}</h1>
<p class="small">Made ${when(report.generated_at)} from ${summary.events} event(s): ${report.sources.audit_tickets} audit ticket(s) in Zendesk${report.sources.zendesk ? ` (${escapeHtml(report.sources.zendesk)})` : ''} and ${report.sources.results} result record(s)${report.sources.topic ? ` from the Kafka topic ${escapeHtml(report.sources.topic)}` : ''}.${report.sources.set_aside_tickets > 0 ? ` ${report.sources.set_aside_tickets} ticket(s) tagged as audit tickets were not written by the service and were left out.` : ''}</p>
<p>This report shows what the identity lifecycle service did to people's Zendesk access in the period: each time an
HR system or identity provider said someone left, lost access in a review, or should give back a licence, who asked
for it, when it took effect, what was done, and when their access was removed. Every action has an audit ticket in
Zendesk, linked below. The control checked here: <b>${escapeHtml(target.rule)}</b>.</p>
<h2>Summary</h2>
<div class="cards">
<div class="card" id="card-events"><b>${summary.events}</b>events</div>
<div class="card" id="card-removed"><b>${removed}</b>had access removed</div>
<div class="card" id="card-over"><b>${over}</b>over the ${target.hours} h target</div>
<div class="card" id="card-attention"><b>${summary.needs_attention}</b>need attention</div>
<div class="card"><b>${duration(summary.time_to_removal.p50_ms)}</b>half removed within (median)</div>
<div class="card"><b>${duration(summary.time_to_removal.p90_ms)}</b>90% removed within</div>
<div class="card"><b>${duration(summary.time_to_removal.p99_ms)}</b>99% removed within</div>
</div>
<h2>How long until access was removed</h2>
<p>Each bar counts the events whose access was removed within that many hours after the event took effect.</p>
${renderChart(report)}
<h2>Events over the target</h2>
${overList}
<h2>Events per workflow and outcome</h2>
<table id="counts"><thead><tr><th>Workflow</th><th>Outcome</th><th>Events</th></tr></thead><tbody>${counts}</tbody></table>
<h2>Every event</h2>
<p class="small">Click a column heading to sort by it; click again to reverse. Times are in UTC.</p>
<table id="events" class="sortable">
<thead><tr>${HEADINGS.map(([h, type]) => `<th data-type="${type}"><button type="button">${escapeHtml(h)}</button></th>`).join('')}</tr></thead>
<tbody>
${report.events.map(eventRow).join('\n')}
</tbody>
</table>
<h2>What the words mean</h2>
<dl>
<dt>Happened (upstream)</dt><dd>When the HR system or identity provider says the change happened (the event's time).</dd>
<dt>Effective</dt><dd>When the change was to take effect: a later date the event asked for, otherwise the time it happened.</dd>
<dt>Access removed</dt><dd>When the first step that takes access away (downgrade to end user, suspension, deletion) was done in Zendesk.</dd>
<dt>Time to removal</dt><dd>From the effective time to access removed. The target is ${target.hours} hours.</dd>
<dt>Who asked</dt><dd>The authenticated sender of the event (a named principal), the system it came from, and the person it names as requester.</dd>
<dt>Refused</dt><dd>The service would not do the step, on purpose (a rule said no); nothing was changed by that step.</dd>
<dt>Failed</dt><dd>The step was tried and did not work; its audit ticket stays open for a person.</dd>
<dt>Waiting</dt><dd>The event asked for a later date, or a permanent deletion waits for its grace period.</dd>
<dt>Audit ticket</dt><dd>The Zendesk ticket (#number) written for each step: what, to whom, why, on whose request, and the result.</dd>
</dl>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
