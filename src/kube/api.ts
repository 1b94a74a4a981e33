/**
 * The Kubernetes API over THE transport, by resource (group, version, plural, scope): get, list, create, delete,
 * server-side apply (field manager, force, dry run), status apply, streaming watches that resume from the last
 * resourceVersion, and access reviews. One KubeApi per cluster, cheap to create; apply uses it directly (it is
 * the ApplyClient), verify cluster through the narrower ClusterClient (client.ts), the addon manager likewise.
 */
import { ApplyClient, ApplyOptions, ApplyResult, ResourceInfo } from './apply-types';
import { Discovery } from './discovery';
import { ConnectOptions, loadKubeconfig } from './kubeconfig';
import { Transport, TransportOptions, WATCH_SECONDS } from './transport';
import { KObject, KubeError, Permission, WatchEvent, statusError } from './types';

const METADATA_ONLY = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1, application/json';
const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json';

export type ConnectAndTransportOptions = ConnectOptions & TransportOptions;

/**
 * Names and namespaces become URL path segments; the API server answers a '/' in one with "the server could not
 * find the requested resource". Its own rule (path segment names): not '.' or '..', no '/' or '%'.
 */
export function checkName(name: unknown, what: string, field = 'metadata.name'): string {
  if (typeof name !== 'string' || !name) throw new KubeError('invalid', `${what}: ${field} is missing`);
  const bad =
    name === '.' || name === '..'
      ? `may not be '${name}'`
      : name.includes('/')
        ? "may not contain '/'"
        : name.includes('%')
          ? "may not contain '%'"
          : undefined;
  if (bad)
    throw new KubeError(
      'invalid',
      `${what}: ${field} "${name}" is invalid: ${bad} (Kubernetes names are path segments)`,
    );
  return name;
}

export interface WatchOptions {
  readonly namespace?: string;
  /** Only the object of this name. */
  readonly name?: string;
  readonly labelSelector?: string;
  /**
   * Start after this resourceVersion (from a list, or a previous watch); without it, existing objects come first,
   * as ADDED events.
   */
  readonly resourceVersion?: string;
  /** Ends the watch; `watch` then resolves. */
  readonly signal?: AbortSignal;
}

export class KubeApi implements ApplyClient {
  readonly server: string;
  readonly contextNamespace?: string;
  readonly transport: Transport;
  readonly discovery: Discovery;

  constructor(t: Transport) {
    this.transport = t;
    this.server = t.server;
    this.contextNamespace = t.namespace;
    this.discovery = new Discovery(t);
  }

  /** Reads the kubeconfig (THE reader) and makes a client; nothing is sent until the first call. */
  static connect(opts: ConnectAndTransportOptions = {}): KubeApi {
    return new KubeApi(new Transport(loadKubeconfig(opts), opts));
  }

  close(): void {
    this.transport.close();
  }

  groupVersions(group: string): Promise<string[] | undefined> {
    return this.discovery.groupVersions(group);
  }

  resource(group: string, kind: string, version?: string): Promise<ResourceInfo | undefined> {
    return this.discovery.resource(group, kind, version);
  }

  private collection(res: ResourceInfo, namespace: string | undefined, what: string): string {
    const base = res.group ? `/apis/${res.group}/${res.version}` : `/api/${res.version}`;
    const ns = res.namespaced && namespace ? `/namespaces/${checkName(namespace, what, 'metadata.namespace')}` : '';
    return `${base}${ns}/${res.plural}`;
  }

  private item(res: ResourceInfo, name: string, namespace: string | undefined, what: string): string {
    return `${this.collection(res, namespace, what)}/${encodeURIComponent(checkName(name, what))}`;
  }

  private label(res: ResourceInfo, name: unknown, namespace?: string): string {
    return `${res.kind} ${res.namespaced && namespace ? `${namespace}/` : ''}${String(name ?? '')}`;
  }

  async serverVersion(): Promise<string> {
    const r = await this.transport.call('reading /version', 'GET', '/version', { idempotent: true });
    const v = (r.body as { gitVersion?: unknown } | undefined)?.gitVersion;
    if (typeof v !== 'string')
      throw new KubeError(
        'server',
        `reading /version: ${this.server} sent no gitVersion (is it a Kubernetes API server?)`,
      );
    return v;
  }

  async get(res: ResourceInfo, name: string, namespace?: string): Promise<KObject | undefined> {
    const what = `reading ${this.label(res, name, namespace)}`;
    try {
      return (await this.transport.call(what, 'GET', this.item(res, name, namespace, what))).body as KObject;
    } catch (e) {
      if (e instanceof KubeError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** Lists with the list's resourceVersion (to watch from). Items carry apiVersion and kind. */
  async listWithVersion(
    res: ResourceInfo,
    o: { namespace?: string; labelSelector?: string; fieldSelector?: string; metadataOnly?: boolean } = {},
  ): Promise<{ items: KObject[]; resourceVersion?: string }> {
    const what = `listing ${res.plural}${o.namespace && res.namespaced ? ` in ${o.namespace}` : ''}`;
    const q = new URLSearchParams();
    if (o.labelSelector) q.set('labelSelector', o.labelSelector);
    if (o.fieldSelector) q.set('fieldSelector', o.fieldSelector);
    const r = await this.transport.call(
      what,
      'GET',
      `${this.collection(res, o.namespace, what)}${q.size ? `?${q}` : ''}`,
      { accept: o.metadataOnly ? METADATA_LIST : undefined },
    );
    const body = r.body as { items?: unknown; metadata?: { resourceVersion?: unknown } } | undefined;
    const items = body?.items ?? [];
    if (!Array.isArray(items)) throw new KubeError('server', `${what}: ${this.server} sent a list without items`);
    const apiVersion = res.group ? `${res.group}/${res.version}` : res.version;
    const rv = body?.metadata?.resourceVersion;
    return {
      items: items.map((i: KObject) => ({ ...i, apiVersion, kind: res.kind })),
      resourceVersion: typeof rv === 'string' ? rv : undefined,
    };
  }

  async list(
    res: ResourceInfo,
    o: { namespace?: string; labelSelector?: string; metadataOnly?: boolean } = {},
  ): Promise<KObject[]> {
    return (await this.listWithVersion(res, o)).items;
  }

  async create(res: ResourceInfo, obj: KObject, o: { dryRun?: boolean } = {}): Promise<KObject> {
    const ns = obj.metadata?.namespace;
    const what = `creating ${this.label(res, obj.metadata?.name ?? obj.metadata?.generateName, ns)}`;
    if (!obj.metadata?.generateName) checkName(obj.metadata?.name, what);
    const r = await this.transport.call(
      what,
      'POST',
      `${this.collection(res, ns, what)}${o.dryRun ? '?dryRun=All' : ''}`,
      { body: obj, idempotent: false },
    );
    return r.body as KObject;
  }

  /**
   * Replaces an object (PUT). It must carry the metadata.resourceVersion it was read at: when someone else changed
   * it meanwhile the server refuses with 409 (kind 'conflict'). This optimistic concurrency is what makes a Lease
   * safe: of two writers that read the same version, only one update lands.
   */
  async update(res: ResourceInfo, obj: KObject): Promise<KObject> {
    const ns = obj.metadata?.namespace;
    const what = `updating ${this.label(res, obj.metadata?.name, ns)}`;
    if (!obj.metadata?.resourceVersion)
      throw new KubeError('invalid', `${what}: metadata.resourceVersion is missing (read the object first)`);
    const r = await this.transport.call(what, 'PUT', this.item(res, obj.metadata?.name as string, ns, what), {
      body: obj,
    });
    return r.body as KObject;
  }

  /** Deletes (background propagation); resolves quietly when already gone. */
  async delete(
    res: ResourceInfo,
    name: string,
    namespace: string | undefined,
    o: { dryRun?: boolean; gracePeriodSeconds?: number } = {},
  ): Promise<void> {
    const what = `deleting ${this.label(res, name, namespace)}`;
    const q = new URLSearchParams({ propagationPolicy: 'Background' });
    if (o.dryRun) q.set('dryRun', 'All');
    if (o.gracePeriodSeconds !== undefined) q.set('gracePeriodSeconds', String(o.gracePeriodSeconds));
    try {
      await this.transport.call(what, 'DELETE', `${this.item(res, name, namespace, what)}?${q}`);
    } catch (e) {
      if (!(e instanceof KubeError && e.status === 404)) throw e;
    }
  }

  /** Server-side apply; `subresource: 'status'` applies the status (the object must exist). */
  async apply(res: ResourceInfo, obj: KObject, o: ApplyOptions & { subresource?: 'status' }): Promise<ApplyResult> {
    const ns = obj.metadata?.namespace;
    const what = `applying ${o.subresource ? `${o.subresource} of ` : ''}${this.label(res, obj.metadata?.name, ns)}`;
    const q = new URLSearchParams({ fieldManager: o.fieldManager, fieldValidation: 'Strict' });
    if (o.force) q.set('force', 'true');
    if (o.dryRun) q.set('dryRun', 'All');
    const sub = o.subresource ? `/${o.subresource}` : '';
    // Only metadata comes back when that is all the caller needs: less to encode, send and parse.
    const r = await this.transport.call(
      what,
      'PATCH',
      `${this.item(res, obj.metadata?.name as string, ns, what)}${sub}?${q}`,
      {
        body: obj,
        contentType: 'application/apply-patch+yaml',
        accept: o.metadataOnly ? METADATA_ONLY : undefined,
      },
    );
    return { object: r.body as KObject, created: r.status === 201 };
  }

  /** Server-side apply of an object's status subresource (controllers report status this way). */
  applyStatus(res: ResourceInfo, obj: KObject, o: ApplyOptions): Promise<ApplyResult> {
    return this.apply(res, obj, { ...o, subresource: 'status' });
  }

  /**
   * Watches a resource and hands each event over, until `signal` aborts (then resolves with the last
   * resourceVersion). When the server ends a watch it resumes from the last resourceVersion seen; when that is
   * too old (HTTP 410) it rejects with kind 'expired' and the caller lists again. Errors thrown by `onEvent`
   * end the watch and are passed on as they are.
   */
  async watch(
    res: ResourceInfo,
    o: WatchOptions,
    onEvent: (type: WatchEvent, obj: KObject) => void,
  ): Promise<string | undefined> {
    const what = `watching ${res.plural}${o.namespace && res.namespaced ? ` in ${o.namespace}` : ''}`;
    let rv = o.resourceVersion;
    const base = this.collection(res, o.namespace, what);
    if (o.name !== undefined) checkName(o.name, what);
    let started = 0;
    while (!o.signal?.aborted) {
      const q = new URLSearchParams({ watch: '1', allowWatchBookmarks: 'true', timeoutSeconds: String(WATCH_SECONDS) });
      if (rv) q.set('resourceVersion', rv);
      if (o.name) q.set('fieldSelector', `metadata.name=${o.name}`);
      if (o.labelSelector) q.set('labelSelector', o.labelSelector);
      // A server that ends every watch at once must not make this loop spin.
      if (Date.now() - started < 1000) await new Promise((res) => setTimeout(res, 1000));
      started = Date.now();
      const stop = new AbortController();
      const onAbort = () => stop.abort();
      o.signal?.addEventListener('abort', onAbort, { once: true });
      let failure: unknown;
      const r = await this.transport
        .stream(
          what,
          `${base}?${q}`,
          (line) => {
            if (failure !== undefined) return;
            try {
              let ev: { type?: unknown; object?: KObject };
              try {
                ev = JSON.parse(line);
              } catch {
                throw new KubeError('server', `${what}: ${this.server} sent a malformed watch event (not JSON)`);
              }
              const obj = ev.object;
              if (typeof obj !== 'object' || obj === null)
                throw new KubeError('server', `${what}: ${this.server} sent a watch event without an object`);
              if (ev.type === 'ERROR') {
                const code = typeof obj.code === 'number' ? obj.code : 500;
                throw statusError(code, obj, what);
              }
              const v = obj.metadata?.resourceVersion;
              if (typeof v === 'string' && v) rv = v;
              if (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED') onEvent(ev.type, obj);
            } catch (e) {
              failure = e;
              stop.abort();
            }
          },
          stop.signal,
        )
        .finally(() => o.signal?.removeEventListener('abort', onAbort));
      if (failure !== undefined) throw failure;
      if (r.status !== 200 && r.status !== 0) throw statusError(r.status, r.body, what);
    }
    return rv;
  }

  /** Whether the current user may do something (SelfSubjectAccessReview). */
  async allowed(p: Permission): Promise<boolean> {
    const r = await this.transport.call(
      'checking permissions',
      'POST',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      {
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {
            resourceAttributes: {
              verb: p.verb,
              group: p.group,
              resource: p.resource,
              namespace: p.namespace,
              name: p.name,
            },
          },
        },
      },
    );
    return (r.body as { status?: { allowed?: unknown } } | undefined)?.status?.allowed === true;
  }
}
