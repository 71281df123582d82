// The audit comment as plain data, before it becomes text or HTML. One structure feeds both renderers, so the
// plain body and the HTML body of a ticket can never say different things.

/** A piece of a value: text that may be untrusted, optionally linking to a URL we built ourselves. */
export interface Phrase {
  text: string;
  href?: string;
}

/** One labelled line; several phrases are shown as a comma-separated list. */
export interface Fact {
  label: string;
  value: Phrase[];
}

/** A titled list of facts, e.g. "Event" with its id, type, source and time. */
export interface FactsBlock {
  kind: 'facts';
  title: string;
  facts: Fact[];
}

/** A small before/after table, e.g. the user's Zendesk state around the action. */
export interface ComparisonBlock {
  kind: 'comparison';
  title: string;
  headings: readonly [string, string, string];
  rows: Array<readonly [string, string, string]>;
}

/** Data for machines after a marker line (undo reads it back): shown as a fenced block, escaped in HTML. */
export interface RecordBlock {
  kind: 'record';
  title: string;
  marker: string;
  json: string;
}

export type Block = FactsBlock | ComparisonBlock | RecordBlock;

export interface AuditDocument {
  /** One sentence saying what happened, shown first. */
  summary: string;
  blocks: Block[];
  /** Why the ticket must keep its external id. */
  footer: string;
}

/** A phrase without a link. */
export const text = (value: string): Phrase => ({ text: value });
