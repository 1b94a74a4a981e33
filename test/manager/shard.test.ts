import { answerHook } from '../../src/manager/hooks';
import { reconcileCluster } from '../../src/manager/reconcile';
import { stateSource } from '../../src/manager/state';
import { parseLabelSelector } from '../../src/util/label-selector';
import { bundle, clusterObject, controlPlane, fakeWorld, request } from './fixtures';

// Sharding: a manager with --selector owns only the Clusters whose labels match; the others are another manager's.
function world(labels: Record<string, string>) {
  const shard = parseLabelSelector('--selector', 'shard=a');
  const { mgmt, wl, deps } = fakeWorld([bundle()], { shard });
  mgmt.put(controlPlane('v1.36.4'));
  const c = clusterObject({});
  mgmt.put({ ...c, metadata: { ...c.metadata, labels } });
  return { mgmt, wl, deps, source: stateSource(mgmt as never, deps.bundles, shard) };
}

const hooks = [
  'BeforeClusterUpgrade',
  'AfterControlPlaneUpgrade',
  'AfterClusterUpgrade',
  'BeforeClusterDelete',
] as const;

describe('a manager with --selector (one shard of the fleet)', () => {
  test('a Cluster outside the shard: nothing sent to its workload cluster, no ClusterAddons written', async () => {
    const { mgmt, wl, deps } = world({ shard: 'b' });
    expect(await reconcileCluster(deps, 'default', 'demo')).toEqual({});
    expect(wl.calls).toEqual([]);
    expect(mgmt.calls.filter((c) => /^(apply|create)/.test(c))).toEqual([]);
  });

  test('its hooks are let through (Success, no hold), never Failure: CAPI calls every extension', async () => {
    const { source } = world({});
    for (const hook of hooks) {
      const r = await answerHook(hook, request, source);
      expect(r).toMatchObject({ status: 'Success', retryAfterSeconds: 0 });
      expect(r.message).toMatch(/not in this manager's shard \(--selector shard=a\)/);
    }
  });

  test('a Cluster inside the shard is reconciled and its hooks are held until its addons are healthy', async () => {
    const { wl, deps, source } = world({ shard: 'a' });
    await reconcileCluster(deps, 'default', 'demo');
    expect([...wl.store.values()].some((o) => o.kind === 'Deployment')).toBe(true);
    expect(await answerHook('BeforeClusterUpgrade', request, source)).toMatchObject({ retryAfterSeconds: 5 });
  });
});
