/**
 * ApplySet inventory (KEP-3659), computed exactly as kubectl does (k8s.io/kubectl pkg/cmd/apply/applyset.go),
 * so `kubectl apply --prune --applyset` and cskit agree on which objects belong to which set.
 */

import { createHash } from 'crypto';
import { KObject } from '../model/object';

export const PART_OF_LABEL = 'applyset.kubernetes.io/part-of';
export const ID_LABEL = 'applyset.kubernetes.io/id';
export const TOOLING_ANNOTATION = 'applyset.kubernetes.io/tooling';
export const GROUP_KINDS_ANNOTATION = 'applyset.kubernetes.io/contains-group-kinds';
export const NAMESPACES_ANNOTATION = 'applyset.kubernetes.io/additional-namespaces';

/** The tool name in the tooling annotation; the field manager of members (the parent's is `cskit-applyset`). */
export const TOOL = 'cskit';
export const FIELD_MANAGER = TOOL;
export const PARENT_FIELD_MANAGER = `${TOOL}-applyset`;

export interface ParentRef {
  readonly name: string;
  readonly namespace: string;
}

/** `applyset-<base64url(sha256(<name>.<namespace>.<kind>.<group>)), no padding>-v1`; our parent is a core Secret. */
export function applySetId(name: string, namespace: string, kind = 'Secret', group = ''): string {
  const hash = createHash('sha256').update([name, namespace, kind, group].join('.')).digest('base64url');
  return `applyset-${hash}-v1`;
}

/** A group and kind, written as kubectl writes schema.GroupKind: `Kind.group`, or `Kind` for the core group. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

export const gkString = (gk: GroupKind): string => (gk.group ? `${gk.kind}.${gk.group}` : gk.kind);

/** kubectl's schema.ParseGroupKind: the kind is up to the first dot. */
export function parseGk(s: string): GroupKind {
  const i = s.indexOf('.');
  return i < 0 ? { group: '', kind: s } : { kind: s.slice(0, i), group: s.slice(i + 1) };
}

export const groupOf = (apiVersion: string): string =>
  apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
export const versionOf = (apiVersion: string): string => apiVersion.slice(apiVersion.indexOf('/') + 1);

/** What the live parent says the set contains. */
export interface ParentState {
  readonly exists: boolean;
  readonly groupKinds: GroupKind[];
  /** The parent's namespace plus additional-namespaces. */
  readonly namespaces: string[];
  readonly tooling?: string;
}

export class ApplySetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApplySetError';
  }
}

/**
 * Reads a live parent; refuses, as the KEP requires, a parent made by another tool or whose id label does not
 * match its own name/namespace (an impersonation of another set).
 */
export function readParent(ref: ParentRef, live: KObject | undefined): ParentState {
  if (!live) return { exists: false, groupKinds: [], namespaces: [ref.namespace] };
  const where = `ApplySet parent Secret ${ref.namespace}/${ref.name}`;
  const ann = live.metadata?.annotations ?? {};
  const tooling = ann[TOOLING_ANNOTATION];
  if (tooling === undefined) {
    throw new ApplySetError(
      `${where} exists but has no ${TOOLING_ANNOTATION} annotation, so it is not an ApplySet parent; ` +
        'choose another name with --applyset NAME',
    );
  }
  const base = tooling.includes('/') ? tooling.slice(0, tooling.lastIndexOf('/')) : tooling;
  if (base !== TOOL) {
    throw new ApplySetError(
      `${where} is managed by ${tooling}, not by ${TOOL}; ApplySet tools never change each other's sets. ` +
        `Keep using ${base} for it, or apply with --applyset OTHER-NAME`,
    );
  }
  const id = live.metadata?.labels?.[ID_LABEL];
  const want = applySetId(ref.name, ref.namespace);
  if (id !== want) {
    throw new ApplySetError(
      `${where} has ${ID_LABEL}=${id ?? '(none)'} but its name and namespace give ${want}; ` +
        'it was copied or tampered with: delete it (members keep their objects) and apply again',
    );
  }
  // Only the current annotation is read: cskit never wrote the deprecated contains-group-resources one, and the
  // tooling check above means this parent is ours.
  const kinds = (ann[GROUP_KINDS_ANNOTATION] ?? '').split(',').filter(Boolean).map(parseGk);
  const extra = (ann[NAMESPACES_ANNOTATION] ?? '').split(',').filter(Boolean);
  return { exists: true, groupKinds: kinds, namespaces: unique([ref.namespace, ...extra]), tooling };
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** The parent Secret as cskit applies it (server-side, field manager cskit-applyset). */
export function parentObject(
  ref: ParentRef,
  tooling: string,
  groupKinds: readonly GroupKind[],
  namespaces: readonly string[],
): KObject {
  const kinds = unique(groupKinds.map(gkString)).sort();
  const extra = unique(namespaces.filter((n) => n && n !== ref.namespace)).sort();
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: ref.name,
      namespace: ref.namespace,
      labels: { [ID_LABEL]: applySetId(ref.name, ref.namespace) },
      annotations: {
        [TOOLING_ANNOTATION]: tooling,
        [GROUP_KINDS_ANNOTATION]: kinds.join(','),
        [NAMESPACES_ANNOTATION]: extra.join(','),
      },
    },
  };
}

export function sameGk(a: GroupKind, b: GroupKind): boolean {
  return a.group === b.group && a.kind === b.kind;
}

export function unionGks(...sets: ReadonlyArray<readonly GroupKind[]>): GroupKind[] {
  const m = new Map<string, GroupKind>();
  for (const s of sets) for (const gk of s) m.set(gkString(gk), gk);
  return [...m.values()];
}
