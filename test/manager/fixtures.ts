/** A small bundle and Cluster objects in the shapes the manager reads, for the manager's unit tests. */
import { KObject } from '../../src/model/object';
import { AddonBundle, ManagedAddon, UpgradeStep } from '../../src/manager/types';
import { AddonPhase } from '../../src/model/addon';

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
