/**
 * What the rest of cskit needs from a Kubernetes API server, as plain interfaces. Only src/kube/client.ts
 * imports @kubernetes/client-node (ESM-only, unloadable in jest); everything else, and every unit test,
 * works against these types.
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

/** Why talking to a cluster failed, in terms a user can act on. */
export type KubeErrorKind =
  'config' | 'unreachable' | 'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'invalid' | 'timeout' | 'server';

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

/**
 * A failure below HTTP (connection refused, DNS, TLS, timeouts) in terms a user can act on; anything else keeps its
 * message as a server error. Shared by both clients, without loading the Kubernetes client library.
 */
export function transportError(e: unknown, what: string): KubeError {
  if (e instanceof KubeError) return e;
  const err = e as { code?: unknown; message?: string; cause?: { code?: string } };
  const code = err.cause?.code ?? (typeof err.code === 'string' ? err.code : undefined);
  if (
    code &&
    /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ECONNRESET|EAI_AGAIN|CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)
  ) {
    return new KubeError('unreachable', `${what}: cannot reach the API server (${code})`);
  }
  return new KubeError('server', `${what}: ${err.message ?? String(e)}`);
}
