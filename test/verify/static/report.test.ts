import { stripVTControlCharacters } from 'util';
import { findings } from './sample-findings';
import { staticJson, staticScs, staticTable } from '../../../src/verify/static/report';
import { STATIC_RULES } from '../../../src/verify/static/catalog';
import { standardResults } from '../../../src/verify/static/verdict';
import { DEFAULT_VERSIONS } from '../../../src/verify/standards';

describe('table report', () => {
  const plain = stripVTControlCharacters; // colour codes out: the text must be the same
  test('grouped by stack with a summary; colour only when asked, same text', () => {
    const bw = staticTable(findings, ['a', 'b', 'c']);
    expect(bw).not.toContain('\x1b[');
    expect(bw.split('\n')).toEqual(
      expect.arrayContaining(['a', 'c', '  ok', 'FAIL: 3 stack(s), 2 error(s), 1 warning(s)']),
    );
    const color = staticTable(findings, ['a', 'b', 'c'], { color: true });
    expect(color).toContain('\x1b[31mERROR');
    expect(plain(color)).toBe(bw);
  });
  test('with strict, a warning alone fails the summary', () => {
    const warnOnly = findings.filter((f) => f.severity === 'warning');
    expect(staticTable(warnOnly, ['b'])).toMatch(/^PASS: 1 stack\(s\), 0 error\(s\), 1 warning\(s\)$/m);
    expect(staticTable(warnOnly, ['b'], { strict: true })).toMatch(
      /^FAIL: 1 stack\(s\), 0 error\(s\), 1 warning\(s\) \(strict\)$/m,
    );
  });
});

test('scs result lines name the standard version; a line without its evidence is FAIL, not PASS', () => {
  // no scs-0211/properties finding for a or b: nothing showed a default StorageClass
  const verdicts = standardResults(findings, ['a', 'b'], STATIC_RULES, DEFAULT_VERSIONS);
  expect(staticScs(verdicts)).toBe(
    'version-policy-check: FAIL (scs-0210-v2: scs-0210/branch-missing)\n' +
      'default-storage-class-check: FAIL (scs-0211-v1: no default StorageClass was judged for a, b)\n',
  );
  const json = JSON.parse(
    staticJson(findings, ['a', 'b'], { at: new Date('2026-09-01T00:00:00Z'), strict: true, standards: verdicts }),
  );
  expect(json.standards.map((s: { standard: string; version: string; verdict: string }) => s)).toEqual([
    expect.objectContaining({ standard: 'scs-0210', version: 'v2', verdict: 'FAIL' }),
    expect.objectContaining({ standard: 'scs-0211', version: 'v1', verdict: 'FAIL' }),
  ]);
  expect(json).toMatchObject({
    schemaVersion: 1,
    at: '2026-09-01',
    strict: true,
    result: 'FAIL',
    stacks: ['a', 'b'],
    errors: 2,
    warnings: 1,
  });
  expect(json.findings).toHaveLength(3);
});
