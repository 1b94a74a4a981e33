import { createColors } from 'picocolors';
import { StaticFinding } from './finding';

const MARK = { error: 'ERROR', warning: 'WARN', info: 'info' } as const;

export function countBy(findings: readonly StaticFinding[]) {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
  };
}

export interface TableOptions {
  /** ANSI colours (the CLI turns them on for a terminal unless NO_COLOR is set). @default false */
  readonly color?: boolean;
  /** Warnings fail the summary too. @default false */
  readonly strict?: boolean;
}

/** Findings grouped by stack, with a summary line. */
export function staticTable(
  findings: readonly StaticFinding[],
  stacks: readonly string[],
  opts: TableOptions = {},
): string {
  const pc = createColors(!!opts.color);
  const paint = { error: pc.red, warning: pc.yellow, info: pc.dim } as const;
  const out: string[] = [];
  for (const s of [...stacks, '(all stacks)']) {
    const mine = findings.filter((f) => f.stack === s);
    if (!mine.length && s === '(all stacks)') continue;
    out.push(pc.bold(s));
    if (!mine.length) out.push(`  ${pc.green('ok')}`);
    for (const f of mine) {
      const where = [f.file, f.object, f.path].filter(Boolean).join(' ');
      out.push(
        `  ${paint[f.severity](MARK[f.severity].padEnd(5))} ${f.rule}: ${f.message}${where ? pc.dim(` (${where})`) : ''}${f.fix && f.severity !== 'info' ? `; fix: ${f.fix}` : ''}`,
      );
    }
  }
  const c = countBy(findings);
  const fail = c.errors > 0 || (!!opts.strict && c.warnings > 0);
  out.push(
    `${fail ? pc.red('FAIL') : pc.green('PASS')}: ${stacks.length} stack(s), ${c.errors} error(s), ${c.warnings} warning(s)${opts.strict ? ' (strict)' : ''}`,
  );
  return `${out.join('\n')}\n`;
}

/** The rules whose warning still means the standard is not met (the scs lines answer "is this set compliant?"). */
const NOT_MET = new Set(['scs-0211/development-stack']);

/** The standards' result lines over everything checked. */
export function staticScs(findings: readonly StaticFinding[]): string {
  const fails = (prefix: string) =>
    findings.some((f) => f.rule.startsWith(prefix) && (f.severity === 'error' || NOT_MET.has(f.rule)));
  return `version-policy-check: ${fails('scs-0210/') ? 'FAIL' : 'PASS'}\ndefault-storage-class-check: ${fails('scs-0211/') ? 'FAIL' : 'PASS'}\n`;
}

/** The JSON report (schema documented in docs/rules.md; `schemaVersion` changes only on incompatible changes). */
export function staticJson(
  findings: readonly StaticFinding[],
  stacks: readonly string[],
  opts: { at: Date; strict?: boolean },
): string {
  const c = countBy(findings);
  const result = c.errors || (opts.strict && c.warnings) ? 'FAIL' : 'PASS';
  return `${JSON.stringify({ schemaVersion: 1, at: opts.at.toISOString().slice(0, 10), strict: !!opts.strict, result, stacks, ...c, findings }, null, 2)}\n`;
}
