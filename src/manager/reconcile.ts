/**
 * One reconcile of one Cluster (CAPI topology-controller shape): read the persisted state, compute the desired
 * addons, apply the addons that may move — in order, each waiting until healthy before the next — prune what the
 * target no longer has once every addon is there, and write the ClusterAddons status and Events. Nothing is kept in
 * memory between reconciles: a fresh manager picks up where the last one stopped.
 */
import { KubeApi } from '../kube/api';
import { ResourceInfo } from '../kube/apply-types';
import { KObject } from '../model/object';
import { FIELD_MANAGER } from '../apply/applyset';
import { applyAddon, detectDrift } from './apply';
import { cleanupStep } from './cleanup';
import { ClusterAddons, ClusterAddonsStatus, Condition } from './crd';
import { isInputError } from '../util/errors';
import { liveMembers, prune, readInventory, selectStale, writeInventory } from './inventory';
import { WorkResult } from './queue';
import { BundleSource, CLUSTER_ADDONS, FullState, ManagementClient, readState } from './state';
import { AddonOutcome, addonsObject, clusterEvent, nextStatus } from './status';

export const EVENTS: ResourceInfo = { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true };

export interface ReconcileDeps {
  readonly management: ManagementClient;
  readonly bundles: BundleSource;
  /** The workload cluster's client (from its kubeconfig Secret). */
  readonly workload: (
    namespace: string,
    cluster: string,
  ) => Promise<Pick<KubeApi, 'resource' | 'apply' | 'get' | 'list' | 'delete'>>;
  readonly now?: () => Date;
  /** How long BeforeClusterDelete waits for cloud-backed objects to go. */
  readonly cleanupTimeoutMs?: number;
  /** Re-apply period of a Cluster in sync (drift repair): a no-op server-side apply is cheap. */
  readonly resyncMs?: number;
  readonly log?: (line: string) => void;
}

const WAIT_MS = 5000;
/** A fix to a bundle or ClusterClass does not touch the Cluster (no watch event): look again this often. */
const INPUT_RETRY_MS = 30_000;

async function writeStatus(deps: ReconcileDeps, s: FullState, full: ClusterAddonsStatus): Promise<void> {
  const m = deps.management;
  // status.hooks belongs to the hook handlers' field manager (hook-record.ts): never co-owned, never overwritten here.
  const { hooks: _hooks, ...status } = full;
  void _hooks;
  if (!s.addonsObject) {
    try {
      await m.create(CLUSTER_ADDONS, addonsObject(s.clusterObject));
    } catch (e) {
      if ((e as { kind?: string }).kind !== 'conflict') throw e;
    }
  }
  await m.apply(
    CLUSTER_ADDONS,
    { ...addonsObject(s.clusterObject), status },
    { fieldManager: FIELD_MANAGER, force: true, subresource: 'status' },
  );
}

async function event(deps: ReconcileDeps, cluster: KObject, type: 'Normal' | 'Warning', reason: string, msg: string) {
  try {
    await deps.management.create(
      EVENTS,
      clusterEvent(cluster, type, reason, msg, (deps.now?.() ?? new Date()).toISOString()),
    );
  } catch (e) {
    deps.log?.(
      `event ${reason} on Cluster ${cluster.metadata?.namespace}/${cluster.metadata?.name} not written: ` +
        (e as Error).message,
    );
  }
}

/** Events for conditions that changed (one per transition, not per reconcile). */
async function conditionEvents(
  deps: ReconcileDeps,
  cluster: KObject,
  prev?: readonly Condition[],
  next?: readonly Condition[],
) {
  for (const c of next ?? []) {
    const old = prev?.find((p) => p.type === c.type);
    if (old?.status === c.status) continue;
    if (c.type === 'Ready' && c.status === 'True') await event(deps, cluster, 'Normal', 'AddonsReady', c.message);
    if (c.type === 'Degraded' && c.status === 'True')
      await event(deps, cluster, 'Warning', 'AddonsDegraded', c.message);
    if (c.type === 'Drifted' && c.status === 'True') await event(deps, cluster, 'Warning', 'AddonsDrifted', c.message);
  }
}

/**
 * Bad input (a bundle that does not read, a Cluster that cannot be rendered for, a missing ClusterClass) is a
 * Degraded condition and a Warning Event on the Cluster, looked at again after a while — never a crash loop.
 */
async function reportInputError(deps: ReconcileDeps, namespace: string, name: string, e: Error): Promise<WorkResult> {
  const m = deps.management;
  const clusterRes = await m.resource('cluster.x-k8s.io', 'Cluster');
  const cluster = clusterRes ? await m.get(clusterRes, name, namespace) : undefined;
  if (!cluster) return {};
  const prev = (await m.get(CLUSTER_ADDONS, name, namespace)) as ClusterAddons | undefined;
  const now = (deps.now?.() ?? new Date()).toISOString();
  const keep = (type: Condition['type'], status: Condition['status'], reason: string, message: string): Condition => {
    const old = prev?.status?.conditions?.find((c) => c.type === type);
    const since = old && old.status === status ? old.lastTransitionTime : now;
    return { type, status, reason, message, lastTransitionTime: since };
  };
  const conditions: Condition[] = [
    keep('Ready', 'False', 'InvalidInput', e.message),
    keep('Progressing', 'False', 'InvalidInput', 'waiting for the input to be fixed'),
    keep('Degraded', 'True', 'InvalidInput', e.message),
    ...(prev?.status?.conditions?.filter((c) => c.type === 'Drifted') ?? []),
  ];
  const state = { clusterObject: cluster, addonsObject: prev } as FullState;
  await writeStatus(deps, state, { ...(prev?.status ?? {}), conditions });
  const was = prev?.status?.conditions?.find((c) => c.type === 'Degraded');
  if (was?.status !== 'True' || was.message !== e.message)
    await event(deps, cluster, 'Warning', 'AddonsInvalidInput', e.message);
  return { requeueAfterMs: INPUT_RETRY_MS };
}

export async function reconcileCluster(deps: ReconcileDeps, namespace: string, name: string): Promise<WorkResult> {
  let read: Awaited<ReturnType<typeof readState>>;
  try {
    read = await readState(deps.management, deps.bundles, namespace, name);
  } catch (e) {
    if (isInputError(e)) return reportInputError(deps, namespace, name, e);
    throw e;
  }
  if (!read || 'notManaged' in read) return {};
  const s = read;
  const now = deps.now?.() ?? new Date();
  if (s.cluster.deleting) return deleteStep(deps, s, now);
  const outcomes = new Map<string, AddonOutcome>();
  let failure: unknown;
  if (s.desired.stage !== 'waiting') {
    try {
      const wl = await deps.workload(namespace, name);
      const inv = await readInventory(wl);
      const moving = s.desired.addons.filter((d) => d.move);
      await writeInventory(
        wl,
        moving.flatMap((d) => d.objects),
        inv,
      );
      const paused = s.cluster.paused;
      for (const d of s.desired.addons) {
        if (!d.move) continue;
        if (d.renderError) break; // status shows it Failed; later addons wait: the order is the contract
        if (paused.includes('*') || paused.includes(d.addon.name)) {
          const drifted = await detectDrift(wl, d.objects);
          const old = s.status?.addons?.find((a) => a.name === d.addon.name);
          if (old) outcomes.set(d.addon.name, { state: old.state, error: old.lastError, drifted });
          continue;
        }
        try {
          const r = await applyAddon(wl, d.objects, d.addon.healthChecks);
          outcomes.set(d.addon.name, {
            state: r.unhealthy ? 'Applied' : 'Ready',
            error: r.unhealthy,
            changed: r.changed,
          });
          if (r.unhealthy) break;
        } catch (e) {
          outcomes.set(d.addon.name, { state: 'Failed', error: (e as Error).message });
          break;
        }
      }
      const allReady = s.desired.addons.every((d) => outcomes.get(d.addon.name)?.state === 'Ready');
      if (s.desired.pruneAllowed && allReady && paused.length === 0) {
        const desiredObjects = s.desired.addons.flatMap((d) => d.objects);
        const { remove } = selectStale(await liveMembers(wl, await readInventory(wl)), desiredObjects);
        const gone = await prune(wl, remove);
        if (gone.length) deps.log?.(`Cluster ${namespace}/${name}: pruned ${gone.join(', ')}`);
        await writeInventory(wl, desiredObjects);
      }
    } catch (e) {
      // The workload cluster is unreachable or refused the inventory: reported on the next addon due, then backoff.
      failure = e;
      const next = s.desired.addons.find((d) => d.move && !outcomes.has(d.addon.name));
      if (next) outcomes.set(next.addon.name, { state: 'Failed', error: (e as Error).message });
    }
  }
  const status = nextStatus(
    s.status,
    s.desired,
    outcomes,
    now.toISOString(),
    Number(s.clusterObject.metadata?.generation ?? 0) || undefined,
  );
  await writeStatus(deps, s, status);
  await conditionEvents(deps, s.clusterObject, s.status?.conditions, status.conditions);
  // A missing or bad kubeconfig Secret is input to fix, not a server to back off from: looked at again every 30 s
  // (its creation does not touch the Cluster, so no watch event would bring the Cluster back sooner).
  if (failure && isInputError(failure)) return { requeueAfterMs: INPUT_RETRY_MS };
  if (failure) throw failure;
  const ready = status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  return { requeueAfterMs: ready ? (deps.resyncMs ?? 60_000) : WAIT_MS };
}

async function deleteStep(deps: ReconcileDeps, s: FullState, now: Date): Promise<WorkResult> {
  if (s.status?.cleanup?.state === 'Done') return {};
  const since = s.status?.cleanup?.since ?? now.toISOString();
  let cleanup: NonNullable<ClusterAddonsStatus['cleanup']>;
  try {
    const wl = await deps.workload(s.cluster.namespace, s.cluster.name);
    const step = await cleanupStep(wl, Date.parse(since), now.getTime(), deps.cleanupTimeoutMs ?? 5 * 60_000);
    cleanup = { state: step.state, message: step.message, since };
  } catch (e) {
    const timedOut = now.getTime() - Date.parse(since) >= (deps.cleanupTimeoutMs ?? 5 * 60_000);
    cleanup = {
      state: timedOut ? 'Done' : 'Running',
      message: `${timedOut ? 'gave up: ' : ''}workload cluster not reachable: ${(e as Error).message}`,
      since,
    };
  }
  await writeStatus(deps, s, { ...(s.status ?? {}), cleanup });
  if (cleanup.state === 'Done')
    await event(
      deps,
      s.clusterObject,
      cleanup.message.startsWith('no ') ? 'Normal' : 'Warning',
      'AddonsCleanup',
      cleanup.message,
    );
  return cleanup.state === 'Done' ? {} : { requeueAfterMs: WAIT_MS };
}
