import { ClusterClient, KObject, KubeError, Permission } from '../../../src/kube/types';

/** An in-memory ClusterClient for unit tests: objects by kind, scripted failures, recorded calls. */
export function fakeClient(opts: {
  version?: string;
  objects?: Record<string, KObject[]>;
  fail?: Partial<Record<'serverVersion' | 'list' | 'create', KubeError>>;
  missing?: Permission[];
} = {}): ClusterClient & { calls: string[] } {
  const calls: string[] = [];
  const objects = opts.objects ?? {};
  return {
    calls,
    async serverVersion() { calls.push('version'); if (opts.fail?.serverVersion) throw opts.fail.serverVersion; return opts.version ?? 'v1.36.4'; },
    async list(_v, kind) { calls.push(`list ${kind}`); if (opts.fail?.list) throw opts.fail.list; return objects[kind] ?? []; },
    async get(_v, kind, name) { calls.push(`get ${kind} ${name}`); return (objects[kind] ?? []).find((o) => o.metadata?.name === name); },
    async create(o) { calls.push(`create ${o.kind} ${o.metadata?.name}`); if (opts.fail?.create) throw opts.fail.create; return o; },
    async delete(_v, kind, name) { calls.push(`delete ${kind} ${name}`); },
    async watchUntil() { throw new KubeError('timeout', 'fake: no watches'); },
    async missingPermissions() { calls.push('access review'); return opts.missing ?? []; },
  };
}
