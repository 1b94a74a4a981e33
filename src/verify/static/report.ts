// The outputs of `cskit verify` for people and scripts: the findings table, the SCS-style verdict lines and JSON.
// JUnit XML has its own module (junit.ts).

import { createColors } from 'picocolors';
import { StaticFinding } from './finding';
import { StandardResult } from './verdict';

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
  /** The standards' verdicts (verdict.ts), printed before the summary. */
  readonly standards?: readonly StandardResult[];
}

/** `scs-0211-v1 default-storage-class-check: FAIL (scs-0211/default-count)`. */
export function standardLine(r: StandardResult): string {
  return `${r.check}: ${r.verdict} (${r.standard}-${r.version}${r.verdict === 'PASS' ? '' : `: ${r.reason}`})`;
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
        `  ${paint[f.severity](MARK[f.severity].padEnd(5))} ${f.rule}: ` +
          `${f.message}${where ? pc.dim(` (${where})`) : ''}${f.fix && f.severity !== 'info' ? `; fix: ${f.fix}` : ''}`,
      );
    }
  }
  for (const r of opts.standards ?? []) {
    const paint = r.verdict === 'PASS' ? pc.green : r.verdict === 'FAIL' ? pc.red : pc.yellow;
    out.push(
      `${r.standard}-${r.version} ${r.check}: ${paint(r.verdict)}${r.verdict === 'PASS' ? '' : ` (${r.reason})`}`,
    );
  }
  const c = countBy(findings);
  const fail = c.errors > 0 || (!!opts.strict && c.warnings > 0);
  out.push(
    `${fail ? pc.red('FAIL') : pc.green('PASS')}: ${stacks.length} stack(s), ${c.errors} error(s), ${c.warnings} ` +
      `warning(s)${opts.strict ? ' (strict)' : ''}`,
  );
  return `${out.join('\n')}\n`;
}

/**
 * The standards' result lines (`version-policy-check: PASS (scs-0210-v2)`), from the verdicts: a line says PASS only
 * with evidence, and NOT CHECKED when `--rules` left the standard's rules out (verdict.ts).
 */
export function staticScs(results: readonly StandardResult[]): string {
  return results.map((r) => `${standardLine(r)}\n`).join('');
}

/** The JSON report (schema documented in docs/rules.md; `schemaVersion` changes only on incompatible changes). */
export function staticJson(
  findings: readonly StaticFinding[],
  stacks: readonly string[],
  opts: { at: Date; strict?: boolean; standards?: readonly StandardResult[] },
): string {
  const c = countBy(findings);
  const result = c.errors || (opts.strict && c.warnings) ? 'FAIL' : 'PASS';
  const at = opts.at.toISOString().slice(0, 10);
  const report = { schemaVersion: 1, at, strict: !!opts.strict, result, standards: opts.standards ?? [], stacks, ...c };
  return `${JSON.stringify({ ...report, findings }, null, 2)}\n`;
}
