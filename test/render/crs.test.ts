import { Yaml } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { KObject } from '../../src/model/object';
import { CrsError, clusterResourceSet, MAX_CONFIGMAP_DATA_BYTES } from '../../src/render/crs';

const MiB = 1024 * 1024;
const big = (name: string, kib: number) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'kube-system' },
  data: { blob: 'x'.repeat(kib * 1024) },
});

test('ConfigMaps are split so none exceeds 1 MiB; objects keep their order; the CRS lists them in order', () => {
  const manifests = [
    { order: 1, addon: 'small', objects: [big('s', 1)] },
    { order: 2, addon: 'large', objects: Array.from({ length: 10 }, (_, i) => big(`l${i}`, 300)) },
  ];
  const out = clusterResourceSet(manifests, { clusterName: 'demo', namespace: 'team-a' }) as KObject[];
  const cms = out.filter((o) => o.kind === 'ConfigMap');
  const crs = out[out.length - 1];
  expect(cms.map((c) => c.metadata?.name)).toEqual([
    'demo-01-small-1',
    'demo-02-large-1',
    'demo-02-large-2',
    'demo-02-large-3',
    'demo-02-large-4',
  ]);
  for (const cm of cms) {
    expect(cm.metadata?.namespace).toBe('team-a');
    expect(Buffer.byteLength(Yaml.stringify(cm), 'utf8')).toBeLessThan(MiB);
    expect(
      Object.values(cm.data as Record<string, string>).reduce((n, v) => n + Buffer.byteLength(v), 0),
    ).toBeLessThanOrEqual(MAX_CONFIGMAP_DATA_BYTES);
  }
  const names = cms
    .slice(1)
    .flatMap((cm) =>
      parseAllDocuments(Object.values(cm.data as Record<string, string>)[0]).map(
        (d) => (d.toJS() as KObject).metadata?.name,
      ),
    );
  expect(names).toEqual(Array.from({ length: 10 }, (_, i) => `l${i}`));
  expect(crs).toMatchObject({
    apiVersion: 'addons.cluster.x-k8s.io/v1beta2',
    kind: 'ClusterResourceSet',
    metadata: { name: 'demo-addons', namespace: 'team-a' },
    spec: { clusterSelector: { matchLabels: { 'cluster.x-k8s.io/cluster-name': 'demo' } } },
  });
  expect(crs.spec.resources).toEqual(cms.map((c) => ({ kind: 'ConfigMap', name: c.metadata?.name })));
});

test('exactly at the limit stays one ConfigMap; one byte more splits', () => {
  const doc = (n: number) => ({ kind: 'ConfigMap', metadata: { name: `o${n}` }, data: { v: 'y'.repeat(1000) } });
  const per = Buffer.byteLength(Yaml.stringify(doc(1)), 'utf8') + 4;
  const three = [doc(1), doc(2), doc(3)];
  expect(
    clusterResourceSet([{ order: 1, addon: 'a', objects: three }], {
      clusterName: 'c',
      namespace: 'n',
      maxBytes: 3 * per,
    }),
  ).toHaveLength(2);
  expect(
    clusterResourceSet([{ order: 1, addon: 'a', objects: three }], {
      clusterName: 'c',
      namespace: 'n',
      maxBytes: 3 * per - 1,
    }),
  ).toHaveLength(3);
});

test('one object larger than a ConfigMap can hold is an error naming the addon', () => {
  expect(() =>
    clusterResourceSet([{ order: 1, addon: 'huge', objects: [big('h', 1100)] }], { clusterName: 'c', namespace: 'n' }),
  ).toThrow(/addon huge: object #1 is \d+ bytes, more than a ConfigMap can hold/);
  // a typed error, so the CLI reports it as the user's problem (one line, exit 2), not as an unexpected one
  expect(() =>
    clusterResourceSet([{ order: 1, addon: 'huge', objects: [big('h', 1100)] }], { clusterName: 'c', namespace: 'n' }),
  ).toThrow(CrsError);
});
