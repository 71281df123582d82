// Renders an audit document as the HTML comment body. Every value is escaped: names, reasons and error messages
// come from events and from Zendesk users, so they are untrusted. Links are only the ones we built (http/https).
import type { AuditDocument, Block, Phrase } from './document.js';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** The text with every character that means something in HTML (content or attribute) escaped. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

function phraseHtml(phrase: Phrase): string {
  const label = escapeHtml(phrase.text);
  if (phrase.href === undefined || !/^https?:\/\//i.test(phrase.href)) return label;
  return `<a href="${escapeHtml(phrase.href)}">${label}</a>`;
}

function factsHtml(block: Extract<Block, { kind: 'facts' }>): string {
  const items = block.facts.map(
    ({ label, value }) =>
      `<li><strong>${escapeHtml(label)}:</strong> ${value.map(phraseHtml).join(', ')}</li>`,
  );
  return `<ul>${items.join('')}</ul>`;
}

function comparisonHtml(block: Extract<Block, { kind: 'comparison' }>): string {
  const head = block.headings.map((heading) => `<th>${escapeHtml(heading)}</th>`).join('');
  const rows = block.rows.map(
    ([label, before, after]) =>
      `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(before)}</td><td>${escapeHtml(after)}</td></tr>`,
  );
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function blockHtml(block: Block): string {
  if (block.kind === 'record')
    return `<h3>${escapeHtml(block.title)}</h3><pre><code>${escapeHtml(block.marker)}\n${escapeHtml(block.json)}</code></pre>`;
  const body = block.kind === 'facts' ? factsHtml(block) : comparisonHtml(block);
  return `<h3>${escapeHtml(block.title)}</h3>${body}`;
}

/** The document as HTML safe to hand to Zendesk's html_body, whatever the values contain. */
export function renderSafeHtml(document: AuditDocument): string {
  const summary = `<p>${escapeHtml(document.summary)}</p>`;
  const footer = `<p><small>${escapeHtml(document.footer)}</small></p>`;
  return [summary, ...document.blocks.map(blockHtml), footer].join('\n');
}
