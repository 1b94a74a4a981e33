import * as http from 'http';
import * as https from 'https';
import { ApiStatusError, ApplyClient, ResourceInfo, StatusCause } from './apply-types';
import { readSimpleKubeconfig } from './apply-kubeconfig';
import { KObject, KubeError, KubeErrorKind, transportError } from './types';
import type { ConnectOptions } from './client';

/**
 * The real ApplyClient: plain HTTP(S) requests with the kubeconfig's credentials over ONE keep-alive agent.
 * The client library builds a new agent (so a new TLS handshake) per request; for hundreds of applies that
 * handshake would cost more than the apply itself. Common kubeconfigs are read directly (apply-kubeconfig.ts);
 * the library is loaded only for the others (exec plugins, proxies, merged files).
 */
export interface ApplyConnectOptions extends ConnectOptions {
  /** Sockets kept open to the server (the apply concurrency needs no more). */
  readonly maxSockets?: number;
}

interface Reply {
  status: number;
  body: any;
}

const KINDS: Record<number, KubeErrorKind> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  422: 'invalid',
};

const RETRIES = 8;
const METADATA_ONLY = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1, application/json';
const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json';
const pause = (attempt: number) => new Promise((res) => setTimeout(res, Math.min(2000, 100 * 2 ** attempt)));
function transient(r: Reply): boolean {
  if (r.status === 429 || r.status === 503 || r.status === 504) return true;
  const msg = typeof r.body === 'object' && r.body ? String(r.body.message ?? '') : String(r.body ?? '');
  return r.status === 500 && /storage is \(re\)initializing|etcdserver: (request timed out|leader changed)/.test(msg);
}

interface Transport {
  readonly server: string;
  readonly namespace?: string;
  readonly agent: http.Agent;
  headers(): Promise<Record<string, string>>;
}

async function transport(opts: ApplyConnectOptions): Promise<Transport> {
  const maxSockets = opts.maxSockets ?? 16;
  const simple = opts.kubeconfigYaml === undefined ? readSimpleKubeconfig(opts) : undefined;
  if (simple) {
    const agent = simple.server.startsWith('http:')
      ? new http.Agent({ keepAlive: true, maxSockets })
      : new https.Agent({
          keepAlive: true,
          maxSockets,
          ca: simple.ca,
          cert: simple.cert,
          key: simple.key,
          rejectUnauthorized: !simple.insecure,
          servername: simple.servername,
        });
    return {
      server: simple.server,
      namespace: simple.namespace,
      agent,
      headers: async (): Promise<Record<string, string>> =>
        simple.authorization ? { authorization: simple.authorization() } : {},
    };
  }
  const { loadKubeConfig, toKubeError } = await import('./client');
  const kc = loadKubeConfig(opts);
  const cluster = kc.getCurrentCluster()!;
  const tls: any = { headers: {} };
  try {
    await kc.applyToHTTPSOptions(tls);
  } catch (e) {
    throw toKubeError(e, 'reading the kubeconfig credentials');
  }
  const server = cluster.server.replace(/\/+$/, '');
  const agent = cluster.proxyUrl
    ? tls.agent
    : server.startsWith('http:')
      ? new http.Agent({ keepAlive: true, maxSockets })
      : new https.Agent({
          keepAlive: true,
          maxSockets,
          ca: tls.ca,
          cert: tls.cert,
          key: tls.key,
          rejectUnauthorized: tls.rejectUnauthorized,
          servername: tls.servername,
        });
  return {
    server,
    namespace: kc.getContextObject(kc.getCurrentContext())?.namespace,
    agent,
    // Credentials per request: exec plugins and token files may rotate them.
    headers: async () => {
      const o: any = { headers: {} };
      await kc.applyToHTTPSOptions(o);
      const h: Record<string, string> = { ...o.headers };
      if (o.auth) h.authorization = `Basic ${Buffer.from(o.auth).toString('base64')}`;
      return h;
    },
  };
}

export async function connectApply(opts: ApplyConnectOptions = {}): Promise<ApplyClient> {
  const t = await transport(opts);
  const server = t.server;
  const url = new URL(server);

  const request = async (
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    accept = 'application/json',
  ): Promise<Reply> => {
    const headers: Record<string, string> = { accept, ...(await t.headers()) };
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    if (data !== undefined) {
      headers['content-type'] = contentType;
      headers['content-length'] = String(Buffer.byteLength(data));
    }
    const lib = url.protocol === 'http:' ? http : https;
    return new Promise<Reply>((resolve, reject) => {
      const req = lib.request(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port,
          path: `${url.pathname.replace(/\/$/, '')}${path}`,
          method,
          headers,
          agent: t.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              /* plain-text error pages */
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (data !== undefined) req.write(data);
      req.end();
    });
  };

  /** Sends a request; a non-2xx reply becomes an ApiStatusError carrying the server's Status. */
  const call = async (
    what: string,
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
    accept?: string,
  ): Promise<Reply> => {
    let r: Reply;
    // Every call apply makes is idempotent (GET, LIST, apply PATCH, DELETE): transient failures are retried, e.g.
    // "storage is (re)initializing" right after a CRD is established, throttling, or a keep-alive socket the
    // server closed.
    for (let attempt = 0; ; attempt++) {
      try {
        r = await request(method, path, body, contentType, accept);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (attempt < RETRIES && (code === 'ECONNRESET' || code === 'EPIPE')) {
          await pause(attempt);
          continue;
        }
        throw transportError(e, what);
      }
      if (attempt < RETRIES && transient(r)) {
        await pause(attempt);
        continue;
      }
      break;
    }
    if (r.status >= 200 && r.status < 300) return r;
    const st = typeof r.body === 'object' && r.body ? r.body : {};
    const message = st.message ?? (typeof r.body === 'string' && r.body.trim() ? r.body.trim() : `HTTP ${r.status}`);
    const causes: StatusCause[] = (st.details?.causes ?? []).map((c: any) => ({
      reason: c.reason ?? c.type,
      message: c.message,
      field: c.field,
    }));
    throw new ApiStatusError(KINDS[r.status] ?? 'server', `${what}: ${message}`, r.status, st.reason, causes);
  };

  const groups = new Map<string, Promise<string[] | undefined>>();
  const groupVersions = (group: string): Promise<string[] | undefined> => {
    let p = groups.get(group);
    if (!p) {
      p = (async () => {
        if (group === '') {
          const r = await call('discovering the core API', 'GET', '/api');
          return r.body?.versions ?? ['v1'];
        }
        try {
          const r = await call(`discovering ${group}`, 'GET', `/apis/${group}`);
          const preferred: string | undefined = r.body?.preferredVersion?.version;
          const all: string[] = (r.body?.versions ?? []).map((v: any) => v.version);
          return preferred ? [preferred, ...all.filter((v) => v !== preferred)] : all;
        } catch (e) {
          if (e instanceof ApiStatusError && e.status === 404) return undefined;
          throw e;
        }
      })();
      groups.set(group, p);
      p.catch(() => groups.delete(group));
    }
    return p;
  };

  const lists = new Map<string, Promise<any[] | undefined>>();
  const resourceList = (group: string, version: string): Promise<any[] | undefined> => {
    const gv = group ? `${group}/${version}` : version;
    let p = lists.get(gv);
    if (!p) {
      p = call(`discovering ${gv}`, 'GET', group ? `/apis/${gv}` : `/api/${gv}`).then(
        (r) => r.body?.resources ?? [],
        (e) => {
          if (e instanceof ApiStatusError && e.status === 404) return undefined;
          throw e;
        },
      );
      lists.set(gv, p);
      p.catch(() => lists.delete(gv));
    }
    return p;
  };

  const base = (res: ResourceInfo) => (res.group ? `/apis/${res.group}/${res.version}` : `/api/${res.version}`);
  const collection = (res: ResourceInfo, namespace?: string) =>
    `${base(res)}${res.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${res.plural}`;
  const item = (res: ResourceInfo, name: string, namespace?: string) =>
    `${collection(res, namespace)}/${encodeURIComponent(name)}`;
  const label = (res: ResourceInfo, name: string, namespace?: string) =>
    `${res.kind} ${res.namespaced && namespace ? `${namespace}/` : ''}${name}`;

  return {
    server,
    contextNamespace: t.namespace,
    close: () => t.agent.destroy(),
    groupVersions,
    async resource(group, kind, version) {
      const versions = await groupVersions(group);
      if (!versions) return undefined;
      const v = version ?? versions[0];
      if (!versions.includes(v)) return undefined;
      const r = (await resourceList(group, v))?.find((x: any) => x.kind === kind && !String(x.name).includes('/'));
      return r ? { group, version: v, kind, plural: r.name, namespaced: !!r.namespaced } : undefined;
    },
    async apply(res, obj, o) {
      const name = String(obj.metadata?.name);
      const q = new URLSearchParams({ fieldManager: o.fieldManager, fieldValidation: 'Strict' });
      if (o.force) q.set('force', 'true');
      if (o.dryRun) q.set('dryRun', 'All');
      // Only metadata comes back when that is all the caller needs: less to encode, send and parse.
      const r = await call(
        `applying ${label(res, name, obj.metadata?.namespace)}`,
        'PATCH',
        `${item(res, name, obj.metadata?.namespace)}?${q}`,
        obj,
        'application/apply-patch+yaml',
        o.metadataOnly ? METADATA_ONLY : undefined,
      );
      return { object: r.body, created: r.status === 201 };
    },
    async get(res, name, namespace) {
      try {
        return (await call(`reading ${label(res, name, namespace)}`, 'GET', item(res, name, namespace))).body;
      } catch (e) {
        if (e instanceof ApiStatusError && e.status === 404) return undefined;
        throw e;
      }
    },
    async list(res, o) {
      const q = o.labelSelector ? `?${new URLSearchParams({ labelSelector: o.labelSelector })}` : '';
      const r = await call(
        `listing ${res.plural}${o.namespace && res.namespaced ? ` in ${o.namespace}` : ''}`,
        'GET',
        `${collection(res, o.namespace)}${q}`,
        undefined,
        undefined,
        o.metadataOnly ? METADATA_LIST : undefined,
      );
      const apiVersion = res.group ? `${res.group}/${res.version}` : res.version;
      return (r.body?.items ?? []).map((i: KObject) => ({ ...i, apiVersion, kind: res.kind }));
    },
    async delete(res, name, namespace, o = {}) {
      const q = new URLSearchParams({ propagationPolicy: 'Background' });
      if (o.dryRun) q.set('dryRun', 'All');
      try {
        await call(`deleting ${label(res, name, namespace)}`, 'DELETE', `${item(res, name, namespace)}?${q}`);
      } catch (e) {
        if (!(e instanceof ApiStatusError && e.status === 404)) throw e;
      }
    },
  };
}
