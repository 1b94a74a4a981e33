/**
 * The ClusterAddons CRD (`addons.cskit.io`): one namespaced object per Cluster, owned by it, holding the manager's
 * persisted state. Everything the reconciler and the hook handlers decide is read from here and from the Cluster,
 * never from memory, so a restarted manager answers exactly as the one before it. Labelled for `clusterctl move`
 * (the object moves with its owning Cluster).
 */
import { namespacedCrd } from '../model/crd';
import { KObject } from '../model/object';
import { UpgradeStep } from './types';

export const GROUP = 'addons.cskit.io';
export const VERSION = 'v1alpha1';
export const KIND = 'ClusterAddons';
export const PLURAL = 'clusteraddons';
export const API_VERSION = `${GROUP}/${VERSION}`;

/**
 * A copy of the decision state in metadata: `status.applied` and, per addon, what is installed (version, class,
 * content hash, state). `clusterctl move` creates every object on the target management cluster with a plain create
 * and never writes status (cmd/clusterctl/client/cluster/mover.go), and the API server drops `status` on create when
 * the status subresource is on: without this copy the target's manager would find nothing applied and start an
 * install, and in the middle of an upgrade would open every upgrade step at once. Read only when status is empty.
 */
export const CHECKPOINT_ANNOTATION = `${GROUP}/checkpoint`;

/** Paused: the Cluster is paused (spec.paused or the cluster.x-k8s.io/paused annotation) and left alone. */
export const CONDITION_TYPES = ['Ready', 'Progressing', 'Degraded', 'Drifted', 'Paused'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export interface Condition {
  readonly type: ConditionType;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
}

export const ADDON_STATES = ['Pending', 'Held', 'Applied', 'Ready', 'Failed'] as const;
/** Pending: not applied at the target yet; Held: waits for its upgrade step; Applied: sent, not healthy yet. */
export type AddonState = (typeof ADDON_STATES)[number];

export interface AddonStatus {
  readonly name: string;
  readonly version: string;
  /** The class (bundle) the applied content came from. */
  readonly className: string;
  /** sha256 of the rendered objects last applied. */
  readonly contentHash: string;
  readonly phase: string;
  readonly upgradeStep: UpgradeStep;
  readonly state: AddonState;
  readonly lastTransitionTime: string;
  readonly lastError?: string;
}

/** The class and Kubernetes version every addon was last fully applied and healthy at. */
export interface AppliedTarget {
  readonly className: string;
  readonly kubernetesVersion: string;
}

/** Blocking: answered with a retry (CAPI waits); Passed: let CAPI go on; Failed: a Failure answer. */
export type HookAnswer = 'Blocking' | 'Passed' | 'Failed';

/** The last call of one lifecycle hook for this Cluster and the manager's answer (a record, never an input). */
export interface HookRecord {
  readonly hook: string;
  /** The request's toKubernetesVersion (Before* hooks) or kubernetesVersion (After* hooks); '' when it has none. */
  readonly kubernetesVersion: string;
  /** When CAPI first called this hook for this version. */
  readonly firstCallTime: string;
  readonly answer: HookAnswer;
  readonly message: string;
  /** When the answer last changed (for Passed: when the manager let CAPI go on). */
  readonly lastTransitionTime: string;
}

export interface ClusterAddonsStatus {
  readonly observedGeneration?: number;
  readonly applied?: AppliedTarget;
  readonly conditions?: readonly Condition[];
  readonly addons?: readonly AddonStatus[];
  /** BeforeClusterDelete cleanup: Done once LoadBalancer Services and provisioned PVCs are gone (or time ran out). */
  readonly cleanup?: { readonly state: 'Running' | 'Done'; readonly message: string; readonly since: string };
  /** Written by the hook handlers only (field manager cskit-hooks, see hook-record.ts). */
  readonly hooks?: readonly HookRecord[];
}

export interface ClusterAddons extends KObject {
  status?: ClusterAddonsStatus;
}

const str = { type: 'string' };
const condition = {
  type: 'object',
  required: ['type', 'status', 'reason', 'lastTransitionTime'],
  properties: {
    type: { type: 'string', enum: [...CONDITION_TYPES] },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    reason: str,
    message: str,
    lastTransitionTime: { type: 'string', format: 'date-time' },
  },
};
const addon = {
  type: 'object',
  required: ['name', 'state'],
  properties: {
    name: str,
    version: str,
    className: str,
    contentHash: str,
    phase: str,
    upgradeStep: { type: 'string', enum: ['BeforeClusterUpgrade', 'AfterControlPlaneUpgrade', 'AfterClusterUpgrade'] },
    state: { type: 'string', enum: [...ADDON_STATES] },
    lastTransitionTime: { type: 'string', format: 'date-time' },
    lastError: str,
  },
};

const hookRecord = {
  type: 'object',
  required: ['hook', 'answer'],
  properties: {
    hook: str,
    kubernetesVersion: str,
    firstCallTime: { type: 'string', format: 'date-time' },
    answer: { type: 'string', enum: ['Blocking', 'Passed', 'Failed'] },
    message: str,
    lastTransitionTime: { type: 'string', format: 'date-time' },
  },
};

/** The CRD as an object (applied by `cskit manager --install-crds` / the tests); our own schema. */
const SCHEMA = {
  type: 'object',
  properties: {
    apiVersion: str,
    kind: str,
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['clusterName'],
      properties: {
        clusterName: { ...str, description: 'The Cluster (same namespace) these addons belong to.' },
      },
    },
    status: {
      type: 'object',
      properties: {
        observedGeneration: { type: 'integer', format: 'int64' },
        applied: {
          type: 'object',
          properties: { className: str, kubernetesVersion: str },
        },
        conditions: {
          type: 'array',
          maxItems: 16,
          items: condition,
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['type'],
        },
        addons: {
          type: 'array',
          maxItems: 256,
          items: addon,
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
        },
        hooks: {
          type: 'array',
          maxItems: 16,
          items: hookRecord,
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['hook'],
        },
        cleanup: {
          type: 'object',
          properties: { state: { type: 'string', enum: ['Running', 'Done'] }, message: str, since: str },
        },
      },
    },
  },
};

export function clusterAddonsCrd(): KObject {
  return namespacedCrd({
    group: GROUP,
    version: VERSION,
    kind: KIND,
    plural: PLURAL,
    singular: 'clusteraddons',
    categories: ['cskit'],
    statusSubresource: true,
    openAPIV3Schema: SCHEMA,
    printerColumns: [
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: 'Paused', type: 'string', jsonPath: '.status.conditions[?(@.type=="Paused")].status' },
      { name: 'Class', type: 'string', jsonPath: '.status.applied.className' },
      { name: 'Version', type: 'string', jsonPath: '.status.applied.kubernetesVersion' },
    ],
  });
}
