// The one-defect corpus on disk (test/fixtures/verify/<rule-slug>--<variant>/), verified as `cskit verify <dir>` would.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bundledVersionData } from '../../../src/k8s-versions/data';
import { parseLock } from '../../../src/model/lock';
import { CLASS_RULES } from '../../../src/model/class-rules';
import { STATIC_RULES } from '../../../src/verify/static/catalog';
import { StaticFinding } from '../../../src/verify/static/finding';
import { loadStacks } from '../../../src/verify/static/load';
import { verifyStacks } from '../../../src/verify/static/run';
import { DEFECTS, slug } from '../../fixtures/verify/defects';
import { FIXTURES_DIR, renderCorpus } from '../../fixtures/verify/generate';

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

describe('an SCS-style v1beta1 stack (written for the test, modelled on the scs2 facts)', () => {
  const dir = path.join(FIXTURES_DIR, 'scs-v1beta1');

  test('verifies clean: v1beta1 refs, nested variable paths, range/printf templates, rendered CSI addon', () => {
    const stacks = loadStacks([dir]);
    expect(stacks).toHaveLength(1);
    expect(stacks[0].objects.find((o) => o.obj.kind === 'ClusterClass')!.obj.apiVersion).toBe(
      'cluster.x-k8s.io/v1beta1',
    );
    const found = verifyDir(dir);
    expect(failing(found)).toEqual([]);
    expect(found.find((f) => f.rule === 'scs-0211/properties')!.message).toContain(
      'cinder.csi.openstack.org (network)',
    );
  });

  test('a defect in it is reported at its v1beta1 path', () => {
    const stacks = loadStacks([dir]);
    const cc = stacks[0].objects.find((o) => o.obj.kind === 'ClusterClass')!.obj;
    cc.spec.workers.machineDeployments[0].template.bootstrap.ref.name = 'gone';
    cc.spec.patches.find(
      (p: { name: string }) => p.name === 'workerImage',
    ).definitions[0].jsonPatches[0].valueFrom.template = '{{ .imageName | toYaml }}';
    const got = verifyStacks(stacks, opts)
      .filter((f) => f.rule.startsWith('capi/'))
      .map((f) => [f.rule, f.path]);
    expect(got).toEqual([
      ['capi/template-ref-resolves', 'spec.workers.machineDeployments[0].template.bootstrap.ref'],
      ['capi/template-parse', 'spec.patches[12].definitions[0].jsonPatches[0].valueFrom.template'],
    ]);
  });
});

test("docs/rules.md and the catalogue cannot drift: its table rows name exactly the catalogue's rules", () => {
  const doc = fs.readFileSync(path.join(__dirname, '../../../docs/rules.md'), 'utf8');
  // the first cell of every table row: one rule id, or several (`scs-0210/latest`, `scs-0210/patch-pending`, …)
  const documented = doc
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .flatMap((l) => [...l.split('|')[1].matchAll(/`([a-z0-9-]+\/[a-z0-9-]+)`/g)].map((m) => m[1]));
  const ids = STATIC_RULES.map((r) => r.id);
  expect(ids.filter((id) => !documented.includes(id))).toEqual([]); // a rule without its row
  expect(documented.filter((id) => !ids.includes(id))).toEqual([]); // a row naming no rule (renamed, removed)
  expect(new Set(ids).size).toBe(ids.length);
});

test('every ClusterClass rule is a record with its own check, and every one has a fixture in the corpus', () => {
  for (const r of CLASS_RULES) {
    expect(typeof r.check).toBe('function');
    expect(r.source.length).toBeGreaterThan(10);
    expect(r.fix.length).toBeGreaterThan(5);
  }
  const covered = new Set(DEFECTS.map((d) => d.rule));
  expect(CLASS_RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
});

test('loose YAML with two classes (helm template output) is two stacks, each class checked once', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-loose-'));
  const text = fs.readFileSync(path.join(FIXTURES_DIR, 'capi-patch-op--move', 'cluster-class.yaml'), 'utf8');
  fs.writeFileSync(path.join(dir, 'a.yaml'), text);
  fs.writeFileSync(
    path.join(dir, 'b.yaml'),
    text.replace(/name: fixture-mini-1-36-v1$/m, 'name: fixture-mini-1-36-v2'),
  );
  const stacks = loadStacks([dir]);
  expect(stacks.map((s) => s.name)).toEqual(['fixture-mini-1-36-v1', 'fixture-mini-1-36-v2']);
  const ops = verifyStacks(stacks, opts).filter((f) => f.rule === 'capi/patch-op');
  expect(ops.map((f) => [f.stack, f.file])).toEqual([
    ['fixture-mini-1-36-v1', path.join(dir, 'a.yaml')],
    ['fixture-mini-1-36-v2', path.join(dir, 'b.yaml')],
  ]);
});
