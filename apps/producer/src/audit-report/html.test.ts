import { describe, expect, it } from 'vitest';
import { escapeHtml, renderHtml } from './html.js';
import { buildAuditReport } from './model.js';
import { generatedReport, ORIGIN, SERVICE_ID, ticketOf } from './testing/fixtures.js';

describe('renderHtml', () => {
  it('is one file that loads nothing: inline style and script, a CSP forbidding fetches, no external source', () => {
    const html = renderHtml(generatedReport(6));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    expect(html).not.toMatch(/<link\b|<script\s+src|<img\b|@import|url\(/i);
    // The only URLs: the account's, the audit tickets' links (followed on a click, never loaded by the page), the
    // SVG namespace, and text from an event (a reason), escaped.
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<)]+/g)].map((m) => m[0]);
    expect(
      urls.every(
        (u) =>
          u === ORIGIN ||
          u.startsWith(`${ORIGIN}/agent/tickets/`) ||
          u === 'http://www.w3.org/2000/svg' ||
          u.startsWith('http://evil.test'),
      ),
    ).toBe(true);
  });

  it('has the summary, the chart and one table row per event', () => {
    const report = generatedReport(9);
    const html = renderHtml(report);
    expect(html).toContain('<svg id="time-to-removal-chart"');
    const bars = [...html.matchAll(/<g class="bar( late)?" data-count="(\d+)">/g)];
    expect(bars.length).toBeGreaterThan(3);
    expect(bars.reduce((n, m) => n + Number(m[2]), 0)).toBe(report.summary.time_to_removal.count);
    expect(bars.filter((m) => m[1]).reduce((n, m) => n + Number(m[2]), 0)).toBe(
      report.summary.over_target.length,
    );
    expect(html.match(/<tr class="[^"]*" data-event-id=/g)).toHaveLength(9);
    expect(html).toContain(`<div class="card" id="card-over"><b>${report.summary.over_target.length}</b>`);
    expect(html).toContain('access removed within 24 h of the effective time');
  });

  it('escapes every value that came from an event', () => {
    const t = ticketOf({
      event: '<b>e</b>',
      action: 'suspend',
      index: 0,
      count: 1,
      outcome: 'refused',
      at: '2026-10-02T00:00:00Z',
      person: { id: 1, name: '<script>alert(1)</script>', email: 'x"@y.test' },
      refusal: { rule: 'protected_user', reason: `it's <img src=x onerror=alert(1)>` },
    });
    const html = renderHtml(
      buildAuditReport([t], [], {
        from: '2026-10-01',
        to: '2026-10-31',
        targetHours: 24,
        now: new Date('2026-11-01T00:00:00Z'),
        ticketUrl: (id) => `${ORIGIN}/agent/tickets/${id}`,
        serviceUserId: SERVICE_ID,
      }),
    );
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('it&#39;s &lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
