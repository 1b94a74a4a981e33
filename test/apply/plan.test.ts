import { PART_OF_LABEL } from '../../src/apply/applyset';
import { InputError } from '../../src/util/errors';
import { buildPlan, crdResources, gvkKey } from '../../src/apply/plan';
import { ResourceInfo } from '../../src/kube/apply-types';
import { R } from './support/fake-client';
import { configMap, manifests, stack } from './support/fixtures';

const table = (extra: ResourceInfo[] = []) =>
  new Map(
    Object.values(R)
      .concat(extra)
      .map((r) => [gvkKey(r.group ? `${r.group}/${r.version}` : r.version, r.kind), r]),
  );
const opts = { namespace: 'stacks', applySetId: 'applyset-x-v1' };

describe('buildPlan', () => {
  test('orders CRDs, Namespaces, other objects, ClusterClasses, Clusters', () => {
    const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'a.b' } };
    const cluster = { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'c' } };
    const p = buildPlan(
      manifests([
        cluster,
        ...stack().reverse(),
        configMap('m'),
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'stacks' } },
        crd,
      ]),
      table(),
      opts,
    );
    expect(p.levels.map((l) => [l.level, l.objects.map((o) => o.gk.kind)])).toEqual([
      [0, ['CustomResourceDefinition']],
      [1, ['Namespace']],
      [2, ['KubeadmControlPlaneTemplate', 'DockerClusterTemplate', 'ConfigMap']],
      [3, ['ClusterClass']],
      [4, ['Cluster']],
    ]);
  });

  test('namespaced objects get the target namespace unless set, cluster-scoped lose it, all get the label', () => {
    const p = buildPlan(
      manifests([
        configMap('a'),
        configMap('b', {}, 'other'),
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', namespace: 'bogus' } },
      ]),
      table(),
      opts,
    );
    expect(p.objects.map((o) => [o.key, o.body.metadata!.namespace])).toEqual([
      ['ConfigMap stacks/a', 'stacks'],
      ['ConfigMap other/b', 'other'],
      ['Namespace n', undefined],
    ]);
    expect(p.objects.every((o) => o.body.metadata!.labels![PART_OF_LABEL] === 'applyset-x-v1')).toBe(true);
    expect(p.namespaces).toEqual(['other', 'stacks']);
  });

  test('a ClusterClass and the templates it refers to are immutable; other objects are not', () => {
    const p = buildPlan(manifests([...stack(), configMap('a')]), table(), opts);
    expect(p.objects.map((o) => [o.gk.kind, o.immutable])).toEqual([
      ['DockerClusterTemplate', true],
      ['KubeadmControlPlaneTemplate', true],
      ['ClusterClass', true],
      ['ConfigMap', false],
    ]);
  });

  test('refuses duplicates, input already in an ApplySet and kinds the cluster does not serve, naming the file', () => {
    expect(() => buildPlan(manifests([configMap('a'), configMap('a')]), table(), opts)).toThrow(
      'in.yaml#2: ConfigMap stacks/a is also defined in in.yaml#1; each object may appear once',
    );
    const labelled = configMap('a');
    labelled.metadata!.labels = { [PART_OF_LABEL]: 'applyset-other-v1' };
    expect(() => buildPlan(manifests([labelled]), table(), opts)).toThrow(
      /in.yaml#1: ConfigMap a already carries the label applyset.kubernetes.io\/part-of/,
    );
    expect(() =>
      buildPlan(manifests([{ apiVersion: 'x.io/v1', kind: 'Thing', metadata: { name: 't' } }]), table(), opts),
    ).toThrow(InputError);
  });

  test('kinds defined by CRDs of the input are planned from those CRDs', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Cluster',
        names: { kind: 'Widget', plural: 'widgets' },
        versions: [
          { name: 'v1', served: true },
          { name: 'v0', served: false },
        ],
      },
    };
    const res = crdResources(manifests([crd]));
    expect([...res.values()]).toEqual([
      { group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: false },
    ]);
  });
});
