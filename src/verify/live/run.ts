import { VersionData } from '../../k8s-versions/data';
import { ClusterClient, KubeError, Permission } from '../../kube/types';
import { findClusters } from './fleet';
import { mapLimit } from '../../util/limit';
import { ClusterReport } from './report';
import { CheckResult, aborted } from './result';
import { ProbeOptions, checkDefaultStorageClass } from './storage-class';
import { checkVersionPolicy } from './version-policy';
import { DEFAULT_VERSIONS, StandardId, StandardVersions } from '../standards';

export interface VerifyOptions extends ProbeOptions {
  readonly at: Date;
  readonly data: VersionData;
}

const versionsOf = (opts: ProbeOptions) => opts.standards ?? DEFAULT_VERSIONS;

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
function abortOrThrow(standard: StandardId, v: StandardVersions, e: unknown, started: number): CheckResult {
  if (e instanceof KubeError && e.kind !== 'invalid' && e.kind !== 'conflict')
    return aborted(standard, v, e.message, started);
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
      return abortOrThrow('scs-0210', versionsOf(opts), e, started);
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
          `missing permission${missing.length > 1 ? 's' : ''}: ${missing.map(describe).join(', ')}` +
            ` (grant them, or run with a more privileged kubeconfig)`,
        );
      return await checkDefaultStorageClass(client, opts);
    } catch (e) {
      return abortOrThrow('scs-0211', versionsOf(opts), e, started);
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
  /** `source` names the kubeconfig's Secret for messages. */
  connectTo: (kubeconfigYaml: string, source: string) => ClusterClient,
  opts: VerifyOptions & { selector?: string; concurrency: number },
): Promise<ClusterReport[]> {
  const members = await findClusters(mgmt, opts.selector);
  // no Cluster: nothing was verified, which must not read as a PASS of the fleet
  if (!members.length)
    throw new KubeError(
      'not-found',
      `no Cluster API Cluster on the management cluster` +
        `${opts.selector ? ` matches --selector ${opts.selector}` : ''}; nothing to verify`,
    );
  return mapLimit(members, opts.concurrency, async (m): Promise<ClusterReport> => {
    const cluster = `${m.namespace}/${m.name}`;
    const started = Date.now();
    if (!m.kubeconfigYaml) {
      return {
        cluster,
        results: [
          aborted('scs-0210', versionsOf(opts), m.problem!, started),
          aborted('scs-0211', versionsOf(opts), m.problem!, started),
        ],
      };
    }
    let client: ClusterClient;
    try {
      client = connectTo(m.kubeconfigYaml, `Secret ${m.namespace}/${m.name}-kubeconfig`);
    } catch (e) {
      // The kubeconfig reader's message names the Secret and the field, never a credential.
      if (!(e instanceof KubeError)) throw e;
      const msg = e.message;
      return {
        cluster,
        results: [
          aborted('scs-0210', versionsOf(opts), msg, started),
          aborted('scs-0211', versionsOf(opts), msg, started),
        ],
      };
    }
    return { cluster, results: await verifyCluster(client, opts) };
  });
}
