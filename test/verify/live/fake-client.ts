/**
 * An in-memory ClusterClient for unit tests: objects by kind, watches that see creates/updates/deletes (existing
 * objects first, as a watch without resourceVersion does), scripted failures, recorded calls. Controllers are
 * simulated by `react` hooks (see simulateStorage).
 */

import { ClusterClient, KObject, KubeError, Permission, TimeoutError, WatchEvent } from '../../../src/kube/types';

export interface FakeOptions {
  version?: string;
  objects?: Record<string, KObject[]>;
  fail?: Partial<Record<'serverVersion' | 'list' | 'create', KubeError>>;
  /** The first create of this kind fails with this error (later ones succeed). */
  failOnce?: Record<string, KubeError>;
  missing?: Permission[];
  /** Kinds whose delete only marks the object Terminating (deletionTimestamp), as a namespace with a finalizer. */
  terminating?: string[];
}

export type FakeClient = ClusterClient & {
  calls: string[];
  objects: Record<string, KObject[]>;
  /** Adds or replaces an object (by kind, namespace, name) and tells the watchers. */
  put(kind: string, obj: KObject): void;
  remove(kind: string, name: string, namespace?: string): void;
  /** Runs after every create/delete, as a controller would react. */
  react(fn: (event: 'create' | 'delete', kind: string, obj: KObject) => void): void;
};

const key = (o: KObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

/** A fake holding `opts.objects`, with the failures `opts` scripts. */
export function fakeClient(opts: FakeOptions = {}): FakeClient {
  const calls: string[] = [];
  const objects = opts.objects ?? {};
  const failOnce = { ...opts.failOnce };
  const watchers = new Set<{
    kind: string;
    namespace?: string;
    name?: string;
    fn: (t: WatchEvent, o: KObject) => void;
  }>();
  const reactions: Array<(event: 'create' | 'delete', kind: string, obj: KObject) => void> = [];
  const emit = (t: WatchEvent, kind: string, o: KObject) => {
    for (const w of [...watchers]) {
      if (
        w.kind === kind &&
        (!w.namespace || w.namespace === o.metadata?.namespace) &&
        (!w.name || w.name === o.metadata?.name)
      )
        w.fn(t, o);
    }
  };
  const put = (kind: string, obj: KObject) => {
    const list = (objects[kind] ??= []);
    const i = list.findIndex((o) => key(o) === key(obj));
    if (i >= 0) list[i] = obj;
    else list.push(obj);
    emit(i >= 0 ? 'MODIFIED' : 'ADDED', kind, obj);
  };
  const find = (kind: string, name: string, namespace?: string) =>
    (objects[kind] ?? []).find((o) => o.metadata?.name === name && (!namespace || o.metadata?.namespace === namespace));
  const remove = (kind: string, name: string, namespace?: string) => {
    const obj = find(kind, name, namespace);
    if (!obj) return;
    objects[kind] = objects[kind].filter((o) => o !== obj);
    emit('DELETED', kind, obj);
  };
  return {
    calls,
    objects,
    put,
    remove,
    react: (fn) => {
      reactions.push(fn);
    },
    async serverVersion() {
      calls.push('version');
      if (opts.fail?.serverVersion) throw opts.fail.serverVersion;
      return opts.version ?? 'v1.36.4';
    },
    async list(_v, kind, o = {}) {
      calls.push(`list ${kind}`);
      if (opts.fail?.list) throw opts.fail.list;
      return (objects[kind] ?? []).filter((x) => !o.namespace || x.metadata?.namespace === o.namespace);
    },
    async get(_v, kind, name, namespace) {
      calls.push(`get ${kind} ${name}`);
      return find(kind, name, namespace);
    },
    async create(o) {
      calls.push(`create ${o.kind} ${o.metadata?.name}`);
      if (opts.fail?.create) throw opts.fail.create;
      const once = failOnce[o.kind!];
      if (once) {
        delete failOnce[o.kind!];
        throw once;
      }
      const created = { ...o, metadata: { ...o.metadata, uid: `uid-${o.kind}-${o.metadata?.name}` } };
      put(o.kind!, created);
      for (const r of reactions) r('create', o.kind!, created);
      return created;
    },
    async delete(_v, kind, name, namespace) {
      calls.push(`delete ${kind} ${name}`);
      const obj = find(kind, name, namespace);
      if (!obj) return;
      if (opts.terminating?.includes(kind))
        put(kind, {
          ...obj,
          metadata: { ...obj.metadata, deletionTimestamp: new Date().toISOString() },
          status: { ...obj.status, phase: 'Terminating' },
        });
      else remove(kind, name, namespace);
      for (const r of reactions) r('delete', kind, obj);
    },
    watchUntil<T>(
      _v: string,
      kind: string,
      o: { namespace?: string; name?: string; timeoutMs: number },
      until: (t: WatchEvent, obj: KObject) => T | undefined,
    ): Promise<T> {
      calls.push(`watch ${kind}${o.name ? ` ${o.name}` : ''}`);
      return new Promise<T>((resolve, reject) => {
        const w = {
          kind,
          namespace: o.namespace,
          name: o.name,
          fn: (t: WatchEvent, obj: KObject) => {
            let r: T | undefined;
            try {
              r = until(t, obj);
            } catch (e) {
              done();
              reject(e);
              return;
            }
            if (r !== undefined) {
              done();
              resolve(r);
            }
          },
        };
        const timer = setTimeout(() => {
          done();
          reject(new TimeoutError(`fake: timed out waiting for ${kind}`));
        }, o.timeoutMs);
        const done = () => {
          clearTimeout(timer);
          watchers.delete(w);
        };
        watchers.add(w);
        for (const x of [...(objects[kind] ?? [])]) if (watchers.has(w)) emit('ADDED', kind, x);
      });
    },
    async missingPermissions(wanted) {
      calls.push('access review');
      const same = (a: Permission, b: Permission) =>
        a.verb === b.verb &&
        a.group === b.group &&
        a.resource === b.resource &&
        (a.namespace ?? '') === (b.namespace ?? '');
      return wanted.filter((w) => (opts.missing ?? []).some((m) => same(m, w)));
    },
  };
}

/**
 * The controllers the probe relies on, in miniature: the service-account controller (default ServiceAccount per
 * namespace), a provisioner plus the PV controller (a PVC gets a CSI PV and is Bound), scheduler and kubelet (a pod
 * mounting a bound claim runs), and the PV's reclaim (a Delete volume goes when its claim does). Each acts a tick
 * after the event, as real controllers do.
 */
export function simulateStorage(
  client: FakeClient,
  o: { reclaimPolicy?: string; serviceAccount?: boolean } = {},
): void {
  const later = (fn: () => void) => setTimeout(fn, 1);
  client.react((event, kind, obj) => {
    const ns = obj.metadata?.namespace;
    if (event === 'create' && kind === 'Namespace' && o.serviceAccount !== false) {
      later(() => client.put('ServiceAccount', { metadata: { name: 'default', namespace: obj.metadata!.name } }));
    }
    if (event === 'create' && kind === 'PersistentVolumeClaim') {
      const sc = (client.objects.StorageClass ?? []).find(
        (c) => c.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true',
      );
      const pv = `pvc-${obj.metadata!.uid}`;
      later(() => {
        client.put('PersistentVolume', {
          metadata: { name: pv },
          spec: {
            accessModes: obj.spec.accessModes,
            claimRef: { name: obj.metadata!.name, namespace: ns, uid: obj.metadata!.uid },
            csi: { driver: sc?.provisioner },
            persistentVolumeReclaimPolicy: o.reclaimPolicy ?? 'Delete',
          },
          status: { phase: 'Bound' },
        });
        client.put('PersistentVolumeClaim', {
          ...obj,
          spec: { ...obj.spec, volumeName: pv, storageClassName: sc?.metadata?.name },
          status: { phase: 'Bound' },
        });
      });
    }
    if (event === 'create' && kind === 'Pod') {
      const run = () =>
        client.put('Pod', { ...obj, spec: { ...obj.spec, nodeName: 'n1' }, status: { phase: 'Running' } });
      const claim = obj.spec.volumes[0].persistentVolumeClaim.claimName;
      const bound = () =>
        client.objects.PersistentVolumeClaim?.find((c) => c.metadata?.name === claim && c.metadata?.namespace === ns)
          ?.status?.phase === 'Bound';
      if (bound()) later(run);
      else
        client
          .watchUntil('v1', 'PersistentVolumeClaim', { namespace: ns, name: claim, timeoutMs: 5000 }, (_t, c) =>
            c.status?.phase === 'Bound' ? true : undefined,
          )
          .then(
            () => later(run),
            () => undefined,
          );
    }
    if (event === 'delete' && kind === 'PersistentVolumeClaim' && obj.spec?.volumeName) {
      const pv = client.objects.PersistentVolume?.find((v) => v.metadata?.name === obj.spec.volumeName);
      if (pv)
        later(() =>
          pv.spec.persistentVolumeReclaimPolicy === 'Delete'
            ? client.remove('PersistentVolume', pv.metadata!.name!)
            : client.put('PersistentVolume', { ...pv, status: { phase: 'Released' } }),
        );
    }
  });
}
