/** What apply must know about Cluster API objects: which are classes, clusters, and what refers to what. */

import { KObject } from '../model/object';
import { GroupKind, groupOf } from './applyset';

export const CAPI_GROUP = 'cluster.x-k8s.io';

export const isClusterClass = (gk: GroupKind): boolean => gk.group === CAPI_GROUP && gk.kind === 'ClusterClass';
export const isCluster = (gk: GroupKind): boolean => gk.group === CAPI_GROUP && gk.kind === 'Cluster';
export const gkOf = (obj: KObject): GroupKind => ({ group: groupOf(String(obj.apiVersion)), kind: String(obj.kind) });

export interface TemplateRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/**
 * Every template a ClusterClass refers to, whatever its API version: v1beta2 `templateRef`s and v1beta1 `ref`s are
 * both objects with apiVersion, kind and name (templates live in the class's namespace).
 */
export function templateRefs(cc: KObject): TemplateRef[] {
  const out: TemplateRef[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    if (typeof o.apiVersion === 'string' && typeof o.kind === 'string' && typeof o.name === 'string') {
      out.push({ apiVersion: o.apiVersion, kind: o.kind, name: o.name });
      return;
    }
    Object.values(o).forEach(walk);
  };
  walk(cc.spec);
  return out;
}

/** The ClusterClass a Cluster uses: v1beta2 `topology.classRef`, v1beta1 `topology.class`/`classNamespace`. */
export function classOfCluster(cluster: KObject): { name: string; namespace: string } | undefined {
  const t = cluster.spec?.topology;
  const ns = cluster.metadata?.namespace ?? 'default';
  if (t?.classRef?.name) return { name: t.classRef.name, namespace: t.classRef.namespace || ns };
  if (t?.class) return { name: t.class, namespace: t.classNamespace || ns };
  return undefined;
}

/**
 * The condition list of a ClusterClass: v1beta2 keeps metav1 conditions in `status.conditions`; read at v1beta1,
 * they are in `status.v1beta2.conditions`.
 */
export function classConditions(
  cc: KObject,
): Array<{ type: string; status: string; reason?: string; message?: string }> {
  const s = cc.status ?? {};
  const v2 = String(cc.apiVersion).endsWith('/v1beta1') ? s.v1beta2?.conditions : s.conditions;
  return Array.isArray(v2) ? v2 : Array.isArray(s.conditions) ? s.conditions : [];
}

/** Reconciled: the controller has seen this generation and resolved the variables. */
export function classReconciled(cc: KObject): boolean {
  const observed = Number(cc.status?.observedGeneration);
  const gen = Number(cc.metadata?.generation);
  if (!Number.isFinite(observed) || !Number.isFinite(gen) || observed < gen) return false;
  return classConditions(cc).some(
    (c) => (c.type === 'VariablesReady' || c.type === 'VariablesReconciled') && c.status === 'True',
  );
}
