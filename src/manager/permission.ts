/**
 * A 403 from the management cluster is a missing RBAC rule of the manager's ServiceAccount: something an operator
 * fixes in the ClusterRole, not a server to back off from. It is reported as a PermissionDenied condition (and an
 * Event) naming the verb, resource and namespace, in words, with the API server's own message kept for the record.
 */
import { KubeError } from '../kube/types';

/** A management-cluster permission the manager lacks, as the API server named it. */
export interface MissingPermission {
  readonly verb: string;
  readonly resource: string;
  readonly group: string;
  /** Absent: cluster scope. */
  readonly namespace?: string;
}

export class PermissionError extends Error {
  constructor(
    message: string,
    readonly missing?: MissingPermission,
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
export function missingPermission(message: string): MissingPermission | undefined {
  const m = DENIED.exec(message);
  if (!m) return undefined;
  return { verb: m[1], resource: m[2], group: m[3], ...(m[4] ? { namespace: m[4] } : {}) };
}

/** `get secrets in namespace ns` / `list addonbundles.addons.cskit.io at the cluster scope`. */
export function describePermission(p: MissingPermission): string {
  const res = p.group ? `${p.resource}.${p.group}` : p.resource;
  return `${p.verb} ${res} ${p.namespace ? `in namespace ${p.namespace}` : 'at the cluster scope'}`;
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
