import { KObject } from './types';

export { ApiStatusError } from './types';
export type { StatusCause } from './types';

/**
 * What `cskit apply` needs from an API server beyond ClusterClient: discovery by group and kind, server-side
 * apply, label-selected lists, deletes and polling. Plain types: src/apply/ and its unit tests use this
 * interface, only src/kube/apply-client.ts talks HTTP.
 */

/** How the server serves one kind (from discovery, or from a CRD in the input before it is installed). */
export interface ResourceInfo {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The resource's plural, e.g. `clusterclasses`. */
  readonly plural: string;
  readonly namespaced: boolean;
}

export interface ApplyOptions {
  readonly fieldManager: string;
  /** Take over fields another field manager owns (`force=true`). */
  readonly force?: boolean;
  /** `dryRun=All`: the server runs admission and returns the result without storing it. */
  readonly dryRun?: boolean;
  /** The caller needs only the result's metadata (resourceVersion): the server may send just that. */
  readonly metadataOnly?: boolean;
}

export interface ApplyResult {
  /** The object as the server returned it. */
  readonly object: KObject;
  /** True when the apply created the object (HTTP 201). */
  readonly created: boolean;
}

export interface ApplyClient {
  /** The API server URL, for messages. */
  readonly server: string;
  /** The namespace the kubeconfig's context names, if any (kubectl's default for -n). */
  readonly contextNamespace?: string;
  /**
   * The resource serving `kind` in `group`; at `version` when given, else at the group's preferred version.
   * Resolves undefined when the group or kind is not served (at that version).
   */
  resource(group: string, kind: string, version?: string): Promise<ResourceInfo | undefined>;
  /** The versions a group serves, preferred first; undefined when the group is not served at all. */
  groupVersions(group: string): Promise<string[] | undefined>;
  apply(res: ResourceInfo, obj: KObject, opts: ApplyOptions): Promise<ApplyResult>;
  get(res: ResourceInfo, name: string, namespace?: string): Promise<KObject | undefined>;
  /**
   * Lists in one namespace, or cluster-wide when `namespace` is undefined; with `metadataOnly` the items may carry
   * only apiVersion, kind and metadata.
   */
  list(
    res: ResourceInfo,
    opts: { namespace?: string; labelSelector?: string; metadataOnly?: boolean },
  ): Promise<KObject[]>;
  /** Closes kept-alive connections (so the process can exit at once). */
  close?(): void;
  /** Deletes (background propagation); resolves quietly when already gone. */
  delete(res: ResourceInfo, name: string, namespace: string | undefined, opts?: { dryRun?: boolean }): Promise<void>;
}
