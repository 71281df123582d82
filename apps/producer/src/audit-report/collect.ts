// Gathers the audit trail of a period: the audit tickets (Zendesk search export by the audit tag and creation
// dates, streamed page by page, each ticket reduced to its facts at once) and the result events (the results
// topic read from its start to its end by a reader that commits nothing). The tickets' search index lags a few
// minutes behind new tickets (docs/zendesk-rules.md §8): a report made right after an action may miss its ticket,
// though the result still names the ticket's id.
import type { Kafka } from 'kafkajs';
import { resultEventSchema, type ResultEvent } from '@zendesk-lifecycle/core';
import { readTopicToEnd } from '@zendesk-lifecycle/service-runtime';
import { readAuditTicket, type AuditedStepTicket, type TicketLike } from './audit-ticket.js';
import { periodBounds } from './model.js';

/** What the collector needs of a Zendesk client: zendesk-client's ZendeskClient has it. */
export interface TicketExporter {
  exportTickets(query: string): AsyncIterable<TicketLike[]>;
}

export interface CollectOptions {
  zendesk: TicketExporter;
  kafka: Kafka;
  resultsTopic: string;
  from: string;
  to: string;
  /** Counts so far, for a progress line. */
  onProgress?: (what: 'audit tickets' | 'result records', count: number) => void;
}

const day = (date: Date, shift: number): string => {
  const d = new Date(date);
  d.setUTCDate(d.getUTCDate() + shift);
  return d.toISOString().slice(0, 10);
};

/**
 * The search query for a period's audit tickets. Zendesk compares dates in the account's time zone, so the
 * query takes a day more on each side and the report keeps the tickets created within the period in UTC.
 */
export function auditTicketQuery(from: string, to: string): string {
  const { start, end } = periodBounds(from, to);
  return `tags:itsm_audit created>${day(start, -2)} created<${day(end, 1)}`;
}

const eventKey = (source: string | null, id: string) => `${source ?? ''}\u0000${id}`;

export async function collectAuditTrail(
  options: CollectOptions,
): Promise<{ tickets: AuditedStepTicket[]; results: ResultEvent[]; unreadable: number }> {
  const { start, end } = periodBounds(options.from, options.to);
  const tickets: AuditedStepTicket[] = [];
  const keys = new Set<string>();
  let seen = 0;
  for await (const page of options.zendesk.exportTickets(auditTicketQuery(options.from, options.to))) {
    for (const raw of page) {
      const ticket = readAuditTicket(raw);
      if (ticket === null) continue;
      tickets.push(ticket);
      keys.add(eventKey(ticket.event.source, ticket.event.id));
    }
    seen += page.length;
    options.onProgress?.('audit tickets', seen);
  }
  const results: ResultEvent[] = [];
  let read = 0;
  let unreadable = 0;
  await readTopicToEnd(
    options.kafka,
    options.resultsTopic,
    (message) => {
      read++;
      if (read % 1000 === 0) options.onProgress?.('result records', read);
      let value: unknown;
      try {
        value = JSON.parse(message.value?.toString() ?? 'null');
      } catch {
        unreadable++;
        return;
      }
      const parsed = resultEventSchema.safeParse(value);
      if (!parsed.success) {
        unreadable++;
        return;
      }
      const r = parsed.data;
      const at = Date.parse(r.time);
      // Only what the report can use stays in memory: results of the period's events, or written in the period.
      const mine = keys.has(eventKey(r.data.source_event.source, r.data.source_event.id));
      if (mine || (at >= start.getTime() && at < end.getTime())) results.push(r);
    },
    { commit: false },
  );
  options.onProgress?.('result records', read);
  return { tickets, results, unreadable };
}
