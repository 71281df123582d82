// Values from events and from Zendesk (names, reasons, error messages) are untrusted. Before they reach a ticket
// they become one bounded line: a newline in a name must not forge a line such as "Outcome: succeeded", and a
// right-to-left override must not make an auditor read an email address backwards.

/** The longest value kept; a longer one ends with an ellipsis. */
export const MAX_VALUE_LENGTH = 500;

/** C0/C1 controls, line and paragraph separators, and the marks that change the reading direction. */
function isHiddenOrLineBreaking(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/** The value on one line, without invisible direction marks, at most `maxLength` characters. */
export function oneLine(value: string, maxLength = MAX_VALUE_LENGTH): string {
  let flat = '';
  for (const char of value) flat += isHiddenOrLineBreaking(char.codePointAt(0) ?? 0) ? ' ' : char;
  flat = flat.replace(/\s{2,}/g, ' ').trim();
  const chars = Array.from(flat);
  if (chars.length <= maxLength) return flat;
  return `${chars
    .slice(0, maxLength - 1)
    .join('')
    .trimEnd()}…`;
}
