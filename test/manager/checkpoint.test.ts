import { checkpointOf, effectiveStatus, parseCheckpoint } from '../../src/manager/checkpoint';
import { DELETE_FOR_MOVE_ANNOTATION } from '../../src/manager/cluster-state';
import { answerHook } from '../../src/manager/hooks';
import { stateSource } from '../../src/manager/state';
import { CHECKPOINT_ANNOTATION, ClusterAddons, ClusterAddonsStatus } from '../../src/manager/crd';
import { reconcileCluster } from '../../src/manager/reconcile';
import { AddonBundle } from '../../src/manager/types';
import { FakeApi } from './fake-api';
import { bundle, clusterAddonsObject, clusterObject, controlPlane, fakeWorld, loadBalancer, request } from './fixtures';

const status: ClusterAddonsStatus = {
  applied: { className: 'stack-1-36-v1', kubernetesVersion: 'v1.36.4' },
  conditions: [
    { type: 'Ready', status: 'True', reason: 'AddonsReady', message: '', lastTransitionTime: '2026-11-29T19:00:00Z' },
  ],
  addons: [
    {
      name: 'cni',
      version: '1.0.0',
      className: 'stack-1-36-v1',
      contentHash: 'sha256:abc',
      phase: 'cni',
      upgradeStep: 'BeforeClusterUpgrade',
      state: 'Failed',
      lastTransitionTime: '2026-11-29T19:00:00Z',
      lastError: 'a long error the next reconcile reports again',
    },
  ],
};

describe('checkpoint: the decision state in metadata', () => {
  test('round-trips applied and the installed addons; conditions and last errors are left out', () => {
    const cp = checkpointOf(status);
    expect(cp).not.toMatch(/long error|AddonsReady/);
    const { lastError: _e, ...cni } = status.addons![0];
    void _e;
    expect(parseCheckpoint(cp)).toEqual({ applied: status.applied, addons: [cni] });
  });

  test('a checkpoint that is not JSON or not of our shape reads as nothing known', () => {
    expect(parseCheckpoint('{not json')).toBeUndefined();
    expect(parseCheckpoint(JSON.stringify({ addons: [{ name: 'cni', state: 'Sleeping' }] }))).toBeUndefined();
    expect(parseCheckpoint(JSON.stringify({ applied: { className: 1 }, addons: [] }))).toBeUndefined();
    expect(parseCheckpoint(undefined)).toBeUndefined();
  });

  test('the status wins over the checkpoint; the checkpoint is read only when the status is empty', () => {
    const obj = (s?: ClusterAddonsStatus): ClusterAddons => ({
      apiVersion: 'addons.cskit.io/v1alpha1',
      kind: 'ClusterAddons',
      metadata: {
        name: 'demo',
        annotations: {
          [CHECKPOINT_ANNOTATION]: checkpointOf({ ...status, applied: { className: 'x', kubernetesVersion: 'v1' } }),
        },
      },
      ...(s ? { status: s } : {}),
    });
    expect(effectiveStatus(obj(status))?.applied?.className).toBe('stack-1-36-v1');
    expect(effectiveStatus(obj())?.applied?.className).toBe('x');
    expect(effectiveStatus(obj({}))?.applied?.className).toBe('x');
    // A Paused condition written on arrival (the Cluster comes paused) does not hide the checkpoint.
    const paused = effectiveStatus(obj({ conditions: [{ ...status.conditions![0], type: 'Paused' }] }));
    expect(paused?.applied?.className).toBe('x');
    expect(paused?.conditions?.map((c) => c.type)).toEqual(['Paused']);
  });
});

const world = (bundles: AddonBundle[]) => fakeWorld(bundles);

/** A world whose Cluster (at v1.36.4, the first bundle's class) has every addon installed and rolled out. */
async function installed(bundles: AddonBundle[]) {
  const w = world(bundles);
  w.mgmt.put(clusterObject({}));
  w.mgmt.put(controlPlane('v1.36.4'));
  for (let i = 0; i < 4; i++) {
    w.wl.rollOut();
    await reconcileCluster(w.deps, 'default', 'demo');
  }
  return w;
}

const addonsOf = (mgmt: FakeApi) =>
  [...mgmt.store.entries()].find(([, o]) => o.kind === 'ClusterAddons') as [string, ClusterAddons];

/** What `clusterctl move` leaves on the target: the object with its metadata and spec, without status. */
function moved(mgmt: FakeApi): void {
  const [key, obj] = addonsOf(mgmt);
  const { status: _s, ...rest } = obj;
  void _s;
  mgmt.store.set(key, rest);
}

const versions = (wl: FakeApi) =>
  [...wl.store.values()].map((o) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`);

describe('a manager that finds a ClusterAddons without status (after clusterctl move)', () => {
  test('reads the checkpoint: nothing in the workload cluster changes and the status is Ready again', async () => {
    const { mgmt, wl, deps } = await installed([bundle()]);
    const before = addonsOf(mgmt)[1];
    expect(before.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(before.metadata?.annotations?.[CHECKPOINT_ANNOTATION]).toBe(checkpointOf(before.status!));
    moved(mgmt);
    const workload = versions(wl);
    await reconcileCluster(deps, 'default', 'demo');
    expect(versions(wl)).toEqual(workload);
    const after = addonsOf(mgmt)[1];
    expect(after.status?.applied).toEqual(before.status?.applied);
    expect(after.status?.addons?.map((a) => [a.name, a.state, a.contentHash])).toEqual(
      before.status?.addons?.map((a) => [a.name, a.state, a.contentHash]),
    );
    expect(after.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  test('arriving paused (as clusterctl moves it): only Paused written; unpaused, it goes on from there', async () => {
    const { mgmt, wl, deps } = await installed([bundle()]);
    const before = addonsOf(mgmt)[1];
    moved(mgmt);
    const c = clusterObject({});
    mgmt.put({ ...c, spec: { ...c.spec, paused: true } });
    const workload = versions(wl);
    const calls = wl.calls.length;
    await reconcileCluster(deps, 'default', 'demo');
    expect(wl.calls.slice(calls)).toEqual([]);
    expect(addonsOf(mgmt)[1].status?.conditions?.map((x) => `${x.type}=${x.status}`)).toEqual(['Paused=True']);
    mgmt.put(clusterObject({}));
    await reconcileCluster(deps, 'default', 'demo');
    expect(versions(wl)).toEqual(workload);
    const after = addonsOf(mgmt)[1].status;
    expect(after?.applied).toEqual(before.status?.applied);
    expect(after?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('True');
    expect(after?.conditions?.find((x) => x.type === 'Paused')?.status).toBe('False');
  });

  test('mid-upgrade: the held addons stay held (no fresh install opening every upgrade step)', async () => {
    const { mgmt, wl, deps } = await installed([bundle(), bundle('stack-1-37-v1', '2.0.0')]);
    // The upgrade started (control plane still at the old version), then the Cluster was moved.
    mgmt.put(clusterObject({ className: 'stack-1-37-v1', version: 'v1.37.2', topologyReconciled: false }));
    moved(mgmt);
    await reconcileCluster(deps, 'default', 'demo');
    const label = (name: string) =>
      [...wl.store.values()].find((o) => o.metadata?.name === name)?.spec.template.metadata.labels.v;
    expect(label('cni')).toBe('2.0.0'); // BeforeClusterUpgrade moves now
    expect(label('ccm')).toBe('1.0.0'); // AfterControlPlaneUpgrade waits for the control plane
    const ccm = addonsOf(mgmt)[1].status?.addons?.find((a) => a.name === 'ccm');
    expect(ccm).toMatchObject({ version: '1.0.0', className: 'stack-1-36-v1' }); // still runs what it ran
  });
});

describe('the source manager while clusterctl move deletes the Cluster', () => {
  test('no BeforeClusterDelete cleanup, no status write, and the hook lets go at once', async () => {
    const { mgmt, wl, deps } = world([bundle()]);
    const c = clusterObject({ deleting: true });
    mgmt.put({ ...c, metadata: { ...c.metadata, annotations: { [DELETE_FOR_MOVE_ANNOTATION]: '' } } });
    mgmt.put(clusterAddonsObject());
    wl.put(loadBalancer());
    const r = await answerHook('BeforeClusterDelete', request, stateSource(mgmt as never, deps.bundles));
    expect(r).toMatchObject({ status: 'Success', retryAfterSeconds: 0 });
    expect(r.message).toMatch(/clusterctl move/);
    const calls = mgmt.calls.length;
    expect(await reconcileCluster(deps, 'default', 'demo')).toEqual({});
    expect(wl.calls).toEqual([]);
    expect(wl.deleted).toEqual([]);
    expect(mgmt.calls.slice(calls).filter((x) => !x.startsWith('get') && !x.startsWith('list'))).toEqual([]);
    expect(addonsOf(mgmt)[1].status).toBeUndefined();
  });
});
