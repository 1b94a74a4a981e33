import { ClusterAddons } from '../../src/manager/crd';
import { answerHook } from '../../src/manager/hooks';
import { INVENTORY, inventoryId } from '../../src/manager/inventory';
import { ReconcileDeps, reconcileCluster } from '../../src/manager/reconcile';
import { stateSource } from '../../src/manager/state';
import { AddonBundle } from '../../src/manager/types';
import { InputError } from '../../src/util/errors';
import { FakeApi } from './fake-api';
import { bundle, clusterAddonsObject, clusterObject, controlPlane, fakeWorld, loadBalancer, request } from './fixtures';

const world = (bundles: AddonBundle[]) => fakeWorld(bundles);

const statusOf = (mgmt: FakeApi): ClusterAddons | undefined =>
  [...mgmt.store.values()].find((o) => o.kind === 'ClusterAddons') as ClusterAddons | undefined;
const ready = (mgmt: FakeApi) => statusOf(mgmt)?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
const deploymentNames = (wl: FakeApi) =>
  [...wl.store.values()].filter((o) => o.kind === 'Deployment').map((o) => o.metadata?.name);

describe('reconcileCluster against fakes of the management and workload clients', () => {
  test('installs in order, one addon at a time, and reports Ready only once every Deployment rolled out', async () => {
    const { mgmt, wl, deps } = world([bundle()]);
    mgmt.put(clusterObject({}));
    mgmt.put(controlPlane('v1.36.4'));
    await reconcileCluster(deps, 'default', 'demo');
    expect(deploymentNames(wl)).toEqual(['cni']); // ccm waits until cni is healthy
    expect(ready(mgmt)).toBe('False');
    expect(statusOf(mgmt)?.status?.addons?.map((a) => a.state)).toEqual(['Applied', 'Pending', 'Pending']);
    for (let i = 0; i < 3; i++) {
      wl.rollOut();
      await reconcileCluster(deps, 'default', 'demo');
    }
    expect(deploymentNames(wl)).toEqual(['cni', 'ccm', 'metrics']);
    expect(ready(mgmt)).toBe('True');
    expect(statusOf(mgmt)?.status?.applied).toEqual({ className: 'stack-1-36-v1', kubernetesVersion: 'v1.36.4' });
    const cni = [...wl.store.values()].find((o) => o.metadata?.name === 'cni');
    expect(cni?.metadata?.labels?.['applyset.kubernetes.io/part-of']).toBe(inventoryId());
    expect([...mgmt.store.values()].some((o) => o.kind === 'Event' && o.reason === 'AddonsReady')).toBe(true);
  });

  test('a Cluster whose control plane is not initialized gets status but nothing in the workload cluster', async () => {
    const { mgmt, wl, deps } = world([bundle()]);
    mgmt.put(clusterObject({ initialized: false }));
    await reconcileCluster(deps, 'default', 'demo');
    expect(wl.calls).toEqual([]);
    expect(statusOf(mgmt)?.status?.conditions?.find((c) => c.type === 'Ready')?.reason).toBe('WaitingForControlPlane');
  });

  test('an unreachable workload cluster is reported (Degraded) and the reconcile fails for backoff', async () => {
    const { mgmt, wl, deps } = world([bundle()]);
    mgmt.put(clusterObject({}));
    wl.unreachable = 'connect ECONNREFUSED 127.0.0.1:1';
    await expect(reconcileCluster(deps, 'default', 'demo')).rejects.toThrow(/ECONNREFUSED/);
    const degraded = statusOf(mgmt)?.status?.conditions?.find((c) => c.type === 'Degraded');
    expect(degraded?.status).toBe('True');
    expect(degraded?.message).toMatch(/cni: connect ECONNREFUSED/);
  });

  test('upgrade: BeforeClusterUpgrade held until first-phase addons are healthy; a fresh manager agrees', async () => {
    const v2 = bundle('stack-1-37-v1', '2.0.0');
    const { mgmt, wl, deps } = world([bundle(), v2]);
    mgmt.put(clusterObject({}));
    mgmt.put(controlPlane('v1.36.4'));
    for (let i = 0; i < 4; i++) {
      wl.rollOut();
      await reconcileCluster(deps, 'default', 'demo');
    }
    expect(ready(mgmt)).toBe('True');
    // The user moves the Cluster to the next stack and Kubernetes version; CAPI asks BeforeClusterUpgrade.
    mgmt.put(clusterObject({ className: 'stack-1-37-v1', version: 'v1.37.2', topologyReconciled: false }));
    const first = await answerHook('BeforeClusterUpgrade', request, stateSource(mgmt as never, deps.bundles));
    expect(first.retryAfterSeconds).toBeGreaterThan(0);
    // The status says cni is Ready, but at the old content: the answer says what it waits for.
    expect(first.message).toMatch(
      /waiting for addons to be healthy: cni \(not applied at 2\.0\.0 yet, runs 1\.0\.0\)$/,
    );
    await reconcileCluster(deps, 'default', 'demo'); // cni applied at 2.0.0, not rolled out yet
    const cni = () => [...wl.store.values()].find((o) => o.metadata?.name === 'cni');
    const ccm = () => [...wl.store.values()].find((o) => o.metadata?.name === 'ccm');
    expect(cni()?.spec.template.metadata.labels.v).toBe('2.0.0');
    expect(ccm()?.spec.template.metadata.labels.v).toBe('1.0.0'); // held for AfterControlPlaneUpgrade
    // "Restart": a fresh state source over the same persisted objects answers the same.
    const fresh = stateSource(mgmt as never, deps.bundles);
    const held = await answerHook('BeforeClusterUpgrade', request, fresh);
    expect(held.status).toBe('Success');
    expect(held.retryAfterSeconds).toBeGreaterThan(0);
    expect(held.message).toMatch(/cni \(not healthy yet: Deployment kube-system\/cni: 0\/1 replicas updated\)$/);
    wl.rollOut();
    await reconcileCluster(deps, 'default', 'demo');
    const go = await answerHook('BeforeClusterUpgrade', request, stateSource(mgmt as never, deps.bundles));
    expect(go).toMatchObject({ status: 'Success', retryAfterSeconds: 0 });
    // AfterControlPlaneUpgrade still waits: ccm has not moved while the control plane is old.
    const acp = await answerHook('AfterControlPlaneUpgrade', request, fresh);
    expect(acp.retryAfterSeconds).toBeGreaterThan(0);
    expect(acp.message).toMatch(/ccm/);
    mgmt.put(controlPlane('v1.37.2'));
    mgmt.put(clusterObject({ className: 'stack-1-37-v1', version: 'v1.37.2' }));
    for (let i = 0; i < 3; i++) {
      await reconcileCluster(deps, 'default', 'demo');
      wl.rollOut();
    }
    await reconcileCluster(deps, 'default', 'demo');
    expect(ccm()?.spec.template.metadata.labels.v).toBe('2.0.0');
    expect(statusOf(mgmt)?.status?.applied).toEqual({ className: 'stack-1-37-v1', kubernetesVersion: 'v1.37.2' });
    expect((await answerHook('AfterClusterUpgrade', request, fresh)).retryAfterSeconds).toBe(0);
  });

  test(
    'AfterClusterUpgrade as CAPI runs it (TopologyReconciled False while the hook is pending): the last addons ' +
      'move and the hook passes instead of waiting forever',
    async () => {
      const { mgmt, wl, deps } = world([bundle(), bundle('stack-1-37-v1', '2.0.0')]);
      mgmt.put(clusterObject({}));
      mgmt.put(controlPlane('v1.36.4'));
      for (let i = 0; i < 4; i++) {
        wl.rollOut();
        await reconcileCluster(deps, 'default', 'demo');
      }
      // Control plane and workers upgraded; CAPI's only pending hook is AfterClusterUpgrade, which keeps
      // TopologyReconciled False (reason ClusterUpgrading) until every extension answers it without a retry.
      mgmt.put(controlPlane('v1.37.2'));
      const upgraded = { className: 'stack-1-37-v1', version: 'v1.37.2', topologyReconciled: false };
      mgmt.put(clusterObject({ ...upgraded, pendingHooks: 'AfterClusterUpgrade' }));
      const source = stateSource(mgmt as never, deps.bundles);
      expect((await answerHook('AfterClusterUpgrade', request, source)).retryAfterSeconds).toBeGreaterThan(0);
      for (let i = 0; i < 4; i++) {
        await reconcileCluster(deps, 'default', 'demo');
        wl.rollOut();
      }
      await reconcileCluster(deps, 'default', 'demo');
      const metrics = [...wl.store.values()].find((o) => o.metadata?.name === 'metrics');
      expect(metrics?.spec.template.metadata.labels.v).toBe('2.0.0');
      expect(statusOf(mgmt)?.status?.applied).toEqual({ className: 'stack-1-37-v1', kubernetesVersion: 'v1.37.2' });
      expect(await answerHook('AfterClusterUpgrade', request, source)).toMatchObject({ retryAfterSeconds: 0 });
    },
  );

  test('objects a new stack version dropped are pruned; a foreign object in the same namespace is not', async () => {
    const v1 = bundle();
    const v2: AddonBundle = { ...v1, class: 'stack-1-36-v2', addons: v1.addons.slice(0, 2) }; // metrics dropped
    const { mgmt, wl, deps } = world([v1, v2]);
    mgmt.put(clusterObject({}));
    mgmt.put(controlPlane('v1.36.4'));
    wl.put({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'theirs', namespace: 'kube-system' } });
    for (let i = 0; i < 4; i++) {
      wl.rollOut();
      await reconcileCluster(deps, 'default', 'demo');
    }
    mgmt.put(clusterObject({ className: 'stack-1-36-v2' })); // a rebase: no version change
    await reconcileCluster(deps, 'default', 'demo');
    expect(wl.deleted).toEqual(['Deployment kube-system/metrics']);
    expect(deploymentNames(wl).sort()).toEqual(['ccm', 'cni', 'theirs']);
    const parent = [...wl.store.values()].find((o) => o.metadata?.name === INVENTORY.name);
    expect(parent?.metadata?.annotations?.['applyset.kubernetes.io/contains-group-kinds']).toBe('Deployment.apps');
  });

  test('BeforeClusterDelete: LoadBalancer Services and provisioned PVCs deleted, then the hook lets go', async () => {
    const { mgmt, wl, deps } = world([]); // the bundle and ClusterClass may be gone already: cleanup needs neither
    mgmt.put(clusterObject({ deleting: true }));
    mgmt.put(clusterAddonsObject());
    wl.put(loadBalancer());
    wl.put({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ip', namespace: 'app' },
      spec: { type: 'ClusterIP' },
    });
    wl.put({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'app', annotations: { 'volume.kubernetes.io/storage-provisioner': 'csi' } },
    });
    wl.put({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'static', namespace: 'app' } });
    const src = stateSource(mgmt as never, deps.bundles);
    expect((await answerHook('BeforeClusterDelete', request, src)).retryAfterSeconds).toBeGreaterThan(0);
    // The first step requests the deletes and waits; the next one sees them gone.
    expect(await reconcileCluster(deps, 'default', 'demo')).toEqual({ requeueAfterMs: 5000 });
    expect(wl.deleted.sort()).toEqual(['PersistentVolumeClaim app/data', 'Service app/lb']);
    expect(statusOf(mgmt)?.status?.cleanup?.state).toBe('Running');
    expect((await answerHook('BeforeClusterDelete', request, src)).retryAfterSeconds).toBeGreaterThan(0);
    expect(await reconcileCluster(deps, 'default', 'demo')).toEqual({});
    expect(statusOf(mgmt)?.status?.cleanup?.state).toBe('Done');
    expect(await answerHook('BeforeClusterDelete', request, src)).toMatchObject({
      status: 'Success',
      retryAfterSeconds: 0,
    });
  });

  test('a bundle that does not read is a Degraded condition and one Warning Event, not a crash loop', async () => {
    const { mgmt, deps } = world([bundle()]);
    mgmt.put(clusterObject({}));
    const bad: ReconcileDeps = {
      ...deps,
      bundles: {
        get: async () => {
          throw new InputError('AddonBundle default/stack-1-36-v1: spec.addons[0].manifests: expected array');
        },
      },
    };
    expect(await reconcileCluster(bad, 'default', 'demo')).toEqual({ requeueAfterMs: 30_000 });
    await reconcileCluster(bad, 'default', 'demo');
    const degraded = statusOf(mgmt)?.status?.conditions?.find((c) => c.type === 'Degraded');
    expect(degraded).toMatchObject({ status: 'True', reason: 'InvalidInput' });
    expect(degraded?.message).toMatch(/spec.addons\[0\].manifests/);
    const events = [...mgmt.store.values()].filter((o) => o.kind === 'Event' && o.reason === 'AddonsInvalidInput');
    expect(events).toHaveLength(1);
  });

  test('a deleting Cluster the manager never installed addons in is let go, its workload untouched', async () => {
    const { mgmt, wl, deps } = world([bundle()]);
    mgmt.put(clusterObject({ deleting: true }));
    wl.put(loadBalancer());
    const r = await answerHook('BeforeClusterDelete', request, stateSource(mgmt as never, deps.bundles));
    expect(r).toMatchObject({ status: 'Success', retryAfterSeconds: 0 });
    expect(await reconcileCluster(deps, 'default', 'demo')).toEqual({});
    expect(wl.deleted).toEqual([]);
  });

  test('drift: repaired when not paused; only reported (Drifted, not reverted) while the addon is paused', async () => {
    const { mgmt, wl, deps } = world([bundle()]);
    mgmt.put(clusterObject({}));
    mgmt.put(controlPlane('v1.36.4'));
    for (let i = 0; i < 4; i++) {
      wl.rollOut();
      await reconcileCluster(deps, 'default', 'demo');
    }
    const drifted = () => statusOf(mgmt)?.status?.conditions?.find((c) => c.type === 'Drifted');
    const edit = () => {
      const live = [...wl.store.values()].find((o) => o.metadata?.name === 'ccm');
      wl.put({ ...live, spec: { ...live?.spec, replicas: 5 } });
    };
    const replicas = () => [...wl.store.values()].find((o) => o.metadata?.name === 'ccm')?.spec.replicas;
    expect(drifted()?.status).toBe('False');
    edit();
    await reconcileCluster(deps, 'default', 'demo');
    expect(replicas()).toBe(1);
    expect(drifted()).toMatchObject({ status: 'True', reason: 'DriftRepaired' });
    expect(drifted()?.message).toMatch(/ccm: Deployment kube-system\/ccm/);
    const paused = clusterObject({});
    mgmt.put({ ...paused, metadata: { ...paused.metadata, annotations: { 'addons.cskit.io/paused': 'ccm' } } });
    wl.rollOut();
    await reconcileCluster(deps, 'default', 'demo');
    edit();
    await reconcileCluster(deps, 'default', 'demo');
    expect(replicas()).toBe(5);
    expect(drifted()).toMatchObject({ status: 'True', reason: 'DriftDetectedWhilePaused' });
    expect(drifted()?.message).toMatch(/ccm \(paused\): Deployment kube-system\/ccm/);
  });

  test('a missing kubeconfig Secret is reported on the addon due and looked at again in 30 s', async () => {
    const { mgmt, deps } = world([bundle()]);
    mgmt.put(clusterObject({}));
    const noSecret: ReconcileDeps = {
      ...deps,
      workload: async () => {
        throw new InputError("Secret default/demo-kubeconfig (the workload cluster's kubeconfig) not found");
      },
    };
    expect(await reconcileCluster(noSecret, 'default', 'demo')).toEqual({ requeueAfterMs: 30_000 });
    const cni = statusOf(mgmt)?.status?.addons?.find((a) => a.name === 'cni');
    expect(cni).toMatchObject({ state: 'Failed' });
    expect(cni?.lastError).toMatch(/Secret default\/demo-kubeconfig/);
  });
});
