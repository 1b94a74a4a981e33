import { xmlEscape as xml } from '../junit-xml';
import { CheckResult, CheckVerdict } from './result';

/** One cluster's results (the fleet mode has many). */
export interface ClusterReport {
  readonly cluster: string;
  readonly results: CheckResult[];
}

const MARK: Record<string, string> = { error: 'FAIL', warning: 'WARN', info: 'info' };

export function overall(reports: readonly ClusterReport[]): CheckVerdict {
  const all = reports.flatMap((r) => r.results.map((x) => x.verdict));
  for (const v of ['ABORT', 'FAIL', 'WARN'] as const) if (all.includes(v)) return v;
  return 'PASS';
}

export function formatTable(reports: readonly ClusterReport[]): string {
  const out: string[] = [];
  for (const r of reports) {
    if (r.cluster) out.push(`cluster ${r.cluster}`);
    for (const res of r.results) {
      out.push(
        `  ${res.standard}-${res.version} ${res.name}: ${res.verdict} (${(res.durationMs / 1000).toFixed(1)} s)`,
      );
      for (const f of res.findings) out.push(`    ${MARK[f.severity].padEnd(4)}  ${f.message}`);
    }
  }
  const counts = reports
    .flatMap((r) => r.results)
    .reduce<Record<string, number>>((m, x) => ({ ...m, [x.verdict]: (m[x.verdict] ?? 0) + 1 }), {});
  out.push(
    `${overall(reports)}: ${Object.entries(counts)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')} (${reports.length} cluster${reports.length === 1 ? '' : 's'})`,
  );
  return `${out.join('\n')}\n`;
}

/**
 * The SCS test scripts' result lines: `<name>: PASS|FAIL|ABORT (<standard>-<version>)` (a warning is a PASS there);
 * the version says which version of the standard the verdict is for.
 */
export function formatScs(reports: readonly ClusterReport[]): string {
  return (
    reports
      .flatMap((r) =>
        r.results.map((res) => {
          const v = res.verdict === 'WARN' ? 'PASS' : res.verdict;
          return `${r.cluster ? `${r.cluster}: ` : ''}${res.name}: ${v} (${res.standard}-${res.version})`;
        }),
      )
      .join('\n') + '\n'
  );
}

export function formatJson(reports: readonly ClusterReport[], meta: Record<string, unknown>): string {
  return `${JSON.stringify({ ...meta, verdict: overall(reports), clusters: reports }, null, 2)}\n`;
}

const firstError = (findings: readonly { severity: string; message: string }[]): string =>
  findings.find((f) => f.severity === 'error')?.message ?? 'FAIL';

/** JUnit XML: one testsuite per cluster, one testcase per standard. */
export function formatJunit(reports: readonly ClusterReport[]): string {
  const suites = reports.map((r) => {
    const cases = r.results.map((res) => {
      const detail = xml(res.findings.map((f) => `${MARK[f.severity]}: ${f.message}`).join('\n'));
      const body =
        res.verdict === 'FAIL'
          ? `<failure message="${xml(firstError(res.findings))}">${detail}</failure>`
          : res.verdict === 'ABORT'
            ? `<error message="${xml(res.findings[0]?.message ?? 'ABORT')}">${detail}</error>`
            : `<system-out>${detail}</system-out>`;
      return (
        `    <testcase classname="${xml(r.cluster)}" name="${res.standard}-${res.version} ${res.name}" ` +
        `time="${(res.durationMs / 1000).toFixed(3)}">${body}</testcase>`
      );
    });
    const failures = r.results.filter((x) => x.verdict === 'FAIL').length;
    const errors = r.results.filter((x) => x.verdict === 'ABORT').length;
    return (
      `  <testsuite name="${xml(r.cluster)}" tests="${r.results.length}" failures="${failures}" ` +
      `errors="${errors}">\n${cases.join('\n')}\n  </testsuite>`
    );
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="cskit verify ` +
    `cluster">\n${suites.join('\n')}\n</testsuites>\n`
  );
}
