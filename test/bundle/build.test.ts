import { definitions } from '../../classes';
import { buildBundle } from '../../src/bundle/build';
import { readBundle } from '../../src/bundle/read';
import { BundledAddon, CLASS_LABEL, MAX_PART_BYTES, MOVE_LABEL, bundlePartName } from '../../src/model/addon-bundle';
import { ADDON_BUNDLE_FILE as BUNDLE_FILE } from '../../src/dist/layout';
import { KObject } from '../../src/model/object';
import { StackDefinition } from '../../src/model/stack';
import { synthesizeAddons } from '../../src/synth/addons';
import { parseYaml } from '../../src/util/yaml';
import { ctxFor } from '../addons/support';

const docker = definitions.find((d) => d.provider === 'docker') as StackDefinition;
const ctx = ctxFor('1.36', 'docker-scs');

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');
const docsOf = (text: string, source: string) => parseYaml(text, source, 'manifest').map((d) => d.value as KObject);

/** A synthetic addon of `n` ConfigMaps of `size` bytes each: big enough to need several parts. */
function bigAddon(n: number, size: number, order = 1): BundledAddon {
  return {
    name: 'big',
    order,
    version: '1',
    phase: 'metrics',
    upgrade: 'AfterClusterUpgrade',
    namespace: 'kube-system',
    dependsOn: [],
    inputs: [{ path: 'cluster.name', type: 'string', description: 'name' }],
    healthChecks: [],
    manifests: Array.from({ length: n }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `big-${i}`, namespace: 'kube-system' },
      data: { blob: `${'x'.repeat(size)}{{cluster.name}}` },
    })),
  };
}

test('synth writes the docker bundle as one AddonBundle named like the class, with the move and class labels', () => {
  const files = synthesizeAddons(docker, ctx);
  const bundle = files.find((f) => f.path === BUNDLE_FILE)!;
  const objs = docsOf(bundle.content, BUNDLE_FILE);
  expect(objs).toHaveLength(1);
  expect(objs[0].metadata?.name).toBe(ctx.name);
  expect(objs[0].metadata?.labels).toEqual({ [CLASS_LABEL]: ctx.name, [MOVE_LABEL]: '' });
  expect(objs[0].spec).toMatchObject({ class: ctx.name, stack: 'docker-scs', part: 1, parts: 1 });
});

test('the bundle holds each addon file’s objects unchanged, in order, with both phases and health checks', () => {
  const files = synthesizeAddons(docker, ctx);
  const read = readBundle(docsOf(files.find((f) => f.path === BUNDLE_FILE)!.content, BUNDLE_FILE), ctx.name);
  expect(read.addons.map((a) => [a.order, a.name, a.phase, a.upgrade])).toEqual([
    [1, 'cilium', 'cni', 'BeforeClusterUpgrade'],
    [2, 'dev-storage', 'storage', 'AfterClusterUpgrade'],
    [3, 'metrics-server', 'metrics', 'AfterClusterUpgrade'],
  ]);
  for (const [i, a] of read.addons.entries()) {
    const file = files.find((f) => f.path === `addons/0${i + 1}-${a.name}.yaml`)!;
    expect(a.manifests).toEqual(docsOf(file.content, file.path));
  }
  // health checks derived from kinds: rollouts of the DaemonSet/Deployments, the APIService Available
  expect(read.addons[0].healthChecks.map((c) => `${c.type} ${c.kind} ${c.name}`)).toEqual([
    'rollout DaemonSet cilium',
    'rollout Deployment cilium-operator',
  ]);
  expect(read.addons[1].healthChecks).toEqual([]);
  expect(read.addons[2].healthChecks.map((c) => `${c.type} ${c.kind} ${c.name}`)).toEqual([
    'rollout Deployment metrics-server',
    'available APIService v1beta1.metrics.k8s.io',
  ]);
});

test('a big addon is split into parts <class>-<n>, each under the limit, and reads back whole and in order', () => {
  const small = { ...bigAddon(2, 10, 1), name: 'small' };
  const big = bigAddon(7, 300 * 1024, 2);
  const parts = buildBundle(ctx, [small, big]);
  expect(parts.length).toBeGreaterThan(2);
  expect(parts.map((p) => p.metadata?.name)).toEqual(parts.map((_, i) => `${ctx.name}-${i + 1}`));
  for (const p of parts) {
    expect(bytes(p)).toBeLessThanOrEqual(MAX_PART_BYTES);
    expect(p.spec).toMatchObject({ parts: parts.length });
  }
  const read = readBundle([...parts].reverse(), ctx.name); // the API lists parts in any order
  expect(read.addons.map((a) => a.name)).toEqual(['small', 'big']);
  expect(read.addons[1].manifests).toEqual(big.manifests);
  expect(read.addons[1]).toEqual(big);
});

test('a part name is the class for one part and <class>-<n> otherwise', () => {
  expect(bundlePartName('c-1-36-v1', 1, 1)).toBe('c-1-36-v1');
  expect(bundlePartName('c-1-36-v1', 2, 3)).toBe('c-1-36-v1-2');
});

test('one object larger than a part is an error naming the addon and the object', () => {
  expect(() => buildBundle(ctx, [bigAddon(1, 100 * 1024)], 64 * 1024)).toThrow(
    /addon big: ConfigMap kube-system\/big-0 is \d+ bytes of JSON, more than an AddonBundle part holds \(65536\)/,
  );
});

test('building is deterministic: the same addons give identical bytes (the bundle is in the content hash)', () => {
  expect(JSON.stringify(buildBundle(ctx, [bigAddon(3, 200 * 1024)]))).toBe(
    JSON.stringify(buildBundle(ctx, [bigAddon(3, 200 * 1024)])),
  );
});
