import { ClusterAddons } from '../../src/manager/crd';
import { describePermission, missingPermissions, startPermissions } from '../../src/manager/permissions';
import { ReconcileDeps, reconcileCluster } from '../../src/manager/reconcile';
import { FakeApi } from './fake-api';
import { bundle, clusterObject, controlPlane } from './fixtures';

describe('permissions', () => {
  test('what the manager needs to start follows its flags; missing ones are named with their scope', async () => {
    const base = startPermissions({}).map(describePermission);
    expect(base).toEqual([
      'list clusters.cluster.x-k8s.io (all namespaces)',
      'watch clusters.cluster.x-k8s.io (all namespaces)',
      'get clusters.cluster.x-k8s.io (all namespaces)',
    ]);
    const all = startPermissions({
      installCrd: true,
      registerExtension: true,
      lease: { namespace: 'cskit-system', name: 'cskit-manager' },
    });
    expect(all.map(describePermission)).toEqual(
      expect.arrayContaining([
        'patch customresourcedefinitions.apiextensions.k8s.io (all namespaces)',
        'create extensionconfigs.runtime.cluster.x-k8s.io (all namespaces)',
        'create leases.coordination.k8s.io in namespace cskit-system',
        'get leases.coordination.k8s.io cskit-manager in namespace cskit-system',
        'update leases.coordination.k8s.io cskit-manager in namespace cskit-system',
      ]),
    );
    const missing = await missingPermissions({ allowed: async (p) => p.resource !== 'leases' }, all);
    expect(missing.map((p) => `${p.verb} ${p.resource}`)).toEqual(['create leases', 'get leases', 'update leases']);
    // A Role limited to the Lease's name allows get/update of that name only: the check asks by name.
    const byName = await missingPermissions(
      { allowed: async (p) => p.resource !== 'leases' || p.verb === 'create' || p.name === 'cskit-manager' },
      all,
    );
    expect(byName).toEqual([]);
  });

  test('a permission missing for one Cluster is a Degraded condition (PermissionDenied) naming it', async () => {
    const mgmt = new FakeApi();
    const b = bundle();
    mgmt.put(clusterObject({}));
    mgmt.put(controlPlane('v1.36.4'));
    const forbidden =
      'clusterclasses.cluster.x-k8s.io "stack-1-36-v1" is forbidden: User "system:serviceaccount:cskit:manager" ' +
      'cannot get resource "clusterclasses" in API group "cluster.x-k8s.io" in the namespace "default"';
    const get = mgmt.get.bind(mgmt);
    mgmt.get = async (res, name, ns) => {
      if (res.kind === 'ClusterClass') throw Object.assign(new Error(forbidden), { kind: 'forbidden' });
      return get(res, name, ns);
    };
    const deps: ReconcileDeps = {
      management: mgmt as never,
      bundles: { get: async () => b },
      workload: async () => new FakeApi() as never,
    };
    expect(await reconcileCluster(deps, 'default', 'demo')).toEqual({ requeueAfterMs: 30_000 });
    const ca = [...mgmt.store.values()].find((o) => o.kind === 'ClusterAddons') as ClusterAddons | undefined;
    const degraded = ca?.status?.conditions?.find((c) => c.type === 'Degraded');
    expect(degraded).toMatchObject({ status: 'True', reason: 'PermissionDenied' });
    expect(degraded?.message).toMatch(/cannot get resource "clusterclasses" in API group "cluster.x-k8s.io"/);
    expect([...mgmt.store.values()].some((o) => o.reason === 'AddonsPermissionDenied')).toBe(true);
  });
});
