/**
 * An in-memory stand-in for the narrow client interfaces the manager uses (resource/get/list/create/apply/delete),
 * for unit tests only: objects live in a map, an apply replaces the object and bumps resourceVersion only when it
 * changed (like a no-op server-side apply), lists honour `key=value` label selectors.
 */
import { ResourceInfo } from '../../src/kube/apply-types';
import { KObject } from '../../src/model/object';

const PLURALS: Record<string, [string, boolean]> = {
  Secret: ['secrets', true],
  ConfigMap: ['configmaps', true],
  Deployment: ['deployments', true],
  DaemonSet: ['daemonsets', true],
  Service: ['services', true],
  PersistentVolumeClaim: ['persistentvolumeclaims', true],
  Namespace: ['namespaces', false],
  CustomResourceDefinition: ['customresourcedefinitions', false],
  Cluster: ['clusters', true],
  ClusterClass: ['clusterclasses', true],
  KubeadmControlPlane: ['kubeadmcontrolplanes', true],
  ClusterAddons: ['clusteraddons', true],
  Event: ['events', true],
  ExtensionConfig: ['extensionconfigs', false],
};
const VERSIONS: Record<string, string> = {
  '': 'v1',
  apps: 'v1',
  'apiextensions.k8s.io': 'v1',
  'cluster.x-k8s.io': 'v1beta2',
  'controlplane.cluster.x-k8s.io': 'v1beta2',
  'addons.cskit.io': 'v1alpha1',
  'runtime.cluster.x-k8s.io': 'v1beta2',
};

export class FakeApi {
  readonly server = 'https://fake.invalid';
  readonly store = new Map<string, KObject>();
  readonly deleted: string[] = [];
  readonly calls: string[] = [];
  private rv = 1;
  /** Set to make every call fail (an unreachable cluster). */
  unreachable?: string;
  /** `verb plural` pairs the caller may not do (`get secrets`, `patch clusteraddons/status`): a 403 as RBAC says it. */
  readonly denied = new Set<string>();

  private guard(verb: string, res: ResourceInfo, ns?: string, sub = '') {
    const resource = `${res.plural}${sub}`;
    if (!this.denied.has(`${verb} ${resource}`)) return;
    const where = res.namespaced && ns ? `in the namespace "${ns}"` : 'at the cluster scope';
    const msg =
      `${resource} is forbidden: User "system:serviceaccount:cskit-system:cskit-manager" cannot ${verb} resource ` +
      `"${resource}" in API group "${res.group}" ${where}`;
    throw Object.assign(new Error(msg), { kind: 'forbidden', status: 403 });
  }

  private check(what: string) {
    this.calls.push(what);
    if (this.unreachable) throw Object.assign(new Error(this.unreachable), { kind: 'unreachable' });
  }

  async resource(group: string, kind: string, version?: string): Promise<ResourceInfo | undefined> {
    const p = PLURALS[kind];
    if (!p || VERSIONS[group] === undefined) return undefined;
    return { group, version: version || VERSIONS[group], kind, plural: p[0], namespaced: p[1] };
  }

  key(res: ResourceInfo, name: string, ns?: string): string {
    return `${res.group}/${res.plural}/${res.namespaced ? (ns ?? '') : ''}/${name}`;
  }

  put(obj: KObject): KObject {
    const [g] = String(obj.apiVersion).includes('/') ? String(obj.apiVersion).split('/') : [''];
    const p = PLURALS[String(obj.kind)];
    const k = `${g}/${p[0]}/${p[1] ? (obj.metadata?.namespace ?? '') : ''}/${obj.metadata?.name}`;
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.rv++), uid: `uid-${k}` } };
    this.store.set(k, stored);
    return stored;
  }

  async get(res: ResourceInfo, name: string, ns?: string): Promise<KObject | undefined> {
    this.check(`get ${res.kind} ${name}`);
    this.guard('get', res, ns);
    return this.store.get(this.key(res, name, ns));
  }

  async list(res: ResourceInfo, o: { namespace?: string; labelSelector?: string } = {}): Promise<KObject[]> {
    this.check(`list ${res.kind}`);
    this.guard('list', res, o.namespace);
    const prefix = `${res.group}/${res.plural}/`;
    const [lk, lv] = (o.labelSelector ?? '').split('=');
    return [...this.store.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .map(([, v]) => v)
      .filter((v) => !o.namespace || v.metadata?.namespace === o.namespace)
      .filter((v) => !lk || v.metadata?.labels?.[lk] === lv);
  }

  async create(res: ResourceInfo, obj: KObject): Promise<KObject> {
    this.check(`create ${res.kind}`);
    this.guard('create', res, obj.metadata?.namespace);
    const name = obj.metadata?.name ?? `${obj.metadata?.generateName}${this.rv}`;
    const k = this.key(res, name, obj.metadata?.namespace);
    if (this.store.has(k)) throw Object.assign(new Error('exists'), { kind: 'conflict' });
    return this.put({ ...obj, metadata: { ...obj.metadata, name } });
  }

  async apply(res: ResourceInfo, obj: KObject, o: { subresource?: 'status'; dryRun?: boolean } = {} as never) {
    this.check(`apply ${res.kind} ${obj.metadata?.name}`);
    this.guard('patch', res, obj.metadata?.namespace, o.subresource ? `/${o.subresource}` : '');
    const k = this.key(res, String(obj.metadata?.name), obj.metadata?.namespace);
    const old = this.store.get(k);
    if (o.subresource === 'status') {
      if (!old) throw Object.assign(new Error('not found'), { kind: 'not-found' });
      return { object: this.put({ ...old, status: obj.status }), created: false };
    }
    const next = { ...old, ...obj, status: old?.status, metadata: { ...obj.metadata } };
    const same =
      old &&
      JSON.stringify({ ...old, metadata: { ...old.metadata, resourceVersion: 0, uid: 0 } }) ===
        JSON.stringify({ ...next, metadata: { ...next.metadata, resourceVersion: 0, uid: 0 } });
    if (same) return { object: old, created: false };
    if (o.dryRun)
      return { object: { ...next, metadata: { ...next.metadata, uid: old?.metadata?.uid } }, created: !old };
    // A changed workload starts a new rollout: its old status no longer says anything.
    if (obj.kind === 'Deployment' || obj.kind === 'DaemonSet') delete next.status;
    return { object: this.put(next), created: !old };
  }

  /** What kwok/the controllers would do: every Deployment reports itself rolled out. */
  rollOut(): void {
    for (const [k, v] of this.store)
      if (v.kind === 'Deployment')
        this.store.set(k, {
          ...v,
          status: { observedGeneration: 0, replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
        });
  }

  async delete(res: ResourceInfo, name: string, ns?: string): Promise<void> {
    this.check(`delete ${res.kind} ${name}`);
    const k = this.key(res, name, ns);
    if (this.store.delete(k)) this.deleted.push(`${res.kind} ${ns ? `${ns}/` : ''}${name}`);
  }
}
