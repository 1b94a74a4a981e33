import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { parseLock } from '../../src/model/lock';
import { synthesize, writeStacks } from '../../src/synth/synth';
import { KObject } from '../../src/model/object';
import { definitions } from '../../classes';

const lock = parseLock(fs.readFileSync(path.join(__dirname, '../../stacks.lock.json'), 'utf8'));
const result = synthesize(lock, definitions);
const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as KObject);
/** What a ClusterClass template reference carries. */
type Ref = { apiVersion: string; kind: string; name: string };

test('one stack per definition and locked minor, named <provider>-<stack>-<maj>-<min>-v<N>', () => {
  const expected = Object.entries(lock.stacks).flatMap(([id, minors]) =>
    Object.entries(minors).map(([minor, e]) => `${id}-${minor.replace('.', '-')}-${e.version}`),
  );
  expect(result.stacks.map((s) => s.ctx.name).sort()).toEqual(expected.sort());
  expect(result.stacks.length).toBeGreaterThanOrEqual(6);
});

test('the committed lock matches the shipped definitions (no released name changed content)', () => {
  expect(result.lockMismatches).toEqual([]);
});

test.each(result.stacks.map((s) => [s.ctx.name, s] as const))(
  '%s: every object is named and every templateRef resolves',
  (_n, s) => {
    const objects = docs(s.files.find((f) => f.path === 'cluster-class.yaml')!.content);
    for (const o of objects) {
      expect(o.apiVersion).toMatch(/^[a-z0-9.-]+\/v1(beta[12])?$/);
      expect(o.kind).toBeTruthy();
      expect(o.metadata?.name).toMatch(new RegExp(`^${s.ctx.name}(-|$)`));
      expect(o.metadata?.namespace).toBeUndefined();
    }
    const cc = objects.filter((o) => o.kind === 'ClusterClass');
    expect(cc).toHaveLength(1);
    const spec = cc[0].spec;
    const refs = [
      spec.infrastructure.templateRef,
      spec.controlPlane.templateRef,
      spec.controlPlane.machineInfrastructure.templateRef,
      ...spec.workers.machineDeployments.flatMap(
        (md: { bootstrap: { templateRef: Ref }; infrastructure: { templateRef: Ref } }) => [
          md.bootstrap.templateRef,
          md.infrastructure.templateRef,
        ],
      ),
    ];
    for (const ref of refs) {
      expect(ref.kind).toMatch(/Template$/);
      expect(
        objects.filter((o) => o.apiVersion === ref.apiVersion && o.kind === ref.kind && o.metadata?.name === ref.name),
      ).toHaveLength(1);
    }
    // every patch selector names a template of this class
    for (const p of spec.patches) {
      for (const d of p.definitions)
        expect(refs.some((r) => r.apiVersion === d.selector.apiVersion && r.kind === d.selector.kind)).toBe(true);
    }
  },
);

test.each(result.stacks.map((s) => [s.ctx.name, s] as const))('%s: CSO-compatible metadata.yaml', (_n, s) => {
  const meta: unknown = docs(s.files.find((f) => f.path === 'metadata.yaml')!.content)[0];
  expect(meta).toEqual({
    apiVersion: 'metadata.clusterstack.x-k8s.io/v1alpha1',
    versions: {
      clusterStack: s.ctx.version,
      kubernetes: `v${s.ctx.kubernetesVersion}`,
      components: { clusterAddon: s.ctx.version, nodeImage: expect.stringContaining(`v${s.ctx.kubernetesVersion}`) },
    },
  });
});

test('v1beta2 ClusterClass has no empty optional lists or objects', () => {
  for (const s of result.stacks) {
    const text = s.files.find((f) => f.path === 'cluster-class.yaml')!.content;
    const cc = docs(text).find((o) => o.kind === 'ClusterClass')!;
    const { variables, ...rest } = cc.spec;
    // JSON patch values are data, not v1beta2 fields: an empty object there is legitimate (capi/empty-optional
    // skips them too), e.g. docker-scs's `backend: {inMemory: {}}`.
    const json = JSON.stringify(rest, (k, v) => (k === 'value' ? undefined : v));
    expect(json).not.toMatch(/\[\]|\{\}/);
    expect(json).toContain('jsonPatches');
    expect(variables.length).toBeGreaterThan(0);
  }
});

test('two synths are byte-identical', () => {
  const dirs = [1, 2].map((i) => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), `cskit-det-${i}-`));
    writeStacks(synthesize(lock, definitions).stacks, path.join(d, 'dist'));
    return path.join(d, 'dist');
  });
  const files = (d: string): string[] => fs.readdirSync(d, { recursive: true, encoding: 'utf8' }).sort();
  expect(files(dirs[0])).toEqual(files(dirs[1]));
  for (const f of files(dirs[0]).filter((f) => f.endsWith('.yaml'))) {
    expect(fs.readFileSync(path.join(dirs[1], f), 'utf8')).toBe(fs.readFileSync(path.join(dirs[0], f), 'utf8'));
  }
  expect(files(dirs[0])).toContain(path.join('openstack-scs-1-36-v3', 'cluster-class.yaml'));
});

test('addons: false builds the same class and metadata files, no addon file, no lock hash and no lock check', () => {
  // A lock whose hashes are all wrong: the full build reports every stack, the class-only build none.
  const wrong = {
    ...lock,
    stacks: Object.fromEntries(
      Object.entries(lock.stacks).map(([id, m]) => [
        id,
        Object.fromEntries(Object.entries(m).map(([minor, e]) => [minor, { ...e, hash: `sha256:${'0'.repeat(64)}` }])),
      ]),
    ),
  };
  expect(synthesize(wrong, definitions).lockMismatches).toHaveLength(result.stacks.length);
  const classOnly = synthesize(wrong, definitions, { addons: false });
  expect(classOnly.lockMismatches).toEqual([]);
  expect(classOnly.stacks.map((s) => s.ctx.name)).toEqual(result.stacks.map((s) => s.ctx.name));
  classOnly.stacks.forEach((s, i) => {
    expect(s.files.map((f) => f.path)).toEqual(['cluster-class.yaml', 'metadata.yaml']);
    const full = new Map(result.stacks[i].files.map((f) => [f.path, f.content]));
    for (const f of s.files) expect(f.content).toBe(full.get(f.path));
    expect(s.contentHash).toBeUndefined();
  });
  expect(result.stacks.every((s) => s.files.some((f) => f.path.startsWith('addons/')))).toBe(true);
});
