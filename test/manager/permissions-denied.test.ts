import { answerHook } from '../../src/manager/hooks';
import { asPermissionError, isPermissionError, missingPermission } from '../../src/manager/permissions';
import { reconcileCluster } from '../../src/manager/reconcile';
import { stateSource } from '../../src/manager/state';
import { ClusterAddons } from '../../src/manager/crd';
import { KubeError } from '../../src/kube/types';
import { FakeApi } from './fake-api';
import { bundle, clusterObject, fakeWorld } from './fixtures';

const API_SERVER_403 =
  'reading Secret default/demo-kubeconfig: secrets "demo-kubeconfig" is forbidden: User ' +
  '"system:serviceaccount:cskit-system:cskit-manager" cannot get resource "secrets" in API group "" in the ' +
  'namespace "default"';

function world() {
  const lines: string[] = [];
  const { mgmt, wl, deps } = fakeWorld([bundle()], (m, w) => ({
    // What WorkloadClients does: read the kubeconfig Secret from the management cluster first.
    workload: async (ns, name) => {
      await m.get({ group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true }, name, ns);
      return w as never;
    },
    now: () => new Date('2026-11-29T21:00:00Z'),
    log: (l) => lines.push(l),
  }));
  mgmt.put(clusterObject({}));
  return { mgmt, wl, deps, lines };
}

const statusOf = (mgmt: FakeApi) =>
  [...mgmt.store.values()].find((o) => o.kind === 'ClusterAddons') as ClusterAddons | undefined;
const condition = (mgmt: FakeApi, type: string) => statusOf(mgmt)?.status?.conditions?.find((c) => c.type === type);
const events = (mgmt: FakeApi, reason: string) =>
  [...mgmt.store.values()].filter((o) => o.kind === 'Event' && o.reason === reason);

describe('the permission the API server says is missing', () => {
  test('is read from the authorizer message: verb, resource, group and namespace', () => {
    expect(missingPermission(API_SERVER_403)).toEqual({
      verb: 'get',
      resource: 'secrets',
      group: '',
      namespace: 'default',
    });
    expect(
      missingPermission(
        'User "x" cannot list resource "addonbundles" in API group "addons.cskit.io" at the cluster scope',
      ),
    ).toEqual({ verb: 'list', resource: 'addonbundles', group: 'addons.cskit.io' });
  });

  test('a 403 becomes a PermissionError naming the rule first; other errors pass through unchanged', () => {
    const e = asPermissionError(new KubeError('forbidden', API_SERVER_403, 403));
    expect(isPermissionError(e)).toBe(true);
    expect((e as Error).message).toMatch(/^permission denied: the manager may not get secrets in namespace default /);
    const other = new KubeError('unreachable', 'connection refused');
    expect(asPermissionError(other)).toBe(other);
  });
});

describe('reconcileCluster when the manager lacks a permission on the management cluster', () => {
  test.each([
    ['get secrets', 'get secrets in namespace default', 1],
    ['get clusterclasses', 'get clusterclasses.cluster.x-k8s.io in namespace default', 1],
    // It cannot read what it reported before, so each look (two here) says it again.
    ['get clusteraddons', 'get clusteraddons.addons.cskit.io in namespace default', 2],
  ])(
    'without "%s": Degraded/PermissionDenied naming it, a Warning Event, looked at again in 30 s',
    async (deny, named, eventCount) => {
      const { mgmt, wl, deps } = world();
      mgmt.denied.add(deny);
      expect(await reconcileCluster(deps, 'default', 'demo')).toEqual({ requeueAfterMs: 30_000 });
      await reconcileCluster(deps, 'default', 'demo');
      const degraded = condition(mgmt, 'Degraded');
      expect(degraded).toMatchObject({ status: 'True', reason: 'PermissionDenied' });
      expect(degraded?.message).toContain(`may not ${named}`);
      expect(condition(mgmt, 'Ready')).toMatchObject({ status: 'False', reason: 'PermissionDenied' });
      expect(events(mgmt, 'AddonsPermissionDenied')).toHaveLength(eventCount);
      expect([...wl.store.values()].filter((o) => o.kind === 'Deployment')).toEqual([]);
    },
  );

  test('without patch on clusteraddons/status: no throw, a Warning Event and a log line name it', async () => {
    const { mgmt, deps, lines } = world();
    mgmt.denied.add('patch clusteraddons/status');
    expect(await reconcileCluster(deps, 'default', 'demo')).toEqual({ requeueAfterMs: 30_000 });
    const [ev] = events(mgmt, 'AddonsPermissionDenied');
    expect(ev?.message).toContain('may not patch clusteraddons/status.addons.cskit.io in namespace default');
    expect(lines.join('\n')).toContain('may not patch clusteraddons/status');
    expect(statusOf(mgmt)?.status).toBeUndefined();
  });

  test('a hook call for a Cluster the manager may not read is a Failure naming the permission', async () => {
    const { mgmt, deps } = world();
    mgmt.denied.add('get clusterclasses');
    const r = await answerHook(
      'BeforeClusterUpgrade',
      { cluster: { metadata: { name: 'demo', namespace: 'default' } } },
      stateSource(mgmt as never, deps.bundles),
    );
    expect(r.status).toBe('Failure');
    expect(r.message).toContain('may not get clusterclasses.cluster.x-k8s.io in namespace default');
  });
});
