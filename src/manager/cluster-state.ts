/**
 * What the manager reads from a Cluster (and its control plane object) to decide: class, Kubernetes version, whether
 * the control plane is initialized and how far an upgrade got. Pure reads of persisted objects, so every manager
 * instance (a restarted one included) sees the same state. Both v1beta2 and v1beta1 Clusters are read.
 */
import { KObject } from '../model/object';

export interface ClusterState {
  readonly name: string;
  readonly namespace: string;
  /** spec.topology.classRef.name (v1beta2) or spec.topology.class (v1beta1). */
  readonly className?: string;
  /** spec.topology.version: the Kubernetes version CAPI is moving the Cluster to. */
  readonly kubernetesVersion?: string;
  readonly controlPlaneInitialized: boolean;
  /** The control plane object's status.version (KubeadmControlPlane): what the control plane runs now. */
  readonly controlPlaneVersion?: string;
  /** The topology controller reports the topology (workers included) up to date (TopologyReconciled True). */
  readonly topologyReconciled: boolean;
  /** CAPI's own record of the lifecycle hooks it still has to call (annotation `PENDING_HOOKS_ANNOTATION`). */
  readonly pendingHooks: readonly string[];
  /**
   * The workers followed the control plane: TopologyReconciled is True, or CAPI itself has nothing left of the
   * upgrade but the AfterClusterUpgrade hook. CAPI keeps TopologyReconciled False while that hook is pending, so a
   * manager that waited for TopologyReconciled before moving its AfterClusterUpgrade addons, while its hook waits for
   * those addons, would hold the Cluster forever.
   */
  readonly workersUpgraded: boolean;
  readonly deleting: boolean;
  /** The opt-out annotation is set: the manager leaves this Cluster alone. */
  readonly optedOut: boolean;
  /** Addons paused by annotation (names, or `*` for all): drift is reported, nothing applied. */
  readonly paused: readonly string[];
}

export const OPT_OUT_ANNOTATION = 'addons.cskit.io/disabled';
export const PAUSE_ANNOTATION = 'addons.cskit.io/paused';
/** Where CAPI (RuntimeSDK on) keeps the hooks it intends to call, comma-separated (internal/hooks/tracking.go). */
export const PENDING_HOOKS_ANNOTATION = 'runtime.cluster.x-k8s.io/pending-hooks';
/** Hooks CAPI marks pending for the steps of an upgrade before its workers are done. */
const BEFORE_WORKERS_DONE = [
  'BeforeControlPlaneUpgrade',
  'AfterControlPlaneUpgrade',
  'BeforeWorkersUpgrade',
  'AfterWorkersUpgrade',
];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function conditionTrue(status: unknown, type: string): boolean {
  const conds = isObj(status) && Array.isArray(status.conditions) ? status.conditions : [];
  return conds.some((c) => isObj(c) && c.type === type && c.status === 'True');
}

export function readClusterState(cluster: KObject, controlPlane?: KObject): ClusterState {
  const spec = isObj(cluster.spec) ? cluster.spec : {};
  const topology = isObj(spec.topology) ? spec.topology : {};
  const status = isObj(cluster.status) ? cluster.status : {};
  const cls = isObj(topology.classRef) ? topology.classRef.name : topology.class;
  const init = isObj(status.initialization) ? status.initialization.controlPlaneInitialized : undefined;
  // v1beta2 `status.initialization.controlPlaneInitialized`; v1beta1 the ControlPlaneInitialized condition.
  const initialized = init === true || conditionTrue(status, 'ControlPlaneInitialized');
  const cpStatus = controlPlane && isObj(controlPlane.status) ? controlPlane.status : {};
  const ann = cluster.metadata?.annotations ?? {};
  const list = (v: string | undefined) =>
    (v ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const pendingHooks = list(ann[PENDING_HOOKS_ANNOTATION]);
  const topologyReconciled = conditionTrue(status, 'TopologyReconciled');
  // CAPI marks AfterClusterUpgrade pending when an upgrade starts, and AfterControlPlaneUpgrade (plus the workers'
  // hooks when workers must follow) together in one write when each control plane step starts; it calls
  // AfterClusterUpgrade only once none of those is pending and every MachineDeployment/MachinePool is upgraded.
  const awaitsAfterClusterUpgrade =
    pendingHooks.includes('AfterClusterUpgrade') && !pendingHooks.some((h) => BEFORE_WORKERS_DONE.includes(h));
  return {
    name: String(cluster.metadata?.name ?? ''),
    namespace: String(cluster.metadata?.namespace ?? 'default'),
    className: typeof cls === 'string' ? cls : undefined,
    kubernetesVersion: typeof topology.version === 'string' ? topology.version : undefined,
    controlPlaneInitialized: initialized,
    controlPlaneVersion: typeof cpStatus.version === 'string' ? cpStatus.version : undefined,
    topologyReconciled,
    pendingHooks,
    workersUpgraded: topologyReconciled || awaitsAfterClusterUpgrade,
    deleting: Boolean(cluster.metadata?.deletionTimestamp),
    optedOut: ann[OPT_OUT_ANNOTATION] === 'true',
    paused: list(ann[PAUSE_ANNOTATION]),
  };
}
