/**
 * Reading one Cluster's persisted state from the management cluster: the Cluster, its control plane object, its
 * ClusterClass (variable defaults), the addon bundle of its class and its ClusterAddons status, and from them the
 * desired state. The reconciler and the hook handlers both read through here: one way to see a Cluster.
 */
import { KubeApi } from '../kube/api';
import { ResourceInfo } from '../kube/apply-types';
import { KObject } from '../model/object';
import { buildRenderContext } from '../render/context';
import { InputError } from '../util/errors';
import { LabelSelector, selectorMatches } from '../util/label-selector';
import { effectiveStatus } from './checkpoint';
import { ClusterState, readClusterState } from './cluster-state';
import { ClusterAddons, GROUP, KIND, PLURAL, VERSION } from './crd';
import { Desired, computeDesired } from './desired';
import { LoadedState, StateSource } from './hooks';
import { AddonBundle } from './types';

export const CLUSTER_ADDONS: ResourceInfo = {
  group: GROUP,
  version: VERSION,
  kind: KIND,
  plural: PLURAL,
  namespaced: true,
};

export type ManagementClient = Pick<KubeApi, 'resource' | 'get' | 'create' | 'apply' | 'list' | 'delete'>;

/** Where bundles come from: wt/bundle's reader of the `addons.cskit.io` bundle objects, mapped onto AddonBundle. */
export interface BundleSource {
  /** The bundle of ClusterClass `className` in `namespace`; undefined when the class has none. */
  get(namespace: string, className: string): Promise<AddonBundle | undefined>;
}

/** A paused Cluster of ours: only its ClusterAddons (if any) is read; nothing is decided for it. */
export interface PausedState {
  readonly pausedBy: string;
  readonly clusterObject: KObject;
  readonly cluster: ClusterState;
  readonly addonsObject?: ClusterAddons;
}

export interface FullState extends LoadedState {
  readonly clusterObject: KObject;
  readonly addonsObject?: ClusterAddons;
  readonly bundle: AddonBundle;
  readonly desired: Desired;
  readonly cluster: ClusterState;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

async function resource(api: ManagementClient, group: string, kind: string): Promise<ResourceInfo> {
  const r = await api.resource(group, kind);
  if (!r) throw new Error(`${kind} (${group}) is not served by the management cluster: is Cluster API installed?`);
  return r;
}

/** The control plane object the Cluster references (v1beta2 `apiGroup`, v1beta1 `apiVersion`). */
async function controlPlaneOf(api: ManagementClient, cluster: KObject): Promise<KObject | undefined> {
  const ref = isObj(cluster.spec) && isObj(cluster.spec.controlPlaneRef) ? cluster.spec.controlPlaneRef : undefined;
  if (!ref || typeof ref.kind !== 'string' || typeof ref.name !== 'string') return undefined;
  const group =
    typeof ref.apiGroup === 'string'
      ? ref.apiGroup
      : typeof ref.apiVersion === 'string'
        ? ref.apiVersion.split('/')[0]
        : undefined;
  if (!group) return undefined;
  const res = await api.resource(group, ref.kind);
  return res ? api.get(res, ref.name, cluster.metadata?.namespace) : undefined;
}

export async function readState(
  api: ManagementClient,
  bundles: BundleSource,
  namespace: string,
  name: string,
  shard?: LabelSelector,
): Promise<FullState | PausedState | { notManaged: string } | undefined> {
  const clusters = await resource(api, 'cluster.x-k8s.io', 'Cluster');
  const clusterObject = await api.get(clusters, name, namespace);
  if (!clusterObject) return undefined;
  // Sharding: a Cluster outside this manager's --selector is another manager's; never held, never touched here.
  if (shard && !selectorMatches(shard, clusterObject.metadata?.labels))
    return { notManaged: `not in this manager's shard (--selector ${shard.text})` };
  const cluster = readClusterState(clusterObject, await controlPlaneOf(api, clusterObject));
  if (cluster.optedOut) return { notManaged: 'opted out of cskit addons by annotation' };
  if (!cluster.className) return { notManaged: 'has no spec.topology class' };
  const classNs =
    isObj(clusterObject.spec?.topology?.classRef) && typeof clusterObject.spec.topology.classRef.namespace === 'string'
      ? clusterObject.spec.topology.classRef.namespace
      : namespace;
  // Moved away by clusterctl: no BeforeClusterDelete cleanup (that would delete the load balancers and volumes of a
  // workload cluster that lives on), no status (the ClusterAddons object goes with the move).
  if (cluster.deletingForMove)
    return { notManaged: 'deleted by clusterctl move: the manager of the target management cluster takes over' };
  if (cluster.pausedBy) {
    // Paused wins over everything, deletion included (as in CAPI's controllers). Neither the ClusterClass nor a
    // render is needed (during `clusterctl move` either may not be there yet); a bundle that does not read counts as
    // ours (leaving a Cluster alone is the safe side).
    const addonsObject = (await api.get(CLUSTER_ADDONS, name, namespace)) as ClusterAddons | undefined;
    if (!addonsObject && !(await bundles.get(classNs, cluster.className).catch(() => true)))
      return { notManaged: `ClusterClass ${classNs}/${cluster.className} has no addon bundle` };
    return { pausedBy: cluster.pausedBy, clusterObject, cluster, addonsObject };
  }
  if (cluster.deleting) {
    // Deleting: only the cleanup runs, and it needs no bundle or ClusterClass (either may be gone already, and a
    // render error must never block BeforeClusterDelete). Clusters the manager never wrote status for are not ours.
    const addonsObject = (await api.get(CLUSTER_ADDONS, name, namespace)) as ClusterAddons | undefined;
    if (!addonsObject) return { notManaged: 'the manager never installed addons in it' };
    const none: AddonBundle = { class: cluster.className, stack: '', kubernetesVersion: '', addons: [] };
    const ctx = { cluster: { name, namespace, labels: {}, annotations: {} }, variables: {} };
    const status = effectiveStatus(addonsObject);
    const desired = computeDesired(none, cluster, ctx, status?.applied);
    return { clusterObject, cluster, bundle: none, addonsObject, status, desired };
  }
  const bundle = await bundles.get(classNs, cluster.className);
  if (!bundle) return { notManaged: `ClusterClass ${classNs}/${cluster.className} has no addon bundle` };
  const classes = await resource(api, 'cluster.x-k8s.io', 'ClusterClass');
  const cc = await api.get(classes, cluster.className, classNs);
  if (!cc)
    throw new InputError(
      `Cluster ${namespace}/${name}: ClusterClass ${classNs}/${cluster.className} not found (apply the stack first)`,
    );
  // The render context reads spec and metadata; the status is the controllers' and not the renderer's input.
  const { status: _status, ...forRender } = clusterObject;
  void _status;
  const ctx = buildRenderContext(forRender, [{ ...cc, kind: 'ClusterClass' }], `Cluster ${namespace}/${name}`);
  const addonsObject = (await api.get(CLUSTER_ADDONS, name, namespace)) as ClusterAddons | undefined;
  // After `clusterctl move` the object arrives without status: its checkpoint says what is installed.
  const status = effectiveStatus(addonsObject);
  const desired = computeDesired(bundle, cluster, ctx, status?.applied);
  return { clusterObject, cluster, bundle, addonsObject, status, desired };
}

/** The hooks' view: the same reader. */
export function stateSource(api: ManagementClient, bundles: BundleSource, shard?: LabelSelector): StateSource {
  return { load: (namespace, name) => readState(api, bundles, namespace, name, shard) };
}
