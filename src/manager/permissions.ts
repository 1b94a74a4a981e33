/**
 * The permissions without which the manager cannot start at all, checked with SelfSubjectAccessReviews before it
 * starts: a missing one is a clear error naming verb, resource and namespace (exit 2), not a crash loop of 403s.
 * Permissions needed per Cluster (its kubeconfig Secret, its ClusterClass, the ClusterAddons status, Events) are not
 * here: a missing one is reported on that Cluster (Degraded, reason PermissionDenied, the server's message naming
 * the permission) and the other Clusters go on.
 */
import { KubeApi } from '../kube/api';
import { Permission } from '../kube/types';

export interface StartNeeds {
  readonly installCrd?: boolean;
  readonly registerExtension?: boolean;
  /** The Lease's namespace, with leader election. */
  readonly leaseNamespace?: string;
}

export function startPermissions(n: StartNeeds): Permission[] {
  const p = (verb: string, group: string, resource: string, namespace?: string): Permission => ({
    verb,
    group,
    resource,
    ...(namespace ? { namespace } : {}),
  });
  return [
    p('list', 'cluster.x-k8s.io', 'clusters'),
    p('watch', 'cluster.x-k8s.io', 'clusters'),
    p('get', 'cluster.x-k8s.io', 'clusters'),
    ...(n.installCrd
      ? [
          p('create', 'apiextensions.k8s.io', 'customresourcedefinitions'),
          p('patch', 'apiextensions.k8s.io', 'customresourcedefinitions'),
        ]
      : []),
    ...(n.registerExtension
      ? [
          p('create', 'runtime.cluster.x-k8s.io', 'extensionconfigs'),
          p('patch', 'runtime.cluster.x-k8s.io', 'extensionconfigs'),
        ]
      : []),
    ...(n.leaseNamespace
      ? ['get', 'create', 'update'].map((v) => p(v, 'coordination.k8s.io', 'leases', n.leaseNamespace))
      : []),
  ];
}

export const describePermission = (x: Permission): string =>
  `${x.verb} ${x.resource}${x.group ? `.${x.group}` : ''} ` +
  (x.namespace ? `in namespace ${x.namespace}` : '(all namespaces)');

/** The permissions of `wanted` the manager's identity lacks. */
export async function missingPermissions(api: Pick<KubeApi, 'allowed'>, wanted: readonly Permission[]) {
  const ok = await Promise.all(wanted.map((w) => api.allowed(w)));
  return wanted.filter((_, i) => !ok[i]);
}
