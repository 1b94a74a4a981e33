/**
 * A small bundle, Cluster objects in the shapes the manager reads, and the one fake world (management and workload
 * FakeApis with the reconciler's deps) that the manager's unit tests start from.
 */
import { KObject } from '../../src/model/object';
import { ReconcileDeps } from '../../src/manager/reconcile';
import { AddonBundle, ManagedAddon, UpgradeStep } from '../../src/manager/types';
import { AddonPhase } from '../../src/model/addon';
import { FakeApi } from './fake-api';

export function addon(name: string, phase: AddonPhase, upgradeStep: UpgradeStep, version = '1.0.0'): ManagedAddon {
  return {
    name,
    order: 0,
    version,
    phase,
    upgrade: upgradeStep,
    namespace: 'kube-system',
    dependsOn: [],
    inputs: [],
    healthChecks: [{ type: 'rollout', apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: 'kube-system' }],
    manifests: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: 'kube-system' },
        spec: { replicas: 1, template: { metadata: { labels: { cluster: '{{cluster.name}}', v: version } } } },
      },
    ],
  };
}

/** cni moves before the upgrade, ccm after the control plane, metrics after the whole cluster. */
export function bundle(className = 'stack-1-36-v1', version = '1.0.0'): AddonBundle {
  return {
    class: className,
    stack: 'stack',
    kubernetesVersion: 'v1.36.4',
    addons: [
      addon('cni', 'cni', 'BeforeClusterUpgrade', version),
      addon('ccm', 'ccm', 'AfterControlPlaneUpgrade', version),
      addon('metrics', 'metrics', 'AfterClusterUpgrade', version),
    ],
  };
}

export function clusterObject(o: {
  className?: string;
  version?: string;
  initialized?: boolean;
  topologyReconciled?: boolean;
  deleting?: boolean;
  name?: string;
  /** CAPI's `runtime.cluster.x-k8s.io/pending-hooks` annotation. */
  pendingHooks?: string;
}): KObject {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Cluster',
    metadata: {
      name: o.name ?? 'demo',
      namespace: 'default',
      uid: 'uid-demo',
      ...(o.pendingHooks ? { annotations: { 'runtime.cluster.x-k8s.io/pending-hooks': o.pendingHooks } } : {}),
      ...(o.deleting ? { deletionTimestamp: '2026-11-29T00:00:00Z' } : {}),
    },
    spec: {
      topology: { classRef: { name: o.className ?? 'stack-1-36-v1' }, version: o.version ?? 'v1.36.4' },
      controlPlaneRef: { apiGroup: 'controlplane.cluster.x-k8s.io', kind: 'KubeadmControlPlane', name: 'demo-cp' },
    },
    status: {
      initialization: { controlPlaneInitialized: o.initialized ?? true },
      conditions: [{ type: 'TopologyReconciled', status: o.topologyReconciled === false ? 'False' : 'True' }],
    },
  };
}

export const controlPlane = (version: string): KObject => ({
  apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
  kind: 'KubeadmControlPlane',
  metadata: { name: 'demo-cp', namespace: 'default' },
  status: { version },
});

const classObject = (name: string): KObject => ({
  apiVersion: 'cluster.x-k8s.io/v1beta2',
  kind: 'ClusterClass',
  metadata: { name, namespace: 'default' },
  spec: { variables: [] },
});

/**
 * A management FakeApi holding a ClusterClass per bundle, a workload FakeApi, and reconciler deps that serve the
 * bundles by class and hand out the workload client; `extra` replaces or adds deps (a clock, a log, a shard), or
 * makes them from the two FakeApis.
 */
export function fakeWorld(
  bundles: AddonBundle[] = [bundle()],
  extra: Partial<ReconcileDeps> | ((mgmt: FakeApi, wl: FakeApi) => Partial<ReconcileDeps>) = {},
) {
  const mgmt = new FakeApi();
  const wl = new FakeApi();
  for (const b of bundles) mgmt.put(classObject(b.class));
  const deps: ReconcileDeps = {
    management: mgmt as never,
    bundles: { get: async (_ns, cls) => bundles.find((b) => b.class === cls) },
    workload: async () => wl as never,
    now: () => new Date('2026-11-29T19:00:00Z'),
    ...(typeof extra === 'function' ? extra(mgmt, wl) : extra),
  };
  return { mgmt, wl, deps };
}

/** The body of a Runtime SDK hook request for the Cluster `default/demo` (the fixtures' Cluster). */
export const request = { cluster: { metadata: { name: 'demo', namespace: 'default' } } };

/** A ClusterAddons of `default/demo` as the manager first writes it: no status yet. */
export const clusterAddonsObject = (): KObject => ({
  apiVersion: 'addons.cskit.io/v1alpha1',
  kind: 'ClusterAddons',
  metadata: { name: 'demo', namespace: 'default' },
});

/** A user's LoadBalancer Service in the workload cluster (what BeforeClusterDelete cleanup deletes). */
export const loadBalancer = (name = 'lb'): KObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'app' },
  spec: { type: 'LoadBalancer' },
});
