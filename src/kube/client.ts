import * as fs from 'fs';
import * as k8s from '@kubernetes/client-node';
// node-fetch 2 (the client's own HTTP library) accepts the https agent that carries the kubeconfig's TLS settings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fetch: (
  url: string,
  init: unknown,
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }> = require('node-fetch');
import { ClusterClient, KObject, KubeError, Permission, TimeoutError, WatchEvent, transportError } from './types';

/**
 * The real ClusterClient over @kubernetes/client-node 1.x. This is the project's only importer of the client;
 * Node ≥ 20.19 loads the ESM-only package from our CommonJS output through require(esm).
 */
export interface ConnectOptions {
  /** Path to a kubeconfig file; default: $KUBECONFIG, then ~/.kube/config. */
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Inline kubeconfig YAML (e.g. from a CAPI `<cluster>-kubeconfig` Secret); never written to disk. */
  readonly kubeconfigYaml?: string;
}

export function loadKubeConfig(opts: ConnectOptions): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  const where =
    opts.kubeconfigYaml !== undefined
      ? 'the given kubeconfig'
      : (opts.kubeconfig ?? process.env.KUBECONFIG ?? '~/.kube/config');
  try {
    if (opts.kubeconfigYaml !== undefined) kc.loadFromString(opts.kubeconfigYaml);
    else if (opts.kubeconfig) {
      if (!fs.existsSync(opts.kubeconfig)) throw new Error(`file not found`);
      kc.loadFromFile(opts.kubeconfig);
    } else kc.loadFromDefault();
  } catch (e) {
    throw new KubeError('config', `cannot read kubeconfig ${where}: ${(e as Error).message}; pass --kubeconfig FILE`);
  }
  if (opts.context) {
    if (!kc.getContexts().some((c) => c.name === opts.context)) {
      throw new KubeError(
        'config',
        `context "${opts.context}" is not in ${where}; available: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        }`,
      );
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster())
    throw new KubeError('config', `${where} has no current context/cluster; pass --context NAME`);
  return kc;
}

/** Maps client and network errors to KubeError with the server's own message. */
export function toKubeError(e: unknown, what: string): KubeError {
  if (e instanceof KubeError) return e;
  const err = e as { code?: number | string; body?: unknown };
  if (typeof err.code === 'number') {
    let message = '';
    try {
      message = (typeof err.body === 'string' ? JSON.parse(err.body) : (err.body as any))?.message ?? '';
    } catch {
      message = String(err.body ?? '');
    }
    const kind =
      ({ 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 409: 'conflict', 422: 'invalid' } as const)[
        err.code as 401
      ] ?? 'server';
    return new KubeError(kind, `${what}: ${message || `HTTP ${err.code}`}`, err.code);
  }
  return transportError(e, what);
}

interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

export function connect(opts: ConnectOptions = {}): ClusterClient {
  const kc = loadKubeConfig(opts);
  const server = kc.getCurrentCluster()!.server;
  const resources = new Map<string, Promise<ResourceInfo>>();

  /** Discovery, cached per apiVersion/kind. */
  const resource = (apiVersion: string, kind: string): Promise<ResourceInfo> => {
    const key = `${apiVersion}/${kind}`;
    let p = resources.get(key);
    if (!p) {
      p = (async () => {
        const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
        const list: any = await request('GET', path).catch((e) => {
          throw toKubeError(e, `discovering ${apiVersion}`);
        });
        const r = list?.resources?.find((x: any) => x.kind === kind && !x.name.includes('/'));
        if (!r) throw new KubeError('not-found', `${kind} (${apiVersion}) is not served by ${server}`);
        return { plural: r.name, namespaced: r.namespaced };
      })();
      p.catch(() => resources.delete(key));
      resources.set(key, p);
    }
    return p;
  };

  const request = async (
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<any> => {
    // The kubeconfig's credentials and TLS settings, as the client itself applies them (https agent + headers).
    const init: any = await kc.applyToFetchOptions({
      method,
      headers: { accept: 'application/json', 'content-type': contentType },
    });
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(`${server}${path}`, init);
    const text = await res.text();
    if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { code: res.status, body: text });
    return text ? JSON.parse(text) : undefined;
  };

  const pathOf = async (apiVersion: string, kind: string, namespace?: string, name?: string) => {
    const r = await resource(apiVersion, kind);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${base}${ns}/${r.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
  };

  return {
    async serverVersion() {
      try {
        const v = await request('GET', '/version');
        return String(v.gitVersion);
      } catch (e) {
        throw toKubeError(e, 'reading /version');
      }
    },
    async list(apiVersion, kind, o = {}) {
      const q = o.labelSelector ? `?labelSelector=${encodeURIComponent(o.labelSelector)}` : '';
      try {
        const l = await request('GET', `${await pathOf(apiVersion, kind, o.namespace)}${q}`);
        return (l.items ?? []).map((i: KObject) => ({ apiVersion, kind, ...i }));
      } catch (e) {
        throw toKubeError(e, `listing ${kind}`);
      }
    },
    async get(apiVersion, kind, name, namespace) {
      try {
        return await request('GET', await pathOf(apiVersion, kind, namespace, name));
      } catch (e) {
        const ke = toKubeError(e, `reading ${kind} ${name}`);
        if (ke.kind === 'not-found') return undefined;
        throw ke;
      }
    },
    async create(obj) {
      try {
        return await request('POST', await pathOf(obj.apiVersion!, obj.kind!, obj.metadata?.namespace), obj);
      } catch (e) {
        throw toKubeError(e, `creating ${obj.kind} ${obj.metadata?.name}`);
      }
    },
    async delete(apiVersion, kind, name, namespace, o = {}) {
      try {
        const body =
          o.gracePeriodSeconds !== undefined
            ? { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: o.gracePeriodSeconds }
            : undefined;
        await request('DELETE', await pathOf(apiVersion, kind, namespace, name), body);
      } catch (e) {
        const ke = toKubeError(e, `deleting ${kind} ${name}`);
        if (ke.kind !== 'not-found') throw ke;
      }
    },
    async watchUntil(apiVersion, kind, o, until) {
      const path = await pathOf(apiVersion, kind, o.namespace).catch((e) => {
        throw toKubeError(e, `watching ${kind}`);
      });
      const watch = new k8s.Watch(kc);
      return new Promise((resolve, reject) => {
        let ctrl: AbortController | undefined;
        let settled = false;
        const finish = (fn: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          ctrl?.abort();
          fn();
        };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(
                new TimeoutError(
                  `timed out after ${Math.round(o.timeoutMs / 1000)} s waiting for ${kind}${o.name ? ` ${o.name}` : ''}`,
                ),
              ),
            ),
          o.timeoutMs,
        );
        const params: Record<string, string | boolean> = { allowWatchBookmarks: false };
        if (o.name) params.fieldSelector = `metadata.name=${o.name}`;
        // A watch without resourceVersion first sends ADDED for every existing object: no list/watch gap.
        watch
          .watch(
            path,
            params,
            (type: string, obj: any) => {
              if (settled || !['ADDED', 'MODIFIED', 'DELETED'].includes(type)) return;
              let r: unknown;
              try {
                r = until(type as WatchEvent, obj);
              } catch (e) {
                finish(() => reject(e));
                return;
              }
              if (r !== undefined) finish(() => resolve(r as any));
            },
            (err: unknown) => {
              if (!settled)
                finish(() =>
                  err
                    ? reject(toKubeError(err, `watching ${kind}`))
                    : reject(new KubeError('server', `watch of ${kind} closed by the server`)),
                );
            },
          )
          .then(
            (c) => {
              ctrl = c;
              if (settled) c.abort();
            },
            (e) => finish(() => reject(toKubeError(e, `watching ${kind}`))),
          );
      });
    },
    async missingPermissions(wanted: readonly Permission[]) {
      const missing: Permission[] = [];
      for (const p of wanted) {
        try {
          const r = await request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: {
              resourceAttributes: { verb: p.verb, group: p.group, resource: p.resource, namespace: p.namespace },
            },
          });
          if (!r?.status?.allowed) missing.push(p);
        } catch (e) {
          throw toKubeError(e, 'checking permissions');
        }
      }
      return missing;
    },
  };
}
