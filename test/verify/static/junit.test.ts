import { findings } from './sample-findings';
import { xmlEscape } from '../../../src/verify/junit-xml';
import { junitReport } from '../../../src/verify/static/junit';
import { parseXml } from './xml';

const rules = [
  { id: 'capi/patch-op', source: 's', fix: 'f' },
  { id: 'scs-0211/unknown-provisioner', source: 's', fix: 'f' },
  { id: 'scs-0210/branch-missing', source: 's', fix: 'f' },
];

test('one testcase per rule and stack, errors fail, set rules in their own suite, text escaped', () => {
  const doc = parseXml(junitReport(findings, ['a', 'b'], rules));
  const suites = Array.from(doc.getElementsByTagName('testsuite'));
  expect(suites.map((s) => [s.getAttribute('name'), s.getAttribute('tests'), s.getAttribute('failures')])).toEqual([
    ['a', '2', '1'],
    ['b', '2', '0'],
    ['(all stacks)', '1', '1'],
  ]);
  const failure = doc.getElementsByTagName('failure')[0];
  expect(failure.parentNode && failure.parentNode.getAttribute('name')).toBe('capi/patch-op');
  // the BEL character cannot be carried by XML
  expect(failure.getAttribute('message')).toBe('op "move" <not> & \'allowed\'');
  expect(failure.textContent).toContain('(ClusterClass a spec.patches[0]); fix: use add');
  expect(doc.getElementsByTagName('testsuites')[0].getAttribute('failures')).toBe('2');
  // a warning is reported, not failed, without --strict
  expect(doc.getElementsByTagName('system-out')[0].textContent).toContain('WARNING scs-0211/unknown-provisioner');
});

test('with strict, warnings fail too', () => {
  const doc = parseXml(junitReport(findings, ['a', 'b'], rules, true));
  expect(Array.from(doc.getElementsByTagName('failure')).map((f) => f.getAttribute('type'))).toEqual([
    'error',
    'warning',
    'error',
  ]);
});

test('a finding of a rule not in the catalog still gets its testcase', () => {
  const doc = parseXml(
    junitReport([{ rule: 'schema/invalid', severity: 'error', stack: 'a', message: 'm' }], ['a'], []),
  );
  expect(Array.from(doc.getElementsByTagName('testcase')).map((t) => t.getAttribute('name'))).toEqual([
    'schema/invalid',
  ]);
});

test('xmlEscape escapes markup and drops characters XML cannot hold', () => {
  expect(xmlEscape('<a href="x">&\'\u0000\u001b')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
});
