import { StaticFinding } from './finding';

const MARK = { error: 'ERROR', warning: 'WARN', info: 'info' } as const;

export function countBy(findings: readonly StaticFinding[]) {
  return { errors: findings.filter((f) => f.severity === 'error').length, warnings: findings.filter((f) => f.severity === 'warning').length };
}

/** Findings grouped by stack, with a summary line. */
export function staticTable(findings: readonly StaticFinding[], stacks: readonly string[]): string {
  const out: string[] = [];
  for (const s of [...stacks, '(all stacks)']) {
    const mine = findings.filter((f) => f.stack === s);
    if (!mine.length && s === '(all stacks)') continue;
    out.push(`${s}`);
    if (!mine.length) out.push('  ok');
    for (const f of mine) {
      const where = [f.file, f.object, f.path].filter(Boolean).join(' ');
      out.push(`  ${MARK[f.severity].padEnd(5)} ${f.rule}: ${f.message}${where ? ` (${where})` : ''}${f.fix && f.severity !== 'info' ? `; fix: ${f.fix}` : ''}`);
    }
  }
  const c = countBy(findings);
  out.push(`${c.errors ? 'FAIL' : 'PASS'}: ${stacks.length} stack(s), ${c.errors} error(s), ${c.warnings} warning(s)`);
  return `${out.join('\n')}\n`;
}

/** The standards' result lines over everything checked. */
export function staticScs(findings: readonly StaticFinding[]): string {
  const fails = (prefix: string) => findings.some((f) => f.rule.startsWith(prefix) && f.severity === 'error');
  return `version-policy-check: ${fails('scs-0210/') ? 'FAIL' : 'PASS'}\ndefault-storage-class-check: ${fails('scs-0211/') ? 'FAIL' : 'PASS'}\n`;
}

/** The JSON report (schema documented in docs/rules.md; `schemaVersion` changes only on incompatible changes). */
export function staticJson(findings: readonly StaticFinding[], stacks: readonly string[], opts: { at: Date; strict?: boolean }): string {
  const c = countBy(findings);
  const result = c.errors || (opts.strict && c.warnings) ? 'FAIL' : 'PASS';
  return `${JSON.stringify({ schemaVersion: 1, at: opts.at.toISOString().slice(0, 10), strict: !!opts.strict, result, stacks, ...c, findings }, null, 2)}\n`;
}
