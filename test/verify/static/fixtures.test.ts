import * as fs from 'fs';
import * as path from 'path';
import { bundledVersionData } from '../../../src/k8s-versions/data';
import { parseLock } from '../../../src/model/lock';
import { StaticFinding } from '../../../src/verify/static/finding';
import { loadStacks } from '../../../src/verify/static/load';
import { verifyStacks } from '../../../src/verify/static/run';
import { DEFECTS, slug } from '../../fixtures/verify/defects';
import { FIXTURES_DIR, renderCorpus } from '../../fixtures/verify/generate';

// The one-defect corpus on disk (test/fixtures/verify/<rule-slug>--<variant>/), verified as `cskit verify <dir>` would.
const opts = { at: new Date('2026-09-01'), data: bundledVersionData() };

function verifyDir(dir: string): StaticFinding[] {
  const lockFile = path.join(dir, 'stacks.lock.json');
  const lock = fs.existsSync(lockFile) ? parseLock(fs.readFileSync(lockFile, 'utf8'), lockFile) : undefined;
  // scs-0210 judges a set of stacks (one fixture alone never offers every branch): not part of these checks
  return verifyStacks(loadStacks([dir]), { ...opts, lock }).filter((f) => !f.rule.startsWith('scs-0210/'));
}
const failing = (fs_: StaticFinding[]) => fs_.filter((f) => f.severity === 'error' || f.severity === 'warning');

test('the corpus holds at least 40 one-defect stacks and matches what generate.ts writes', () => {
  expect(DEFECTS.length).toBeGreaterThanOrEqual(40);
  const corpus = renderCorpus();
  for (const [dir, files] of Object.entries(corpus)) {
    for (const [p, text] of Object.entries(files)) {
      // out of date? run: npx ts-node test/fixtures/verify/generate.ts
      expect(`${dir}/${p}: ${fs.readFileSync(path.join(FIXTURES_DIR, dir, p), 'utf8')}`).toBe(`${dir}/${p}: ${text}`);
    }
  }
});

test('the clean base (hand-written and generated, with its lock) yields no error and no warning', () => {
  expect(failing(verifyDir(path.join(FIXTURES_DIR, '_base')))).toEqual([]);
  const clean = verifyDir(path.join(FIXTURES_DIR, 'clean'));
  expect(failing(clean)).toEqual([]);
  expect(clean.map((f) => f.rule)).toEqual(['scs-0211/properties']);
});

test.each(DEFECTS.map((d) => [slug(d), d] as const))('%s yields exactly its rule', (dir, d) => {
  const found = verifyDir(path.join(FIXTURES_DIR, dir));
  // schema/* rules (the objects' OpenAPI schemas) may also see a defect that breaks a CRD enum or pattern
  const got = failing(found).filter((f) => !f.rule.startsWith('schema/'));
  expect([...new Set(got.map((f) => `${f.severity} ${f.rule}`))]).toEqual([`${d.severity} ${d.rule}`]);
  for (const f of got) {
    expect(f.message.length).toBeGreaterThan(10);
    expect(f.fix).toBeTruthy();
    expect(f.object ?? f.file).toBeTruthy(); // where: the object or file
  }
  expect(JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, dir, 'defect.json'), 'utf8')).rule).toBe(d.rule);
});
