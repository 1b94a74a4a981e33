import { readClusterState } from '../../src/manager/cluster-state';
import { ClusterAddons } from '../../src/manager/crd';
import { answerHook } from '../../src/manager/hooks';
import { reconcileCluster } from '../../src/manager/reconcile';
import { stateSource } from '../../src/manager/state';
import { KObject } from '../../src/model/object';
import { FakeApi } from './fake-api';
import { clusterObject, controlPlane, fakeWorld, request } from './fixtures';

// Pause: what `clusterctl move` sets (spec.paused) and CAPI's paused annotation leave a Cluster alone.
function world() {
  const w = fakeWorld();
  w.mgmt.put(controlPlane('v1.36.4'));
  return w;
}

const statusOf = (mgmt: FakeApi) =>
  [...mgmt.store.values()].find((o) => o.kind === 'ClusterAddons') as ClusterAddons | undefined;
const cond = (mgmt: FakeApi, type: string) => statusOf(mgmt)?.status?.conditions?.find((c) => c.type === type);
const pausedCluster = (how: 'spec' | 'annotation', o: Parameters<typeof clusterObject>[0] = {}): KObject => {
  const c = clusterObject(o);
  return how === 'spec'
    ? { ...c, spec: { ...c.spec, paused: true } }
    : { ...c, metadata: { ...c.metadata, annotations: { 'cluster.x-k8s.io/paused': '' } } };
};

describe('a paused Cluster is left alone', () => {
  test('spec.paused and the cluster.x-k8s.io/paused annotation (any value) both pause; neither: not paused', () => {
    expect(readClusterState(pausedCluster('spec')).pausedBy).toBe('spec.paused is true');
    expect(readClusterState(pausedCluster('annotation')).pausedBy).toMatch(/annotation cluster.x-k8s.io\/paused/);
    expect(readClusterState(clusterObject({})).pausedBy).toBeUndefined();
    const c = clusterObject({});
    expect(readClusterState({ ...c, spec: { ...c.spec, paused: false } }).pausedBy).toBeUndefined();
  });

  test('paused after install: no call to the workload cluster, Paused=True written once, then no writes', async () => {
    const { mgmt, wl, deps } = world();
    mgmt.put(clusterObject({}));
    await reconcileCluster(deps, 'default', 'demo');
    expect(cond(mgmt, 'Paused')).toMatchObject({ status: 'False', reason: 'NotPaused' });
    const wlCalls = wl.calls.length;
    mgmt.put(pausedCluster('spec'));
    expect(await reconcileCluster(deps, 'default', 'demo')).toEqual({});
    expect(wl.calls.length).toBe(wlCalls);
    expect(cond(mgmt, 'Paused')).toMatchObject({ status: 'True', reason: 'ClusterPaused' });
    expect(cond(mgmt, 'Paused')?.message).toMatch(/spec.paused is true/);
    // The addon status from before the pause is kept as it was.
    expect(statusOf(mgmt)?.status?.addons?.map((a) => a.state)).toEqual(['Applied', 'Pending', 'Pending']);
    expect([...mgmt.store.values()].some((o) => o.kind === 'Event' && o.reason === 'AddonsPaused')).toBe(true);
    const writes = mgmt.calls.filter((c) => /^(apply|create)/.test(c)).length;
    await reconcileCluster(deps, 'default', 'demo');
    expect(mgmt.calls.filter((c) => /^(apply|create)/.test(c)).length).toBe(writes);
    expect(wl.calls.length).toBe(wlCalls);
  });

  test('unpaused: the reconcile goes on where it stopped and Paused turns False', async () => {
    const { mgmt, wl, deps } = world();
    mgmt.put(clusterObject({}));
    await reconcileCluster(deps, 'default', 'demo');
    mgmt.put(pausedCluster('annotation'));
    wl.rollOut();
    await reconcileCluster(deps, 'default', 'demo');
    expect([...wl.store.values()].filter((o) => o.kind === 'Deployment').map((o) => o.metadata?.name)).toEqual(['cni']);
    mgmt.put(clusterObject({}));
    await reconcileCluster(deps, 'default', 'demo');
    expect([...wl.store.values()].filter((o) => o.kind === 'Deployment').map((o) => o.metadata?.name)).toEqual([
      'cni',
      'ccm',
    ]);
    expect(cond(mgmt, 'Paused')).toMatchObject({ status: 'False', reason: 'NotPaused' });
  });

  test('paused before the manager saw it: no ClusterAddons created (clusterctl move may be copying it)', async () => {
    const { mgmt, wl, deps } = world();
    mgmt.put(pausedCluster('spec'));
    await reconcileCluster(deps, 'default', 'demo');
    expect(statusOf(mgmt)).toBeUndefined();
    expect(wl.calls).toEqual([]);
  });

  test('paused while deleting: no cleanup runs in the workload cluster', async () => {
    const { mgmt, wl, deps } = world();
    mgmt.put(clusterObject({}));
    await reconcileCluster(deps, 'default', 'demo');
    const n = wl.calls.length;
    mgmt.put(pausedCluster('spec', { deleting: true }));
    await reconcileCluster(deps, 'default', 'demo');
    expect(wl.calls.length).toBe(n);
  });

  test('hooks of a paused Cluster: Success with a retry; paused without a bundle: let through', async () => {
    const { mgmt, deps } = world();
    mgmt.put(clusterObject({}));
    await reconcileCluster(deps, 'default', 'demo');
    mgmt.put(pausedCluster('spec'));
    const source = stateSource(mgmt as never, deps.bundles);
    for (const hook of ['BeforeClusterUpgrade', 'AfterClusterUpgrade', 'BeforeClusterDelete'] as const) {
      const r = await answerHook(hook, request, source);
      expect(r).toMatchObject({ status: 'Success', retryAfterSeconds: 5 });
      expect(r.message).toMatch(/paused \(spec.paused is true\)/);
    }
    mgmt.put(pausedCluster('spec', { className: 'no-bundle-class', name: 'other' }));
    const other = { cluster: { metadata: { name: 'other', namespace: 'default' } } };
    expect(await answerHook('BeforeClusterUpgrade', other, source)).toMatchObject({
      status: 'Success',
      retryAfterSeconds: 0,
    });
  });

  test('interrupted (e.g. paused mid-reconcile): no further addon is applied and nothing is written', async () => {
    const { mgmt, wl, deps } = world();
    mgmt.put(clusterObject({}));
    await reconcileCluster(deps, 'default', 'demo');
    wl.rollOut();
    const writes = mgmt.calls.filter((c) => /^(apply|create)/.test(c)).length;
    const stopped = { ...deps, interrupted: () => 'the Cluster was paused' };
    expect(await reconcileCluster(stopped, 'default', 'demo')).toEqual({});
    expect([...wl.store.values()].filter((o) => o.kind === 'Deployment').map((o) => o.metadata?.name)).toEqual(['cni']);
    expect(mgmt.calls.filter((c) => /^(apply|create)/.test(c)).length).toBe(writes);
  });
});
