import * as fs from 'fs';
import * as path from 'path';
import { Prerequisite, missingMessage, prerequisiteMode, underCi } from './prerequisite';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { skippedLines } = require('../../testenv/jest-skipped-reporter.js');

const root = path.join(__dirname, '..', '..');
const capi: Prerequisite = { what: 'Cluster API managers', missing: ['/bin/capi'], fix: 'run bash testenv/build.sh' };

test('a missing prerequisite fails under CI, skips locally, and a present one runs', () => {
  expect(prerequisiteMode(capi, { CI: 'true' })).toBe('fail');
  expect(prerequisiteMode(capi, { CI: '1' })).toBe('fail');
  expect(prerequisiteMode(capi, {})).toBe('skip');
  expect(prerequisiteMode(capi, { CI: 'false' })).toBe('skip');
  expect(prerequisiteMode(capi, { CI: '0' })).toBe('skip');
  expect(prerequisiteMode({ ...capi, missing: [] }, { CI: 'true' })).toBe('run');
  expect(underCi({ CI: '' })).toBe(false);
  expect(missingMessage(capi)).toBe(
    'prerequisite missing: Cluster API managers (/bin/capi); run bash testenv/build.sh',
  );
});

test("the run's summary names every test that did not run, by file and full name", () => {
  const results = {
    testResults: [
      {
        testFilePath: path.join(root, 'test/e2e/a.test.ts'),
        testResults: [
          { status: 'passed', fullName: 'ran' },
          { status: 'pending', fullName: `suite SKIPPED, ${missingMessage(capi)}` },
          { status: 'todo', fullName: 'later' },
        ],
      },
    ],
  };
  expect(skippedLines(results, root)).toEqual([
    `test/e2e/a.test.ts › suite SKIPPED, ${missingMessage(capi)}`,
    'test/e2e/a.test.ts › later',
  ]);
});

/** Every .ts file under `dir`, relative to the repo root. */
function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

test('no test skips, focuses or returns early except through test/support/prerequisite.ts', () => {
  const own = ['test/support/prerequisite.ts', 'test/support/prerequisite.test.ts'];
  const patterns: Array<[RegExp, string]> = [
    [/\b(describe|test|it)\.(skip|only|todo)\b/, 'skips or focuses tests'],
    [/(^|[^\w.])(xit|xtest|xdescribe|fit|fdescribe)\(/, 'skips or focuses tests'],
    [/\b(test|it)(\.each\([\s\S]*?\))?\([^\n]*(=>|function[^\n]*) \{\n\s*if \([^\n]*\)\s*return\b/, 'returns early'],
  ];
  const offenders: string[] = [];
  for (const file of [...sources('test'), ...sources('testenv')].filter((f) => !own.includes(f))) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    for (const [re, what] of patterns) {
      const m = re.exec(text);
      if (m) offenders.push(`${file}:${text.slice(0, m.index).split('\n').length}: ${what}`);
    }
  }
  expect(offenders).toEqual([]);
});
