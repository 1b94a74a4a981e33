import { xmlEscape } from '../junit-xml';
import { RuleInfo, StaticFinding } from './finding';
import { StandardResult } from './verdict';

/** The suite that holds rules judged on the set of stacks together (scs-0210). */
export const ALL_STACKS = '(all stacks)';
/** The suite of the standards' verdicts: one testcase per standard, named with its version. */
export const STANDARDS_SUITE = '(standards)';

function standardsSuite(results: readonly StandardResult[]): { xml: string; failures: number; skipped: number } {
  const cases = results.map((r) => {
    const name = `${r.standard}-${r.version} ${r.check}`;
    const inner =
      r.verdict === 'FAIL'
        ? `<failure type="error" message="${xmlEscape(r.reason)}">${xmlEscape(`${name}: FAIL (${r.reason})`)}</failure>`
        : r.verdict === 'NOT CHECKED'
          ? `<skipped message="${xmlEscape(`not checked: ${r.reason}`)}"/>`
          : '';
    return `    <testcase classname="${STANDARDS_SUITE}" name="${xmlEscape(name)}" time="0">${inner}</testcase>`;
  });
  const failures = results.filter((r) => r.verdict === 'FAIL').length;
  const skipped = results.filter((r) => r.verdict === 'NOT CHECKED').length;
  const head = `  <testsuite name="${STANDARDS_SUITE}" tests="${results.length}" failures="${failures}" errors="0"`;
  return { xml: `${head} skipped="${skipped}" time="0">\n${cases.join('\n')}\n  </testsuite>`, failures, skipped };
}

function line(f: StaticFinding): string {
  const where = [f.file, f.object, f.path].filter(Boolean).join(' ');
  return (
    `${f.severity.toUpperCase()} ${f.rule}: ` +
    `${f.message}${where ? ` (${where})` : ''}${f.fix && f.severity !== 'info' ? `; fix: ${f.fix}` : ''}`
  );
}

/**
 * JUnit XML: one <testsuite> per stack (plus one for the rules judged on all stacks together), one <testcase> per
 * rule in it. A testcase fails on an error finding, and on a warning with `strict`; other findings go to its
 * <system-out>. Rules found but not in `rules` (e.g. from a newer rule set) still get their testcase. A rule that
 * had nothing to judge in a stack (`notApplicable`, keyed `stack\0rule`: the class rules where a stack has no
 * ClusterClass) is <skipped>, not a pass.
 */
export function junitReport(
  findings: readonly StaticFinding[],
  stacks: readonly string[],
  rules: readonly RuleInfo[],
  strict = false,
  standards: readonly StandardResult[] = [],
  notApplicable: ReadonlyMap<string, string> = new Map(),
): string {
  const setRule = (id: string) => id.startsWith('scs-0210/');
  const suites: Array<{ name: string; ids: string[] }> = stacks.map((s) => ({
    name: s,
    ids: rules.filter((r) => !setRule(r.id)).map((r) => r.id),
  }));
  if (rules.some((r) => setRule(r.id)) || findings.some((f) => f.stack === ALL_STACKS)) {
    suites.push({ name: ALL_STACKS, ids: rules.filter((r) => setRule(r.id)).map((r) => r.id) });
  }
  for (const f of findings) {
    let suite = suites.find((s) => s.name === f.stack);
    if (!suite) suites.push((suite = { name: f.stack, ids: [] }));
    if (!suite.ids.includes(f.rule)) suite.ids.push(f.rule);
  }
  let tests = 0;
  let failures = 0;
  const body: string[] = [];
  for (const s of suites) {
    const cases: string[] = [];
    let suiteFailures = 0;
    let suiteSkipped = 0;
    for (const id of s.ids) {
      const mine = findings.filter((f) => f.stack === s.name && f.rule === id);
      const failing = mine.filter((f) => f.severity === 'error' || (strict && f.severity === 'warning'));
      const other = mine.filter((f) => !failing.includes(f));
      let inner = '';
      if (failing.length) {
        suiteFailures++;
        inner +=
          `\n      <failure type="${failing.some((f) => f.severity === 'error') ? 'error' : 'warning'}" ` +
          `message="${xmlEscape(failing[0].message)}">${xmlEscape(failing.map(line).join('\n'))}</failure>`;
      }
      if (other.length) inner += `\n      <system-out>${xmlEscape(other.map(line).join('\n'))}</system-out>`;
      const skip = mine.length ? undefined : notApplicable.get(`${s.name}\0${id}`);
      if (skip) {
        suiteSkipped++;
        inner += `\n      <skipped message="${xmlEscape(`not checked: ${skip}`)}"/>`;
      }
      cases.push(
        `    <testcase classname="${xmlEscape(s.name)}" name="${xmlEscape(id)}" ` +
          `time="0">${inner ? `${inner}\n    ` : ''}</testcase>`,
      );
    }
    tests += s.ids.length;
    failures += suiteFailures;
    body.push(
      `  <testsuite name="${xmlEscape(s.name)}" tests="${s.ids.length}" failures="${suiteFailures}" errors="0" ` +
        `skipped="${suiteSkipped}" time="0">\n${cases.join('\n')}${cases.length ? '\n' : ''}  </testsuite>`,
    );
  }
  if (standards.length) {
    const suite = standardsSuite(standards);
    body.push(suite.xml);
    tests += standards.length;
    failures += suite.failures;
  }
  const root = `<testsuites name="cskit verify" tests="${tests}" failures="${failures}" errors="0" time="0">`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n${body.join('\n')}\n</testsuites>\n`;
}
