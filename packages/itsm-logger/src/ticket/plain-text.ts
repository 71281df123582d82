// Renders an audit document as the plain-text comment body: readable in an email, a search result or a log.
import type { AuditDocument, Block, Phrase } from './document.js';

const phraseText = (phrase: Phrase): string =>
  phrase.href === undefined ? phrase.text : `${phrase.text} (${phrase.href})`;

function factsLines(block: Extract<Block, { kind: 'facts' }>): string[] {
  return block.facts.map(({ label, value }) => `  ${label}: ${value.map(phraseText).join(', ')}`);
}

function comparisonLines(block: Extract<Block, { kind: 'comparison' }>): string[] {
  const table = [block.headings, ...block.rows];
  const widths = [0, 1].map((column) => Math.max(...table.map((row) => row[column]?.length ?? 0)));
  return table.map(([label, before, after]) =>
    `  ${label.padEnd(widths[0] ?? 0)}  ${before.padEnd(widths[1] ?? 0)}  ${after}`.trimEnd(),
  );
}

function blockLines(block: Block): string[] {
  if (block.kind === 'record') return [block.title.toUpperCase(), `\`\`\`${block.marker}`, block.json, '```'];
  const body = block.kind === 'facts' ? factsLines(block) : comparisonLines(block);
  return [block.title.toUpperCase(), ...body];
}

/** The document as plain text, one fact per line, blocks separated by a blank line. */
export function renderPlainText(document: AuditDocument): string {
  const parts = [[document.summary], ...document.blocks.map(blockLines), [document.footer]];
  return parts.map((lines) => lines.join('\n')).join('\n\n');
}
