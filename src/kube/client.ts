/**
 * The ClusterClient (verify cluster's narrow interface, by apiVersion and kind) over THE transport: kinds are
 * resolved through the one discovery cache of a KubeApi; nothing here speaks HTTP itself.
 */
import { KubeApi } from './api';
import { ResourceInfo } from './apply-types';
import { ConnectOptions } from './kubeconfig';
import { TransportOptions } from './transport';
import { ClusterClient, KObject, KubeError, TimeoutError, WatchEvent } from './types';

export type { ConnectOptions } from './kubeconfig';

/** A ClusterClient over an existing KubeApi (sharing its connections and discovery cache). */
export function clusterClient(api: KubeApi): ClusterClient {
  const resource = async (apiVersion: string, kind: string): Promise<ResourceInfo> => {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
    const r = await api.resource(group, kind, version);
    if (!r) throw new KubeError('not-found', `${kind} (${apiVersion}) is not served by ${api.server}`, 404);
    return r;
  };

  return {
    serverVersion: () => api.serverVersion(),
    async list(apiVersion, kind, o = {}) {
      return api.list(await resource(apiVersion, kind), o);
    },
    async get(apiVersion, kind, name, namespace) {
      return api.get(await resource(apiVersion, kind), name, namespace);
    },
    async create(obj) {
      return api.create(await resource(String(obj.apiVersion), String(obj.kind)), obj);
    },
    async delete(apiVersion, kind, name, namespace, o = {}) {
      return api.delete(await resource(apiVersion, kind), name, namespace, o);
    },
    async watchUntil<T>(
      apiVersion: string,
      kind: string,
      o: { namespace?: string; name?: string; timeoutMs: number },
      until: (type: WatchEvent, obj: KObject) => T | undefined,
    ): Promise<T> {
      const res = await resource(apiVersion, kind);
      const stop = new AbortController();
      let result: { value: T } | undefined;
      const timer = setTimeout(() => stop.abort(), o.timeoutMs);
      try {
        // Without a resourceVersion the server first sends ADDED for every existing object: no list/watch gap.
        await api.watch(res, { namespace: o.namespace, name: o.name, signal: stop.signal }, (type, obj) => {
          if (result) return;
          const r = until(type, { apiVersion, kind, ...obj });
          if (r !== undefined) {
            result = { value: r };
            stop.abort();
          }
        });
      } finally {
        clearTimeout(timer);
      }
      if (result) return result.value;
      throw new TimeoutError(
        `timed out after ${Math.round(o.timeoutMs / 1000)} s waiting for ${kind}${o.name ? ` ${o.name}` : ''}`,
      );
    },
    async missingPermissions(wanted) {
      const allowed = await Promise.all(wanted.map((p) => api.allowed(p)));
      return wanted.filter((_, i) => !allowed[i]);
    },
  };
}

/** Reads the kubeconfig and returns a ClusterClient; nothing is sent until the first call. */
export function connect(opts: ConnectOptions & TransportOptions = {}): ClusterClient {
  return clusterClient(KubeApi.connect(opts));
}
