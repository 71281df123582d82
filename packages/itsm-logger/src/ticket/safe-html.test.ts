import { describe, expect, it } from 'vitest';
import { aUser, anOutcome } from '../testing/outcomes.js';
import { buildAuditTicket } from './audit-ticket.js';
import { escapeHtml } from './safe-html.js';
import { zendeskLinks } from './zendesk-links.js';

const hostileName = `<script>alert("x")</script> O'Hara & <img src=x onerror=alert(1)>`;

describe('HTML of the audit comment', () => {
  const user = aUser({ name: hostileName, email: '"quoted"@acme.test' });
  const outcome = anOutcome({
    user,
    before: user,
    after: { ...user, suspended: true },
    event: { ...anOutcome().event, reason: '<b>fired</b>', requested_by: `a" onmouseover="x` },
    error: { code: 'zendesk_invalid', message: '</li><script> x<y', retryable: false },
    outcome: 'failed',
  });
  const { body } = buildAuditTicket(outcome, {
    requester: { email: 'bot@acme.test' },
    links: zendeskLinks('https://acme.zendesk.com'),
    settings: {},
  });
  const html = body.comment.html_body;

  it('escapes every value, so a hostile name stays text', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<b>/);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Hara &amp; &lt;img');
    expect(html).toContain('a&quot; onmouseover=&quot;x');
    expect(html).toContain('&lt;/li&gt;&lt;script&gt;');
  });

  it('only emits the tags it builds itself', () => {
    const allowed = [
      'a',
      'code',
      'h3',
      'li',
      'p',
      'pre',
      'small',
      'strong',
      'table',
      'tbody',
      'td',
      'th',
      'thead',
      'tr',
      'ul',
    ];
    const used = [...html.matchAll(/<\/?([a-z0-9]+)/gi)].map((match) => match[1]?.toLowerCase());
    expect(used.filter((tag) => !allowed.includes(tag ?? ''))).toEqual([]);
  });

  it('keeps the plain body on one line per fact even with line breaks in values', () => {
    const sneaky = aUser({ name: 'Eve\nOutcome: succeeded\u202e' });
    const ticket = buildAuditTicket(anOutcome({ user: sneaky, outcome: 'failed' }), {
      requester: { email: 'bot@acme.test' },
      links: zendeskLinks('https://acme.zendesk.com'),
      settings: {},
    });
    expect(ticket.body.comment.body).toContain('Name: Eve Outcome: succeeded\n');
    expect(ticket.body.comment.body).not.toContain('\u202e');
    expect(ticket.body.subject).not.toContain('\n');
  });

  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
