/**
 * The one plain aligned text table of every command's output (no colour codes, so output can be piped and diffed).
 * `rule` adds the dashed line under the header (listings); apply's report goes without it, as kubectl prints.
 */
export function table(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  opts: { rule?: boolean } = {},
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const rule = opts.rule === false ? [] : [line(widths.map((w) => '-'.repeat(w)))];
  return [line(header), ...rule, ...rows.map(line)].join('\n') + '\n';
}
