/**
 * The running manager: the ClusterAddons CRD in place, the Clusters of its shard (`selector`) listed and watched
 * into the per-Cluster work queue, each reconciled by `reconcileCluster`; the Runtime SDK hook server (a hook call
 * also queues its Cluster, so work starts as soon as CAPI asks) and, optionally, its ExtensionConfig; the operations
 * endpoint (health, readiness, metrics). With leader election only the Lease holder watches, reconciles and registers
 * the extension; every instance answers hooks, from persisted state (the answer is a function of the objects, so any
 * replica behind the Service gives the same one). Nothing here holds state a restart would lose: the queue is rebuilt
 * from the list.
 */
import { KubeApi } from '../kube/api';
import { KObject, KubeError } from '../kube/types';
import { FIELD_MANAGER } from '../apply/applyset';
import { LabelSelector } from '../util/label-selector';
import { readClusterState } from './cluster-state';
import { clusterAddonsCrd } from './crd';
import { registerExtension } from './extension-config';
import { Hook, HookResponse, StateSource } from './hooks';
import { recordHookCall } from './hook-record';
import { asPermissionError } from './permissions';
import { LeaderElectionOptions, LeaderElector } from './lease';
import { Logger } from './log';
import { ManagerMetrics } from './metrics';
import { OpsServer, startOpsServer } from './ops-server';
import { DEFAULT_QUEUE, WorkQueue } from './queue';
import { ReconcileDeps, reconcileCluster } from './reconcile';
import { HookServer, startHookServer } from './server';
import { BundleSource, stateSource } from './state';
import { WorkloadClients } from './workload';

export interface ManagerOptions {
  readonly management: KubeApi;
  readonly bundles: BundleSource;
  readonly kubeconfigSecret: string;
  readonly concurrency?: number;
  readonly installCrd?: boolean;
  readonly hooks?: {
    cert: string;
    key: string;
    ca: string;
    host: string;
    port: number;
    advertise?: string;
    /** Reads the certificate files again (a renewal is picked up without a restart; see server.ts). */
    reload?: () => { cert: string; key: string };
  };
  readonly register?: { name: string; namespaceLabels?: Record<string, string> };
  readonly cleanupTimeoutMs?: number;
  readonly resyncMs?: number;
  /** THE logger; a plain function gets every line as text (tests). */
  readonly log: Logger | ((line: string) => void);
  /** This manager's shard: only Clusters whose labels match (`--selector`). */
  readonly selector?: LabelSelector;
  readonly leaderElection?: LeaderElectionOptions;
  /** The leader lost its Lease: the caller must end the process (as controller-runtime does). */
  readonly onLostLeadership?: (reason: string) => void;
  readonly metrics?: ManagerMetrics;
  /** The health/readiness/metrics endpoint; absent: none. */
  readonly ops?: { host: string; port: number };
  /** User-Agent of the requests to workload clusters (their audit logs name the writer). */
  readonly userAgent?: string;
  /** How long `stop` waits for in-flight reconciles (they stop at the next addon) before going on. */
  readonly drainMs?: number;
}

export interface RunningManager {
  readonly hookUrl?: string;
  readonly opsUrl?: string;
  readonly queue: WorkQueue;
  readonly metrics: ManagerMetrics;
  /** Whether this instance reconciles now (always, without leader election). */
  leading(): boolean;
  /** undefined when ready (what /readyz says), else why not. */
  notReady(): string | undefined;
  stop(): Promise<void>;
}

const keyOf = (ns: string, name: string) => `${ns}/${name}`;

const asLogger = (l: ManagerOptions['log']): Logger =>
  typeof l === 'function' ? { info: (m) => l(m), warn: (m) => l(m), error: (m) => l(m) } : l;

export async function startManager(o: ManagerOptions): Promise<RunningManager> {
  const api = o.management;
  const log = asLogger(o.log);
  if (o.installCrd) {
    const crds = await api.resource('apiextensions.k8s.io', 'CustomResourceDefinition');
    if (!crds) throw new KubeError('server', `${api.server} does not serve CustomResourceDefinitions`);
    await api.apply(crds, clusterAddonsCrd(), { fieldManager: FIELD_MANAGER, force: true });
  }
  const clusters = await api.resource('cluster.x-k8s.io', 'Cluster');
  if (!clusters)
    throw new KubeError(
      'not-found',
      `Cluster (cluster.x-k8s.io) is not served by ${api.server}: install Cluster API first`,
    );
  // eslint-disable-next-line prefer-const -- the queue's depth is read by the metrics made before it
  let queue: WorkQueue;
  const metrics = o.metrics ?? new ManagerMetrics({ queueDepth: () => queue?.size ?? 0 });
  const workloads = new WorkloadClients(api, o.kubeconfigSecret, (yaml, source) =>
    KubeApi.connect({
      kubeconfigYaml: yaml,
      kubeconfigSource: source,
      userAgent: o.userAgent,
      observe: (r) => metrics.workloadRequest(r.method, r.status, r.ms),
    }),
  );
  // Clusters the watch last saw paused, and why this instance must stop working (stopping, Lease lost): only used
  // to STOP a reconcile early (between addons), never to decide what to apply; that comes from the persisted
  // Cluster each reconcile.
  const pausedSeen = new Map<string, string>();
  let stopping: string | undefined;
  const deps: ReconcileDeps = {
    management: api,
    bundles: o.bundles,
    workload: (ns, name) => workloads.get(ns, name),
    cleanupTimeoutMs: o.cleanupTimeoutMs,
    resyncMs: o.resyncMs,
    log: (l) => log.info(l),
    shard: o.selector,
    interrupted: (ns, name) => {
      if (stopping) return stopping;
      const by = pausedSeen.get(keyOf(ns, name));
      return by ? `the Cluster was paused (${by})` : undefined;
    },
  };
  queue = new WorkQueue(
    async (key) => {
      const [ns, name] = key.split('/');
      const started = Date.now();
      try {
        const r = await reconcileCluster(deps, ns, name);
        metrics.reconciled(key, 'success', Date.now() - started);
        // Not requeued: not ours (any more), paused or deleted; no sync age to watch for it, and its workload client
        // (a TLS connection, certificates) goes: the next reconcile, if any, reads the Secret again.
        if (r.requeueAfterMs === undefined) {
          metrics.forget(key);
          workloads.forget(ns, name);
        }
        return r;
      } catch (e) {
        metrics.reconciled(key, 'error', Date.now() - started);
        throw e;
      }
    },
    { ...DEFAULT_QUEUE, concurrency: o.concurrency ?? DEFAULT_QUEUE.concurrency },
    (key, e, retry) =>
      log.warn(`reconcile failed: ${(asPermissionError(e) as Error).message}`, {
        cluster: key,
        retryInSeconds: Math.round(retry / 1000),
      }),
  );
  const seen = (type: string, c: KObject) => {
    const key = keyOf(String(c.metadata?.namespace), String(c.metadata?.name));
    const pausedBy = type === 'DELETED' ? undefined : readClusterState(c).pausedBy;
    if (pausedBy) pausedSeen.set(key, pausedBy);
    else pausedSeen.delete(key);
    if (type === 'DELETED') metrics.forget(key);
    queue.add(key);
  };

  const elector = o.leaderElection ? new LeaderElector(api, o.leaderElection, (m) => log.info(m)) : undefined;
  let leading = !elector;
  let listed = false;

  /** The answer CAPI got, in the Cluster's ClusterAddons status.hooks (hook-record.ts); a record, never an input. */
  const recordAnswer = (hook: Hook, request: unknown, r: HookResponse) => {
    const md = (request as { cluster?: { metadata?: { name?: unknown; namespace?: unknown } } }).cluster?.metadata;
    if (typeof md?.name !== 'string' || typeof md.namespace !== 'string') return;
    recordHookCall(api, md.namespace, md.name, hook, request, r).catch((e: Error) =>
      log.error(`Cluster ${md.namespace}/${md.name}: ${hook} answer not recorded: ${e.message}`),
    );
  };

  let server: HookServer | undefined;
  if (o.hooks) {
    const base = stateSource(api, o.bundles, o.selector);
    const source: StateSource = {
      load: async (ns, name) => {
        const s = await base.load(ns, name);
        // Only the instance that reconciles queues work; a standby answers from the same persisted state.
        if (leading && s && !('notManaged' in s)) queue.add(keyOf(ns, name));
        return s;
      },
    };
    server = await startHookServer(source, {
      cert: o.hooks.cert,
      key: o.hooks.key,
      host: o.hooks.host,
      port: o.hooks.port,
      log: (l) => log.info(l),
      observe: (hook, r, ms, request) => {
        metrics.hookAnswered(hook, r.status, r.retryAfterSeconds, ms);
        // Only the leader writes (one writer at a time); an answer another replica gave is not recorded.
        if (leading) recordAnswer(hook, request, r);
      },
      reload: o.hooks.reload ? { read: o.hooks.reload, everyMs: 60_000 } : undefined,
    });
    log.info(`hook server listening on ${server.url}`);
  }

  const register = async () => {
    if (!o.hooks || !o.register) return;
    const url = o.hooks.advertise ?? (server as HookServer).url;
    await registerExtension(api, {
      name: o.register.name,
      url,
      caPem: o.hooks.ca,
      namespaceLabels: o.register.namespaceLabels,
    });
    log.info(`ExtensionConfig ${o.register.name} points at ${url}`);
  };

  const stop = new AbortController();
  // List, then watch from the list's resourceVersion; a watch too old to resume (410) lists again.
  const watchLoop = async () => {
    const labelSelector = o.selector?.text;
    while (!stop.signal.aborted) {
      try {
        const { items, resourceVersion } = await api.listWithVersion(clusters, { labelSelector });
        for (const c of items) seen('ADDED', c);
        listed = true;
        await api.watch(clusters, { resourceVersion, labelSelector, signal: stop.signal }, seen);
      } catch (e) {
        if (stop.signal.aborted) break;
        if (!(e instanceof KubeError && e.kind === 'expired')) {
          log.warn(`watching Clusters: ${(asPermissionError(e) as Error).message}; listing again in 5 s`);
          await new Promise((r) => setTimeout(r, 5000));
        }
      }
    }
  };

  let loop: Promise<void> = Promise.resolve();
  let electing: Promise<void> = Promise.resolve();
  if (elector) {
    metrics.setLeader(false);
    electing = elector.run({
      onStartedLeading: () => {
        leading = true;
        metrics.setLeader(true);
        log.info('leading: reconciling Clusters', { identity: o.leaderElection?.identity });
        loop = register()
          .catch((e: Error) => log.error(`registering the extension: ${e.message}`))
          .then(watchLoop);
      },
      onStoppedLeading: (why) => {
        leading = false;
        metrics.setLeader(false);
        stopping = `lost the Lease: ${why}`;
        stop.abort();
        queue.stop();
        log.error(`leader election lost: ${why}`, { identity: o.leaderElection?.identity });
        o.onLostLeadership?.(why);
      },
      onNewLeader: (id) => log.info(id ? `the leader is ${id}` : 'the Lease is free', { identity: id }),
    });
  } else {
    metrics.setLeader(true);
    await register();
    loop = watchLoop();
  }

  const notReady = (): string | undefined => {
    if (o.hooks && !server) return 'the hook server is not listening';
    if (elector && !leading) return elector.leader === undefined ? 'the leader Lease has not been read yet' : undefined;
    return listed ? undefined : 'the first list of Clusters is not done';
  };

  let ops: OpsServer | undefined;
  if (o.ops) {
    try {
      ops = await startOpsServer({ host: o.ops.host, port: o.ops.port, metrics, notReady });
    } catch (e) {
      stop.abort();
      queue.stop();
      await elector?.release();
      await server?.close();
      throw new KubeError('server', `the health/metrics endpoint cannot listen: ${(e as Error).message}`);
    }
    log.info(`health and metrics on ${ops.url} (/healthz, /readyz, /metrics)`);
  }

  return {
    hookUrl: server?.url,
    opsUrl: ops?.url,
    queue,
    metrics,
    leading: () => leading,
    notReady,
    async stop() {
      stopping = 'the manager is stopping';
      stop.abort();
      queue.stop();
      // In-flight reconciles stop before their next addon; their current apply finishes (never half a request).
      if (!(await queue.idle(o.drainMs ?? 20_000))) log.warn('in-flight reconciles did not finish in time');
      await loop;
      // Released only once nothing is written any more: the next leader starts where this one stopped.
      await elector?.release();
      await electing;
      await server?.close();
      await ops?.close();
      workloads.close();
    },
  };
}
