/**
 * XML 1.0 text/attribute escaping for the JUnit reports of `cskit verify` (static) and `cskit verify cluster`
 * (live). Characters XML cannot carry at all (most C0 controls, e.g. from a server's error message) are dropped,
 * so a report always parses.
 */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
