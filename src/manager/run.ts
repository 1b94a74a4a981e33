/**
 * The running manager: the ClusterAddons CRD in place, every Cluster of the management cluster listed and watched
 * into the per-Cluster work queue, each reconciled by `reconcileCluster`; the Runtime SDK hook server (a hook call
 * also queues its Cluster, so work starts as soon as CAPI asks) and, optionally, its ExtensionConfig. Nothing here
 * holds state a restart would lose: the queue is rebuilt from the list.
 */
import { KubeApi } from '../kube/api';
import { KubeError } from '../kube/types';
import { FIELD_MANAGER } from '../apply/applyset';
import { clusterAddonsCrd } from './crd';
import { registerExtension } from './extension-config';
import { StateSource } from './hooks';
import { recordHookCall } from './hook-record';
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
  readonly hooks?: { cert: string; key: string; ca: string; host: string; port: number; advertise?: string };
  readonly register?: { name: string; namespaceLabels?: Record<string, string> };
  readonly cleanupTimeoutMs?: number;
  readonly resyncMs?: number;
  readonly log: (line: string) => void;
}

export interface RunningManager {
  readonly hookUrl?: string;
  readonly queue: WorkQueue;
  stop(): Promise<void>;
}

const keyOf = (ns: string, name: string) => `${ns}/${name}`;

export async function startManager(o: ManagerOptions): Promise<RunningManager> {
  const api = o.management;
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
  const workloads = new WorkloadClients(api, o.kubeconfigSecret);
  const deps: ReconcileDeps = {
    management: api,
    bundles: o.bundles,
    workload: (ns, name) => workloads.get(ns, name),
    cleanupTimeoutMs: o.cleanupTimeoutMs,
    resyncMs: o.resyncMs,
    log: o.log,
  };
  const queue = new WorkQueue(
    (key) => {
      const [ns, name] = key.split('/');
      return reconcileCluster(deps, ns, name);
    },
    { ...DEFAULT_QUEUE, concurrency: o.concurrency ?? DEFAULT_QUEUE.concurrency },
    (key, e, retry) => o.log(`Cluster ${key}: ${(e as Error).message} (retry in ${Math.round(retry / 1000)} s)`),
  );

  let server: HookServer | undefined;
  if (o.hooks) {
    const base = stateSource(api, o.bundles);
    const source: StateSource = {
      load: (ns, name) => {
        queue.add(keyOf(ns, name));
        return base.load(ns, name);
      },
    };
    server = await startHookServer(source, {
      cert: o.hooks.cert,
      key: o.hooks.key,
      host: o.hooks.host,
      port: o.hooks.port,
      log: o.log,
      onAnswer: (hook, request, response) => {
        const md = (request as { cluster?: { metadata?: { name?: unknown; namespace?: unknown } } }).cluster?.metadata;
        if (typeof md?.name !== 'string' || typeof md.namespace !== 'string') return;
        recordHookCall(api, md.namespace, md.name, hook, request, response).catch((e: Error) =>
          o.log(`Cluster ${md.namespace}/${md.name}: ${hook} answer not recorded: ${e.message}`),
        );
      },
    });
    o.log(`hook server listening on ${server.url}`);
    if (o.register) {
      const url = o.hooks.advertise ?? server.url;
      await registerExtension(api, {
        name: o.register.name,
        url,
        caPem: o.hooks.ca,
        namespaceLabels: o.register.namespaceLabels,
      });
      o.log(`ExtensionConfig ${o.register.name} points at ${url}`);
    }
  }

  const stop = new AbortController();
  // List, then watch from the list's resourceVersion; a watch too old to resume (410) lists again.
  const loop = (async () => {
    while (!stop.signal.aborted) {
      try {
        const { items, resourceVersion } = await api.listWithVersion(clusters);
        for (const c of items) queue.add(keyOf(String(c.metadata?.namespace), String(c.metadata?.name)));
        await api.watch(clusters, { resourceVersion, signal: stop.signal }, (_type, c) =>
          queue.add(keyOf(String(c.metadata?.namespace), String(c.metadata?.name))),
        );
      } catch (e) {
        if (stop.signal.aborted) break;
        if (!(e instanceof KubeError && e.kind === 'expired')) {
          o.log(`watching Clusters: ${(e as Error).message}; listing again in 5 s`);
          await new Promise((r) => setTimeout(r, 5000));
        }
      }
    }
  })();

  return {
    hookUrl: server?.url,
    queue,
    async stop() {
      stop.abort();
      queue.stop();
      await loop;
      await server?.close();
      workloads.close();
    },
  };
}
