import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import { definitions } from '../../classes';
import { AddonDefinition } from '../../src/model/addon';
import { StackDefinition } from '../../src/model/stack';
import { buildAddonObjects, synthesizeAddons } from '../../src/synth/addons';
import { ctxFor } from '../addons/support';
import { k8s } from '../../addons/common';

const openstack = definitions.find((d) => d.provider === 'openstack') as StackDefinition;
const docker = definitions.find((d) => d.provider === 'docker') as StackDefinition;

test.each(['1.34', '1.35', '1.36'])(
  'openstack-scs %s: four ordered addon files and an index with versions and inputs',
  (minor) => {
    const files = synthesizeAddons(openstack, ctxFor(minor));
    expect(files.map((f) => f.path)).toEqual([
      'addons/01-cilium.yaml',
      'addons/02-openstack-ccm.yaml',
      'addons/03-cinder-csi.yaml',
      'addons/04-metrics-server.yaml',
      'addons.yaml',
      'addon-bundle.yaml',
    ]);
    const index = parseAllDocuments(files[4].content)[0].toJS();
    expect(index.addons.map((a: { order: number; name: string }) => [a.order, a.name])).toEqual([
      [1, 'cilium'],
      [2, 'openstack-ccm'],
      [3, 'cinder-csi'],
      [4, 'metrics-server'],
    ]);
    expect(index.addons[2].version).toBe(`${minor}.${minor === '1.34' ? 1 : 0}`);
    expect(index.addons[1].inputs).toEqual([{ path: 'cluster.name', type: 'string', description: expect.any(String) }]);
    const csi = parseAllDocuments(files[2].content).map((d) => d.toJS());
    expect(
      csi.find((o) => o.metadata.name === 'csi-cinder-sc-delete').metadata.annotations[
        'storageclass.kubernetes.io/is-default-class'
      ],
    ).toBe('true');
  },
);

test('docker-scs ships cilium, the dev StorageClass and metrics-server', () => {
  expect(synthesizeAddons(docker, ctxFor('1.36', 'docker-scs')).map((f) => f.path)).toEqual([
    'addons/01-cilium.yaml',
    'addons/02-dev-storage.yaml',
    'addons/03-metrics-server.yaml',
    'addons.yaml',
    'addon-bundle.yaml',
  ]);
});

test('output is byte-identical across runs', () => {
  const a = synthesizeAddons(openstack, ctxFor('1.36'));
  const b = synthesizeAddons(openstack, ctxFor('1.36'));
  expect(b).toEqual(a);
});

const broken = (build: (scope: Construct) => void, inputs: AddonDefinition['inputs'] = []): AddonDefinition => ({
  name: 'broken',
  description: 'test',
  namespace: 'kube-system',
  phase: 'metrics',
  upgrade: 'AfterClusterUpgrade',
  releases: { '1.36': { version: '1', images: {} } },
  inputs,
  build,
});

test('definition errors name the addon, the object and the fix', () => {
  expect(() =>
    buildAddonObjects(
      broken(
        (s) =>
          new k8s.KubeStorageClass(s, 'sc', { metadata: { name: 'sc', namespace: 'kube-system' }, provisioner: 'x' }),
      ),
      ctxFor('1.36'),
    ),
  ).toThrow('addon broken, StorageClass kube-system/sc: cluster-scoped kind must not have metadata.namespace');
  expect(() =>
    buildAddonObjects(
      broken((s) => new k8s.KubeConfigMap(s, 'cm', { metadata: { name: 'cm' } })),
      ctxFor('1.36'),
    ),
  ).toThrow(
    "addon broken, ConfigMap cm: namespaced kind needs metadata.namespace (the addon's namespace is kube-system)",
  );
  expect(() =>
    buildAddonObjects(
      broken(
        (s) =>
          new k8s.KubeConfigMap(s, 'cm', { metadata: { name: 'cm', namespace: 'n' }, data: { a: '{{variables.x}}' } }),
      ),
      ctxFor('1.36'),
    ),
  ).toThrow(
    "addon broken: uses {{variables.x}} but does not declare it in inputs; add { path: 'variables.x', type, " +
      'description }',
  );
  expect(() =>
    buildAddonObjects(
      broken(
        (s) =>
          new k8s.KubeConfigMap(s, 'cm', {
            metadata: { name: 'cm', namespace: 'n' },
            data: { a: '{{#if x}}y{{/if}}' },
          }),
      ),
      ctxFor('1.36'),
    ),
  ).toThrow(/addon broken, ConfigMap n\/cm, field data\.a: only plain/);
});
