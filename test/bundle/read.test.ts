import { buildBundle } from '../../src/bundle/build';
import { readBundle } from '../../src/bundle/read';
import { BundledAddon } from '../../src/model/addon-bundle';
import { KObject } from '../../src/model/object';
import { isInputError } from '../../src/util/errors';
import { ctxFor } from '../addons/support';

const ctx = ctxFor('1.36', 'docker-scs');
const CLASS = ctx.name;

const addon = (name: string, order: number, extra: Partial<BundledAddon> = {}): BundledAddon => ({
  name,
  order,
  version: '1.0.0',
  phase: 'cni',
  upgrade: 'BeforeClusterUpgrade',
  namespace: 'kube-system',
  dependsOn: [],
  inputs: [],
  healthChecks: [],
  manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'kube-system' }, data: { a: 'b' } }],
  ...extra,
});

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** The message of what `fn` throws; fails the test when it throws nothing or something other than an InputError. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isInputError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

test('a bundle reads back as typed addons in install order, with namespace and labels the API server adds', () => {
  const objs = buildBundle(ctx, [addon('b', 2, { dependsOn: ['a'] }), addon('a', 1)]).map((o) => ({
    ...o,
    metadata: { ...o.metadata, namespace: 'default', uid: 'x', resourceVersion: '7', managedFields: [] },
  }));
  const read = readBundle(objs, CLASS);
  expect(read).toMatchObject({ class: CLASS, stack: 'docker-scs', kubernetesVersion: '1.36.4' });
  expect(read.addons.map((a) => [a.order, a.name, a.dependsOn])).toEqual([
    [1, 'a', []],
    [2, 'b', ['a']],
  ]);
});

test('bundles of other classes are ignored; none for the class is an error saying how to ship one', () => {
  const other = buildBundle({ ...ctx, name: 'docker-scs-1-35-v1' }, [addon('a', 1)]);
  expect(errorOf(() => readBundle(other, CLASS))).toBe(
    `no AddonBundle for class ${CLASS}: apply the stack folder with \`cskit apply dist/${CLASS}\``,
  );
  expect(readBundle([...other, ...buildBundle(ctx, [addon('z', 1)])], CLASS).addons.map((a) => a.name)).toEqual(['z']);
});

test('a field that breaks the CRD schema is named with the bundle object and the field path', () => {
  const [obj] = clone(buildBundle(ctx, [addon('a', 1)]));
  obj.spec.addons[0].order = 'first';
  obj.spec.addons[0].upgrade = 'Sometime';
  const msg = errorOf(() => readBundle([obj], CLASS));
  expect(msg).toContain(`the addon bundle of class ${CLASS} cannot be used:`);
  expect(msg).toMatch(
    new RegExp(`AddonBundle ${CLASS}: spec\\.addons\\[0\\]\\.order: expected integer, found string "first"`),
  );
  expect(msg).toMatch(
    new RegExp(`AddonBundle ${CLASS}: spec\\.addons\\[0\\]\\.upgrade: expected .*BeforeClusterUpgrade`),
  );
});

test('a missing part is named; a part with another part count or a wrong name is named too', () => {
  const big = addon('a', 1, {
    manifests: [0, 1, 2].map((i) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `c${i}`, namespace: 'kube-system' },
      data: { blob: 'x'.repeat(400 * 1024) },
    })),
  });
  const parts = buildBundle(ctx, [big]);
  expect(parts).toHaveLength(3);
  expect(errorOf(() => readBundle([parts[0], parts[2]], CLASS))).toContain(`part 2 of 3 (${CLASS}-2) is missing`);
  const renamed = clone(parts);
  renamed[1].metadata!.name = 'elsewhere';
  renamed[2].spec.parts = 4;
  const msg = errorOf(() => readBundle(renamed, CLASS));
  expect(msg).toContain(`AddonBundle elsewhere: part 2 of 3 must be named ${CLASS}-2`);
  expect(msg).toContain(`AddonBundle ${CLASS}-3: spec.parts is 4, but AddonBundle ${CLASS}-1 has 3`);
});

test('orders that are not 1..N and unknown dependencies are errors naming the addon entry', () => {
  const objs = clone(buildBundle(ctx, [addon('a', 1), addon('b', 2, { dependsOn: ['ghost'] })]));
  objs[0].spec.addons[1].order = 5;
  const msg = errorOf(() => readBundle(objs, CLASS));
  expect(msg).toContain(`AddonBundle ${CLASS}: spec.addons[1] (b): order 5, expected 2 (orders run 1..2)`);
  expect(msg).toContain(
    `AddonBundle ${CLASS}: spec.addons[1] (b): dependsOn names ghost, which the bundle does not have`,
  );
});

test('a bundle labelled for the class whose spec.class differs is refused', () => {
  const [obj] = clone(buildBundle({ ...ctx, name: 'docker-scs-1-35-v1' }, [addon('a', 1)]));
  obj.metadata!.labels!['addons.cskit.io/class'] = CLASS;
  obj.metadata!.name = CLASS;
  expect(errorOf(() => readBundle([obj as KObject], CLASS))).toContain(
    `AddonBundle ${CLASS}: spec.class is docker-scs-1-35-v1, not ${CLASS}`,
  );
});
