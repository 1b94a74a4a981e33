import { VersionData } from '../../k8s-versions/data';
import { ClusterClient, KubeError, Permission } from '../../kube/types';
import { findClusters } from './fleet';
import { mapLimit } from '../../util/limit';
import { ClusterReport } from './report';
import { CheckResult, aborted } from './result';
import { ProbeOptions, checkDefaultStorageClass } from './storage-class';
import { checkVersionPolicy } from './version-policy';

export interface VerifyOptions extends ProbeOptions {
  readonly at: Date;
  readonly data: VersionData;
}

/** What the checks need; a missing one ABORTs with its name instead of failing half-way. */
export function requiredPermissions(prefix: string): Permission[] {
  const core = (verb: string, resource: string): Permission => ({ verb, group: '', resource });
  return [
    core('list', 'nodes'),
    { verb: 'list', group: 'storage.k8s.io', resource: 'storageclasses' },
    core('create', 'namespaces'),
    core('delete', 'namespaces'),
    core('watch', 'namespaces'),
    core('list', 'namespaces'),
    core('get', 'namespaces'),
    core('get', 'persistentvolumes'),
    core('watch', 'persistentvolumes'),
    ...['create', 'watch', 'get', 'delete']
      .flatMap((v) => [core(v, 'persistentvolumeclaims'), core(v, 'pods')])
      .map((p) => ({ ...p, namespace: `${prefix}-x` })),
    { ...core('watch', 'serviceaccounts'), namespace: `${prefix}-x` },
  ];
}

const describe = (p: Permission) => `${p.verb} ${p.group ? `${p.resource}.${p.group}` : p.resource}`;

/** ABORT for what stops a check from running (config, connection, permissions); a FAIL is a finding. */
function abortOrThrow(standard: string, name: string, e: unknown, started: number): CheckResult {
  if (e instanceof KubeError && e.kind !== 'invalid' && e.kind !== 'conflict')
    return aborted(standard, name, e.message, started);
  throw e;
}

/**
 * Both standards on one cluster, at the same time: they are independent, and the storage probe's round trips
 * dominate. The access reviews go out at once too (one request each), not one after another.
 */
export async function verifyCluster(client: ClusterClient, opts: VerifyOptions): Promise<CheckResult[]> {
  const version = async (): Promise<CheckResult> => {
    const started = Date.now();
    try {
      return await checkVersionPolicy(client, opts.at, opts.data);
    } catch (e) {
      return abortOrThrow('scs-0210', 'version-policy-check', e, started);
    }
  };
  const storage = async (): Promise<CheckResult> => {
    const started = Date.now();
    try {
      const wanted = requiredPermissions(opts.namespacePrefix);
      const missing = (await Promise.all(wanted.map((p) => client.missingPermissions([p])))).flat();
      if (missing.length)
        throw new KubeError(
          'forbidden',
          `missing permission${missing.length > 1 ? 's' : ''}: ${missing.map(describe).join(', ')} (grant them, or run with a more privileged kubeconfig)`,
        );
      return await checkDefaultStorageClass(client, opts);
    } catch (e) {
      return abortOrThrow('scs-0211', 'default-storage-class-check', e, started);
    }
  };
  // allSettled: an unexpected error in one check must not return while the other still has a probe to clean up.
  const settled = await Promise.allSettled([version(), storage()]);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<CheckResult>).value);
}

/** Every CAPI workload cluster of a management cluster, with bounded concurrency. */
export async function verifyFleet(
  mgmt: ClusterClient,
  connectTo: (kubeconfigYaml: string) => ClusterClient,
  opts: VerifyOptions & { selector?: string; concurrency: number },
): Promise<ClusterReport[]> {
  const members = await findClusters(mgmt, opts.selector);
  return mapLimit(members, opts.concurrency, async (m): Promise<ClusterReport> => {
    const cluster = `${m.namespace}/${m.name}`;
    const started = Date.now();
    if (!m.kubeconfigYaml) {
      return {
        cluster,
        results: [
          aborted('scs-0210', 'version-policy-check', m.problem!, started),
          aborted('scs-0211', 'default-storage-class-check', m.problem!, started),
        ],
      };
    }
    let client: ClusterClient;
    try {
      client = connectTo(m.kubeconfigYaml);
    } catch (e) {
      // The message names the Secret, never its content.
      const msg = `kubeconfig in Secret ${m.namespace}/${m.name}-kubeconfig is unusable (${(e as KubeError).kind ?? 'error'})`;
      return {
        cluster,
        results: [
          aborted('scs-0210', 'version-policy-check', msg, started),
          aborted('scs-0211', 'default-storage-class-check', msg, started),
        ],
      };
    }
    return { cluster, results: await verifyCluster(client, opts) };
  });
}
