/**
 * The permissions without which the manager cannot start at all, checked with SelfSubjectAccessReviews before it
 * starts: a missing one is a clear error naming verb, resource and namespace (exit 2), not a crash loop of 403s.
 * Permissions needed per Cluster (its kubeconfig Secret, its ClusterClass, the ClusterAddons status, Events) are not
 * here: a missing one is reported on that Cluster (Degraded, reason PermissionDenied, the server's message naming
 * the permission) and the other Clusters go on.
 */
import { KubeApi } from '../kube/api';
import { KubeError, Permission } from '../kube/types';

export interface StartNeeds {
  readonly installCrd?: boolean;
  readonly registerExtension?: boolean;
  /** The Lease, with leader election. */
  readonly lease?: { readonly namespace: string; readonly name: string };
}

export function startPermissions(n: StartNeeds): Permission[] {
  const p = (verb: string, group: string, resource: string, namespace?: string, name?: string): Permission => ({
    verb,
    group,
    resource,
    ...(namespace ? { namespace } : {}),
    ...(name ? { name } : {}),
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
    // Create cannot be limited to a name (the object does not exist yet); get and update are, to this one Lease.
    ...(n.lease
      ? [
          p('create', 'coordination.k8s.io', 'leases', n.lease.namespace),
          p('get', 'coordination.k8s.io', 'leases', n.lease.namespace, n.lease.name),
          p('update', 'coordination.k8s.io', 'leases', n.lease.namespace, n.lease.name),
        ]
      : []),
  ];
}

export const describePermission = (x: Permission): string =>
  `${x.verb} ${x.resource}${x.group ? `.${x.group}` : ''} ${x.name ? `${x.name} ` : ''}` +
  (x.namespace ? `in namespace ${x.namespace}` : '(all namespaces)');

/** The permissions of `wanted` the manager's identity lacks. */
export async function missingPermissions(api: Pick<KubeApi, 'allowed'>, wanted: readonly Permission[]) {
  const ok = await Promise.all(wanted.map((w) => api.allowed(w)));
  return wanted.filter((_, i) => !ok[i]);
}

/*
 * A 403 during work on one Cluster is a missing RBAC rule of the manager's identity: something an operator fixes in
 * the ClusterRole, not a server to back off from. It is reported as a PermissionDenied condition (and an Event)
 * naming the verb, resource and namespace in words, with the API server's own message kept for the record.
 */
export class PermissionError extends Error {
  constructor(
    message: string,
    readonly missing?: Permission,
  ) {
    super(message);
    this.name = 'PermissionError';
  }
}

/** True for a 403 (by name and kind, so a KubeError from a second copy of the module counts too). */
export function isForbidden(e: unknown): e is KubeError {
  return e instanceof Error && (e as { kind?: unknown }).kind === 'forbidden';
}

export function isPermissionError(e: unknown): e is PermissionError {
  return e instanceof Error && e.name === 'PermissionError';
}

// The authorizer's wording: `User "u" cannot get resource "secrets" in API group "" in the namespace "ns"`
// (or `at the cluster scope`).
const DENIED = /cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)")?/;

/** The permission a 403 names, if the API server's message names one. */
export function missingPermission(message: string): Permission | undefined {
  const m = DENIED.exec(message);
  if (!m) return undefined;
  return { verb: m[1], resource: m[2], group: m[3], ...(m[4] ? { namespace: m[4] } : {}) };
}

/** A 403 as a PermissionError whose message names the missing rule first; other errors unchanged. */
export function asPermissionError(e: unknown): unknown {
  if (!isForbidden(e)) return e;
  const missing = missingPermission(e.message);
  const what = missing ? describePermission(missing) : 'a request';
  return new PermissionError(
    `permission denied: the manager may not ${what} on the management cluster; add it to the manager's ` +
      `ClusterRole (docs/manager.md, Operations: RBAC) [${e.message}]`,
    missing,
  );
}
