/**
 * An in-memory API server for apply's unit tests: discovery from a resource table, server-side apply as "the
 * applied object replaces ours" (enough to tell created/changed/unchanged), resourceVersions that move only on a
 * real change (as the API server skips no-op applies), and hooks to inject conflicts and failures.
 */
import { ApiStatusError, ApplyClient, ApplyOptions, ResourceInfo } from '../../../src/kube/apply-types';
import { KObject } from '../../../src/model/object';

/** One request the fake served, in order (for asserting what apply sent). */
export interface Call {
  readonly verb: string;
  readonly key: string;
  readonly dryRun?: boolean;
}

export const R = {
  secret: { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true },
  namespace: { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
  configMap: { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
  crd: {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    namespaced: false,
  },
  clusterClass: {
    group: 'cluster.x-k8s.io',
    version: 'v1beta2',
    kind: 'ClusterClass',
    plural: 'clusterclasses',
    namespaced: true,
  },
  cluster: { group: 'cluster.x-k8s.io', version: 'v1beta2', kind: 'Cluster', plural: 'clusters', namespaced: true },
  dockerClusterTemplate: {
    group: 'infrastructure.cluster.x-k8s.io',
    version: 'v1beta2',
    kind: 'DockerClusterTemplate',
    plural: 'dockerclustertemplates',
    namespaced: true,
  },
  kcpTemplate: {
    group: 'controlplane.cluster.x-k8s.io',
    version: 'v1beta2',
    kind: 'KubeadmControlPlaneTemplate',
    plural: 'kubeadmcontrolplanetemplates',
    namespaced: true,
  },
} satisfies Record<string, ResourceInfo>;

export class FakeClient implements ApplyClient {
  readonly server = 'https://fake:6443';
  readonly store = new Map<string, KObject>();
  readonly calls: Call[] = [];
  resources: ResourceInfo[] = Object.values(R);
  private rv = 100;
  /** Stored changes (applies that changed something, deletes): the second apply of the same input makes none. */
  writes = 0;
  /** Called before every non-dry-run apply; throw to fail it. */
  beforeApply?: (obj: KObject) => void;
  /** Called on every get; may change the stored object (controllers). */
  onGet?: (obj: KObject | undefined) => void;

  private key(res: ResourceInfo, name: string, namespace?: string): string {
    return `${res.kind}.${res.group}/${res.namespaced ? (namespace ?? '') : ''}/${name}`;
  }

  async groupVersions(group: string): Promise<string[] | undefined> {
    const vs = [...new Set(this.resources.filter((r) => r.group === group).map((r) => r.version))];
    return vs.length ? vs : undefined;
  }

  async resource(group: string, kind: string, version?: string): Promise<ResourceInfo | undefined> {
    return this.resources.find((r) => r.group === group && r.kind === kind && (!version || r.version === version));
  }

  /** Puts an object as another client would (no apply bookkeeping). */
  put(res: ResourceInfo, obj: KObject): KObject {
    const apiVersion = res.group ? `${res.group}/${res.version}` : res.version;
    const stored = {
      apiVersion,
      kind: res.kind,
      ...obj,
      metadata: { ...obj.metadata, uid: `uid-${this.rv}`, resourceVersion: String(++this.rv), generation: 1 },
    };
    this.store.set(this.key(res, String(obj.metadata?.name), obj.metadata?.namespace), stored);
    return stored;
  }

  async apply(res: ResourceInfo, obj: KObject, o: ApplyOptions) {
    const key = this.key(res, String(obj.metadata?.name), obj.metadata?.namespace);
    this.calls.push({ verb: 'apply', key, dryRun: o.dryRun });
    if (!o.dryRun) this.beforeApply?.(obj);
    const owner = this.store.get(key)?.metadata?.owner;
    if (owner && owner !== o.fieldManager && !o.force) {
      throw new ApiStatusError(
        'conflict',
        `applying ${res.kind} ${obj.metadata?.name}: Apply failed with 1 conflict: conflict with "${owner}" ` +
          `using v1: .data.a`,
        409,
        'Conflict',
        [{ reason: 'FieldManagerConflict', message: `conflict with "${owner}" using v1`, field: '.data.a' }],
      );
    }
    const live = this.store.get(key);
    const {
      uid: _u,
      resourceVersion: _r,
      generation: _g,
      owner: _o,
      managedFields: _m,
      ...liveMeta
    } = (live?.metadata ?? {}) as NonNullable<KObject['metadata']>;
    const managers = [
      ...new Set([
        ...((live?.metadata?.managedFields as { manager: string }[] | undefined) ?? []).map((m) => m.manager),
        o.fieldManager,
      ]),
    ].map((manager) => ({ manager, operation: 'Apply' }));
    const same =
      !!live && canon({ ...live, metadata: liveMeta, status: undefined }) === canon({ ...obj, status: undefined });
    const next: KObject = same
      ? live!
      : {
          ...obj,
          status: live?.status,
          metadata: {
            ...obj.metadata,
            managedFields: managers,
            uid: live?.metadata?.uid ?? `uid-${this.rv}`,
            resourceVersion: String(this.rv + 1),
            generation:
              Number(live?.metadata?.generation ?? 0) +
              (live && JSON.stringify(live.spec) === JSON.stringify(obj.spec) ? 0 : 1),
          },
        };
    if (!o.dryRun && !same) {
      this.rv++;
      this.writes++;
      this.store.set(key, next);
    }
    return { object: JSON.parse(JSON.stringify(next)), created: !live };
  }

  async get(res: ResourceInfo, name: string, namespace?: string) {
    const key = this.key(res, name, namespace);
    this.onGet?.(this.store.get(key));
    const o = this.store.get(key);
    return o ? JSON.parse(JSON.stringify(o)) : undefined;
  }

  async list(res: ResourceInfo, o: { namespace?: string; labelSelector?: string }) {
    this.calls.push({ verb: 'list', key: `${res.kind}.${res.group}/${o.namespace ?? ''}` });
    const [lk, lv] = (o.labelSelector ?? '').split('=');
    return [...this.store.entries()]
      .filter(([k]) =>
        k.startsWith(`${res.kind}.${res.group}/${res.namespaced && o.namespace ? `${o.namespace}/` : ''}`),
      )
      .map(([, v]) => v)
      .filter((v) => !lk || v.metadata?.labels?.[lk] === lv)
      .map((v) => JSON.parse(JSON.stringify(v)));
  }

  async delete(res: ResourceInfo, name: string, namespace: string | undefined, o: { dryRun?: boolean } = {}) {
    const key = this.key(res, name, namespace);
    this.calls.push({ verb: 'delete', key, dryRun: o.dryRun });
    if (!o.dryRun && this.store.delete(key)) this.writes++;
  }
}

function canon(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(sort)
      : x && typeof x === 'object'
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .filter((k) => (x as Record<string, unknown>)[k] !== undefined)
              .map((k) => [k, sort((x as Record<string, unknown>)[k])]),
          )
        : x;
  return JSON.stringify(sort(v));
}
