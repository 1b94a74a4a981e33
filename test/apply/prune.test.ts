import { candidate, selectPrune } from '../../src/apply/prune';
import { KObject } from '../../src/model/object';
import { configMap, stack } from './support/fixtures';

const inNs = (o: KObject, ns = 'default'): KObject => ({ ...o, metadata: { ...o.metadata, namespace: ns } });

describe('selectPrune', () => {
  test('keeps classes used by a Cluster (v1beta2 classRef or v1beta1 class, any namespace) and their templates', () => {
    const used = stack('a-b-1-36-v1').map((o) => inNs(o));
    const usedOld = stack('a-b-1-35-v1').map((o) => inNs(o, 'classes'));
    const unused = stack('a-b-1-36-v2').map((o) => inNs(o));
    const clusters: KObject[] = [
      {
        kind: 'Cluster',
        metadata: { name: 'c1', namespace: 'default' },
        spec: { topology: { classRef: { name: 'a-b-1-36-v1' } } },
      },
      {
        kind: 'Cluster',
        metadata: { name: 'c2', namespace: 'tenant' },
        spec: { topology: { class: 'a-b-1-35-v1', classNamespace: 'classes' } },
      },
      {
        kind: 'Cluster',
        metadata: { name: 'c3', namespace: 'tenant' },
        spec: { topology: { classRef: { name: 'a-b-1-36-v2' } } },
      },
    ];
    const d = selectPrune([...used, ...usedOld, ...unused, inNs(configMap('x'))].map(candidate), {
      clusters,
      appliedClasses: [],
    });
    expect(d.keep.map((k) => [k.obj.metadata!.name, k.reason])).toEqual([
      ['a-b-1-36-v1', 'still used by Cluster default/c1'],
      ['a-b-1-35-v1', 'still used by Cluster tenant/c2'],
      ['a-b-1-36-v1-cluster', 'template of ClusterClass a-b-1-36-v1, which stays'],
      ['a-b-1-36-v1-control-plane', 'template of ClusterClass a-b-1-36-v1, which stays'],
      ['a-b-1-35-v1-cluster', 'template of ClusterClass a-b-1-35-v1, which stays'],
      ['a-b-1-35-v1-control-plane', 'template of ClusterClass a-b-1-35-v1, which stays'],
    ]);
    // c3 uses a-b-1-36-v2 in ITS namespace (tenant), not the one in default: that one goes.
    expect(d.remove.map((r) => r.obj.metadata!.name)).toEqual([
      'a-b-1-36-v2-cluster',
      'a-b-1-36-v2-control-plane',
      'a-b-1-36-v2',
      'x',
    ]);
  });

  test('never prunes Clusters, Namespaces or CRDs', () => {
    const d = selectPrune(
      [
        { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'c', namespace: 'default' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } },
        { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'x.y' } },
      ].map(candidate),
      { clusters: [], appliedClasses: [] },
    );
    expect(d.remove).toEqual([]);
    expect(d.keep.map((k) => k.reason)).toEqual([
      'Clusters are never pruned; delete it yourself if you mean to',
      'Namespaces are never pruned (deleting one deletes everything in it); delete it yourself',
      'CustomResourceDefinitions are never pruned (deleting one deletes everything in it); delete it yourself',
    ]);
  });

  test('templates shared with a class of the input stay', () => {
    const [tpl] = stack('s-1').map((o) => inNs(o));
    const applied = inNs(stack('s-1')[2]);
    const d = selectPrune([candidate(tpl)], { clusters: [], appliedClasses: [applied] });
    expect(d.remove).toEqual([]);
    expect(d.keep[0].reason).toBe('template of ClusterClass s-1, which stays');
  });

  test('the addon bundle of a class that stays (used by a Cluster) stays; the bundle of a pruned class goes', () => {
    const bundle = (cls: string): KObject =>
      inNs({
        apiVersion: 'addons.cskit.io/v1alpha1',
        kind: 'AddonBundle',
        metadata: { name: cls, labels: { 'addons.cskit.io/class': cls } },
      });
    const used = inNs(stack('a-b-1-36-v1')[2]);
    const unused = inNs(stack('a-b-1-36-v2')[2]);
    const d = selectPrune([used, bundle('a-b-1-36-v1'), unused, bundle('a-b-1-36-v2')].map(candidate), {
      clusters: [
        {
          kind: 'Cluster',
          metadata: { name: 'c', namespace: 'default' },
          spec: { topology: { classRef: { name: 'a-b-1-36-v1' } } },
        },
      ],
      appliedClasses: [],
    });
    expect(d.keep.map((k) => `${k.obj.kind} ${k.obj.metadata?.name}: ${k.reason}`)).toEqual([
      'ClusterClass a-b-1-36-v1: still used by Cluster default/c',
      'AddonBundle a-b-1-36-v1: addon bundle of ClusterClass a-b-1-36-v1, which stays',
    ]);
    expect(d.remove.map((c) => `${c.obj.kind} ${c.obj.metadata?.name}`)).toEqual([
      'ClusterClass a-b-1-36-v2',
      'AddonBundle a-b-1-36-v2',
    ]);
  });
});
