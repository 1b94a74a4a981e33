import { xmlEscape } from '../junit-xml';
import { RuleInfo, StaticFinding } from './finding';

/** The suite that holds rules judged on the set of stacks together (scs-0210). */
export const ALL_STACKS = '(all stacks)';

function line(f: StaticFinding): string {
  const where = [f.file, f.object, f.path].filter(Boolean).join(' ');
  return `${f.severity.toUpperCase()} ${f.rule}: ${f.message}${where ? ` (${where})` : ''}${f.fix && f.severity !== 'info' ? `; fix: ${f.fix}` : ''}`;
}

/**
 * JUnit XML: one <testsuite> per stack (plus one for the rules judged on all stacks together), one <testcase> per
 * rule in it. A testcase fails on an error finding, and on a warning with `strict`; other findings go to its
 * <system-out>. Rules found but not in `rules` (e.g. from a newer rule set) still get their testcase.
 */
export function junitReport(
  findings: readonly StaticFinding[],
  stacks: readonly string[],
  rules: readonly RuleInfo[],
  strict = false,
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
    for (const id of s.ids) {
      const mine = findings.filter((f) => f.stack === s.name && f.rule === id);
      const failing = mine.filter((f) => f.severity === 'error' || (strict && f.severity === 'warning'));
      const other = mine.filter((f) => !failing.includes(f));
      let inner = '';
      if (failing.length) {
        suiteFailures++;
        inner += `\n      <failure type="${failing.some((f) => f.severity === 'error') ? 'error' : 'warning'}" message="${xmlEscape(failing[0].message)}">${xmlEscape(failing.map(line).join('\n'))}</failure>`;
      }
      if (other.length) inner += `\n      <system-out>${xmlEscape(other.map(line).join('\n'))}</system-out>`;
      cases.push(
        `    <testcase classname="${xmlEscape(s.name)}" name="${xmlEscape(id)}" time="0">${inner ? `${inner}\n    ` : ''}</testcase>`,
      );
    }
    tests += s.ids.length;
    failures += suiteFailures;
    body.push(
      `  <testsuite name="${xmlEscape(s.name)}" tests="${s.ids.length}" failures="${suiteFailures}" errors="0" skipped="0" time="0">\n${cases.join('\n')}${cases.length ? '\n' : ''}  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="cskit verify" tests="${tests}" failures="${failures}" errors="0" time="0">\n${body.join('\n')}\n</testsuites>\n`;
}
