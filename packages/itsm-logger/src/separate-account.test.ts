import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createItsmLoggerFromEnv } from './create-from-env.js';
import { auditTickets, clientFor, loggerFor, ritaSuspended } from './testing/sandbox.js';

// Two accounts: the target, where users are acted on, and a separate ITSM account that holds the audit trail.
let target: RunningSandbox;
let itsm: RunningSandbox;

beforeAll(async () => {
  target = await startSandbox({ seed: 'demo', rpm: 0 });
  itsm = await startSandbox({ seed: 'empty', rpm: 0, email: 'itsm-api@audit.test', token: 'itsm-token' });
});
afterAll(async () => {
  await Promise.all([target.stop(), itsm.stop()]);
});

const targetTicketsBefore = () => [...target.state.tickets.keys()];

describe('a separate ITSM account', () => {
  it('receives the ticket, links point at the target account, and the target is left untouched', async () => {
    const before = targetTicketsBefore();
    const logger = loggerFor(itsm, {
      requester: { email: 'lifecycle-audit@audit.test' },
      targetAccountUrl: target.baseUrl,
    });
    const step = ritaSuspended({ transfer: { destination_id: 1010, moved: [7], skipped: [], failed: [] } });
    const receipt = await logger.log(step);

    const [ticket, ...others] = auditTickets(itsm);
    expect(others).toEqual([]);
    expect(ticket?.id).toBe(receipt.ticket_id);
    expect(receipt.ticket_url).toBe(`${itsm.url}/agent/tickets/${receipt.ticket_id}`);
    const html = ticket?.comments[0]?.html_body ?? '';
    expect(html).toContain(`<a href="${target.url}/agent/users/${DEMO_PEOPLE.reviewed.id}">`);
    expect(html).toContain(`<a href="${target.url}/agent/tickets/7">#7</a>`);

    expect(target.state.requestLog).toEqual([]);
    expect([...target.state.tickets.keys()]).toEqual(before);
  });

  it('may hold a user with the same id as the one acted on: ids are not compared across accounts', async () => {
    const logger = loggerFor(itsm, { requester: { id: 1 }, targetAccountUrl: target.url });
    const step = ritaSuspended({ user: { ...ritaSuspended().user!, id: 1 } });
    await expect(logger.log(step)).resolves.toMatchObject({ created: true });
  });

  it('is configured from ITSM_ZENDESK_*, with the API user as requester by default', async () => {
    const env = {
      ZENDESK_BASE_URL: target.baseUrl,
      ZENDESK_EMAIL: target.credentials.email,
      ZENDESK_API_TOKEN: target.credentials.token,
      ITSM_ZENDESK_BASE_URL: itsm.baseUrl,
      ITSM_ZENDESK_EMAIL: itsm.credentials.email,
      ITSM_ZENDESK_API_TOKEN: itsm.credentials.token,
      ITSM_TICKET_TAGS: 'from_env',
    };
    const targetClient = clientFor(target);
    const logger = createItsmLoggerFromEnv(env, { targetClient });
    const step = ritaSuspended();
    const { ticket_id } = await logger.log(step);

    const ticket = itsm.state.tickets.get(ticket_id);
    expect(ticket?.tags).toContain('from_env');
    expect(itsm.state.users.get(ticket?.requester_id ?? -1)?.email).toBe('itsm-api@audit.test');
    expect(ticket?.comments[0]?.html_body).toContain(`${target.url}/agent/users/`);
    expect(target.state.requestLog).toEqual([]);
  });
});
