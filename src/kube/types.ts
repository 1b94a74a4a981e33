/**
 * What the rest of cskit needs from a Kubernetes API server, as plain interfaces and errors. The transport
 * (transport.ts, api.ts) implements them; unit tests of callers may fake them.
 */
export type { KObject } from '../model/object';
import type { KObject } from '../model/object';

export type WatchEvent = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A permission to check with a SelfSubjectAccessReview. */
export interface Permission {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly namespace?: string;
  /** One object by name (an RBAC rule may be limited to resourceNames). */
  readonly name?: string;
}

export interface ClusterClient {
  /** The server's `/version` gitVersion, e.g. `v1.36.4+k3s1`. */
  serverVersion(): Promise<string>;
  list(apiVersion: string, kind: string, opts?: { namespace?: string; labelSelector?: string }): Promise<KObject[]>;
  get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KObject | undefined>;
  create(obj: KObject): Promise<KObject>;
  /** Deletes; resolves quietly if it is already gone. */
  delete(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
    opts?: { gracePeriodSeconds?: number },
  ): Promise<void>;
  /**
   * Watches objects of a kind (one namespace, or all) until `until` returns a value other than undefined for an
   * event, then resolves with it; rejects with a TimeoutError after `timeoutMs`. Events for objects that exist
   * when the watch starts are delivered first, so nothing between a list and a watch is missed.
   */
  watchUntil<T>(
    apiVersion: string,
    kind: string,
    opts: { namespace?: string; name?: string; timeoutMs: number },
    until: (type: WatchEvent, obj: KObject) => T | undefined,
  ): Promise<T>;
  /** The permissions in `wanted` that the current user does NOT have. */
  missingPermissions(wanted: readonly Permission[]): Promise<Permission[]>;
}

/**
 * Why talking to a cluster failed, in terms a user can act on. 'config': the kubeconfig (or in-cluster config) is
 * unusable; 'unreachable': no connection, TLS failure or no answer in time; 'timeout': a wait ran out;
 * 'expired': a watch's resourceVersion is too old (HTTP 410), the caller lists again.
 */
export type KubeErrorKind =
  | 'config'
  | 'unreachable'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'invalid'
  | 'timeout'
  | 'expired'
  | 'server';

export class KubeError extends Error {
  constructor(
    public readonly kind: KubeErrorKind,
    message: string,
    public readonly status?: number,
  ) {
    super(message);
    this.name = 'KubeError';
  }
}

export class TimeoutError extends KubeError {
  constructor(message: string) {
    super('timeout', message);
  }
}

/** One field error of a 409 or 422 Status (`details.causes`). */
export interface StatusCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

/** A failed API call with the server's Status details, so apply can name conflicting managers and bad fields. */
export class ApiStatusError extends KubeError {
  constructor(
    kind: KubeErrorKind,
    message: string,
    status: number | undefined,
    public readonly reason?: string,
    public readonly causes: readonly StatusCause[] = [],
  ) {
    super(kind, message, status);
    this.name = 'ApiStatusError';
  }
}

/** THE mapping of HTTP status codes to error kinds (400 and 422 are both the request's fault: 'invalid'). */
const STATUS_KINDS: Readonly<Record<number, KubeErrorKind>> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  410: 'expired',
  422: 'invalid',
};

/** A non-2xx answer as an ApiStatusError carrying the server's Status (message, reason, causes). */
export function statusError(status: number, body: unknown, what: string): ApiStatusError {
  const st = (typeof body === 'object' && body ? body : {}) as {
    message?: unknown;
    reason?: unknown;
    details?: { causes?: unknown };
  };
  const text = typeof body === 'string' ? body.trim().slice(0, 300) : '';
  const message = typeof st.message === 'string' && st.message ? st.message : text || `HTTP ${status}`;
  const rawCauses = Array.isArray(st.details?.causes) ? (st.details.causes as Record<string, unknown>[]) : [];
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const causes: StatusCause[] = rawCauses
    .filter((c) => typeof c === 'object' && c !== null)
    .map((c) => ({ reason: str(c.reason) ?? str(c.type), message: str(c.message), field: str(c.field) }));
  return new ApiStatusError(STATUS_KINDS[status] ?? 'server', `${what}: ${message}`, status, str(st.reason), causes);
}
