// The comment a note adds to a step's audit ticket (core's AuditNote): Zendesk confirmed the step, or its state
// read back disagrees. Pure: the same document feeds the plain and the HTML body, as for the ticket itself.
import type { AuditNote } from '@zendesk-lifecycle/core';
import type { AuditTicketBody, AuditTicketSettings } from './audit-ticket.js';
import { text, type AuditDocument } from './document.js';
import { renderPlainText } from './plain-text.js';
import { renderSafeHtml } from './safe-html.js';
import { oneLine } from './untrusted-text.js';

/** The ticket changes a note makes: a private comment; reopened with the attention priority when it needs a person. */
export function noteChanges(note: AuditNote, settings: AuditTicketSettings): Partial<AuditTicketBody> {
  const document: AuditDocument = {
    summary: oneLine(note.title),
    blocks: [
      {
        kind: 'facts',
        title: 'Zendesk',
        facts: note.facts.map(([label, value]) => ({ label: oneLine(label), value: [text(oneLine(value))] })),
      },
    ],
    footer: 'Added by zendesk-lifecycle (closed loop: what Zendesk itself reports after the step).',
  };
  const comment = {
    body: renderPlainText(document),
    html_body: renderSafeHtml(document),
    public: false as const,
  };
  if (!note.attention) return { comment };
  return { comment, status: 'open', priority: settings.attentionPriority ?? 'high' };
}
