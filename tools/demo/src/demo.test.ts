// The `npm start` scenario, headless: the same processes and events, and the summary table asserted.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uniqueName } from '@zendesk-lifecycle/kafka';
import { renderTable } from './outcomes.js';
import { runDemo } from './run-demo.js';

describe('npm start on embedded defaults', () => {
  it('plays the scenario and ends with the expected table', async () => {
    const demo = await runDemo({ topicPrefix: uniqueName('demo') });
    try {
      const rows = demo.rows.map((r) => [r.type, r.steps, r.status, r.confirmed]);
      expect(rows).toEqual([
        [
          'lifecycle.offboarding.v1',
          'transfer_data: succeeded, downgrade: succeeded, suspend: succeeded, deprovision: succeeded',
          'completed',
          '3/3 confirmed by event',
        ],
        ['lifecycle.access_revoked.v1', 'suspend: succeeded', 'completed', '1/1 confirmed by event'],
        ['lifecycle.inactivity.v1', 'downgrade: succeeded', 'completed', '1/1 confirmed by event'],
        [
          'lifecycle.rehire.v1',
          'unsuspend: succeeded, restore: already_done',
          'completed',
          '1/1 confirmed by event',
        ],
      ]);
      // Every succeeded step that changed a user (the ticket transfer changes tickets; the already-done restore
      // changed nothing) was confirmed by Zendesk's own user event, delivered by the webhook the demo installed,
      // not read back after the window.
      const confirmed = demo.confirmations
        .map((c) => [c.data.source_event.type, c.data.step.action, c.data.status, c.data.by])
        .sort((a, b) => a.join().localeCompare(b.join()));
      expect(confirmed).toEqual([
        ['lifecycle.access_revoked.v1', 'suspend', 'confirmed', 'event'],
        ['lifecycle.inactivity.v1', 'downgrade', 'confirmed', 'event'],
        ['lifecycle.offboarding.v1', 'deprovision', 'confirmed', 'event'],
        ['lifecycle.offboarding.v1', 'downgrade', 'confirmed', 'event'],
        ['lifecycle.offboarding.v1', 'suspend', 'confirmed', 'event'],
        ['lifecycle.rehire.v1', 'unsuspend', 'confirmed', 'event'],
      ]);
      expect(demo.confirmationSummary).toMatch(
        /^Zendesk confirmed 6 of 6 steps that changed a user \(6 by its own user event, 0 read back\), median delay \d+\.\d s after the result$/,
      );
      const sent = new Set(demo.sandbox.webhooks.invocations.map((i) => i.event_id));
      for (const c of demo.confirmations) {
        // The confirming event is one the sandbox delivered, and the step's audit ticket carries the comment.
        expect(c.data.zendesk_event).not.toBeNull();
        expect(sent.has(c.data.zendesk_event!.id)).toBe(true);
        const ticket = demo.sandbox.state.tickets.get(c.data.step.audit_ticket_id!);
        const comment = ticket?.comments.find((m) => m.body.includes('Confirmed by Zendesk'));
        expect(comment?.body).toContain(c.data.zendesk_event!.id);
      }
      // The signing secret stayed in its file (owner only) and out of every log.
      const secretFile = join(demo.logDir, 'zendesk-webhook-secret');
      expect(statSync(secretFile).mode & 0o777).toBe(0o600);
      const secret = readFileSync(secretFile, 'utf8').trim();
      for (const log of readdirSync(demo.logDir).filter((f) => f.endsWith('.log')))
        expect(readFileSync(join(demo.logDir, log), 'utf8')).not.toContain(secret);
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
