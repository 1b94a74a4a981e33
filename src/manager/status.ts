/**
 * The ClusterAddons status of one Cluster, computed purely from the previous status, the desired state and what this
 * reconcile observed; plus the object itself (owned by the Cluster, so it goes with it) and the Events on the
 * Cluster. `applied` moves to the target only when every addon is applied at the target and healthy: a half-applied
 * step is never recorded as done.
 */
import { KObject } from '../model/object';
import {
  API_VERSION,
  AddonState,
  AddonStatus,
  ClusterAddons,
  ClusterAddonsStatus,
  Condition,
  ConditionType,
  KIND,
} from './crd';
import { Desired } from './desired';

/** What one reconcile saw for one addon (absent for an addon it did not get to). */
export interface AddonOutcome {
  readonly state: AddonState;
  readonly error?: string;
  /** Objects changed by the apply (drift when the cluster was already at the target). */
  readonly changed?: readonly string[];
  /** Objects of a paused addon that differ from the desired state (reported, not repaired). */
  readonly drifted?: readonly string[];
}

export function addonsObject(cluster: KObject): ClusterAddons {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: {
      name: String(cluster.metadata?.name),
      namespace: String(cluster.metadata?.namespace ?? 'default'),
      ownerReferences: [
        {
          apiVersion: String(cluster.apiVersion),
          kind: 'Cluster',
          name: String(cluster.metadata?.name),
          uid: String(cluster.metadata?.uid),
        },
      ],
    },
    spec: { clusterName: String(cluster.metadata?.name) },
  };
}

function condition(
  prev: readonly Condition[] | undefined,
  type: ConditionType,
  on: boolean,
  reason: string,
  message: string,
  now: string,
): Condition {
  const status = on ? 'True' : 'False';
  const old = prev?.find((c) => c.type === type);
  return {
    type,
    status,
    reason,
    message,
    lastTransitionTime: old && old.status === status ? old.lastTransitionTime : now,
  };
}

export function nextStatus(
  prev: ClusterAddonsStatus | undefined,
  desired: Desired,
  outcomes: ReadonlyMap<string, AddonOutcome>,
  now: string,
  generation?: number,
): ClusterAddonsStatus {
  const before = new Map((prev?.addons ?? []).map((a) => [a.name, a]));
  const addons: AddonStatus[] = desired.addons.map((d) => {
    const prior = before.get(d.addon.name);
    // An addon this reconcile did not get to that renders now keeps its state, but not an old Failed: what failed
    // (a render error since fixed, e.g. a Cluster field CAPI set later, or an apply that will be tried again when
    // the order reaches it) is no longer known to fail, and a stale Failed would keep Degraded True.
    const old =
      prior?.state === 'Failed' && !d.renderError
        ? { ...prior, state: 'Pending' as const, lastError: undefined }
        : prior;
    const o = outcomes.get(d.addon.name);
    const state: AddonState = d.renderError
      ? 'Failed'
      : o
        ? o.state
        : !d.move
          ? old && old.state !== 'Pending'
            ? old.state
            : 'Held'
          : (old?.state ?? 'Pending');
    const moved = o && (o.state === 'Applied' || o.state === 'Ready');
    const lastError = d.renderError ?? o?.error ?? (o ? undefined : old?.lastError);
    return {
      name: d.addon.name,
      // A held addon still runs the content applied before: its version, class and hash stay those.
      version: moved ? d.addon.version : (old?.version ?? d.addon.version),
      className: moved ? desired.target.className : (old?.className ?? ''),
      contentHash: moved ? d.hash : (old?.contentHash ?? ''),
      phase: d.addon.phase,
      upgradeStep: d.addon.upgrade,
      state,
      lastTransitionTime: prior && prior.state === state ? prior.lastTransitionTime : now,
      ...(lastError ? { lastError } : {}),
    };
  });
  const done = addons.every((a, i) => a.state === 'Ready' && a.contentHash === desired.addons[i].hash);
  const applied = done && desired.stage !== 'waiting' ? desired.target : prev?.applied;
  const failed = addons.filter((a) => a.state === 'Failed');
  const notReady = addons.filter((a) => a.state !== 'Ready');
  const repaired = [...outcomes.entries()].filter(([, o]) => desired.stage === 'steady' && o.changed?.length);
  const detected = [...outcomes.entries()].filter(([, o]) => o.drifted?.length);
  const c = prev?.conditions;
  const conditions: Condition[] = [
    condition(
      c,
      'Ready',
      done,
      done ? 'AddonsReady' : desired.stage === 'waiting' ? 'WaitingForControlPlane' : 'AddonsNotReady',
      done
        ? `${addons.length} addons of ${desired.target.className} healthy`
        : notReady.map((a) => `${a.name}: ${a.lastError ?? a.state}`).join('; '),
      now,
    ),
    condition(
      c,
      'Progressing',
      !done && failed.length === 0,
      done ? 'UpToDate' : `Stage${desired.stage[0].toUpperCase()}${desired.stage.slice(1)}`,
      done ? '' : `moving to ${desired.target.className} at ${desired.target.kubernetesVersion}`,
      now,
    ),
    condition(
      c,
      'Degraded',
      failed.length > 0,
      failed.length ? 'AddonFailed' : 'NoErrors',
      failed.map((a) => `${a.name}: ${a.lastError}`).join('; '),
      now,
    ),
    condition(
      c,
      'Drifted',
      repaired.length + detected.length > 0,
      detected.length ? 'DriftDetectedWhilePaused' : repaired.length ? 'DriftRepaired' : 'NoDrift',
      [
        ...detected.map(([n, o]) => `${n} (paused): ${o.drifted?.join(', ')}`),
        ...repaired.map(([n, o]) => `${n}: ${o.changed?.join(', ')}`),
      ].join('; '),
      now,
    ),
  ];
  return {
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    ...(applied ? { applied } : {}),
    conditions,
    addons,
    ...(prev?.cleanup ? { cleanup: prev.cleanup } : {}),
  };
}

/** A core/v1 Event on the Cluster (what `kubectl describe cluster` shows). */
export function clusterEvent(
  cluster: KObject,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  now: string,
): KObject {
  const name = String(cluster.metadata?.name);
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { generateName: `${name}.`, namespace: String(cluster.metadata?.namespace ?? 'default') },
    involvedObject: {
      apiVersion: cluster.apiVersion,
      kind: 'Cluster',
      name,
      namespace: cluster.metadata?.namespace,
      uid: cluster.metadata?.uid,
    },
    type,
    reason,
    message: message.slice(0, 1024),
    source: { component: 'cskit-manager' },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
}
