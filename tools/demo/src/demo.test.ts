// The `npm start` scenario, headless: the same processes and events, and the summary table asserted.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { uniqueName } from '@zendesk-lifecycle/kafka';
import { renderTable } from './outcomes.js';
import { runDemo } from './run-demo.js';

describe('npm start on embedded defaults', () => {
  it('plays the scenario and ends with the expected table', async () => {
    const demo = await runDemo({ topicPrefix: uniqueName('demo') });
    try {
      const rows = demo.rows.map((r) => [r.type, r.steps, r.status]);
      expect(rows).toEqual([
        [
          'lifecycle.offboarding.v1',
          'transfer_data: succeeded, downgrade: succeeded, suspend: succeeded, deprovision: succeeded',
          'completed',
        ],
        ['lifecycle.access_revoked.v1', 'suspend: succeeded', 'completed'],
        ['lifecycle.inactivity.v1', 'downgrade: succeeded', 'completed'],
        ['lifecycle.rehire.v1', 'unsuspend: succeeded, restore: already_done', 'completed'],
      ]);
      expect(demo.rows.every((r) => /^#\d+( #\d+)*$/.test(r.tickets))).toBe(true);
      expect(demo.deadLetters.map((d) => d.reason)).toEqual(['invalid_data']);
      expect(renderTable(demo.rows.map((r) => ({ ...r })))).toContain('transfer_data: succeeded');
      // The run ends with its audit report: every event of the story, found in the tickets and the results.
      const report = readFileSync(demo.auditReport, 'utf8');
      expect(report).toContain('<svg id="time-to-removal-chart"');
      expect(report.match(/<tr class="[^"]*" data-event-id=/g)).toHaveLength(demo.rows.length);
      // The services signed in with OAuth client credentials and renewed the short-lived token at least once.
      expect(demo.sandbox.oauth.grants.client_credentials).toBeGreaterThanOrEqual(2);
    } finally {
      await demo.stop();
    }
  });
});
