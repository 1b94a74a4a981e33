/**
 * Which members of the ApplySet that are no longer in the input may be deleted. Prune must never destroy a running
 * cluster, so some members are kept, with the reason reported:
 * - Clusters are never pruned (deleting one deletes its machines);
 * - a ClusterClass still used by a Cluster stays (CAPI would refuse anyway), and so do the templates of every
 *   ClusterClass that stays or is applied, and its addon bundle (the addon manager still needs it);
 * - Namespaces and CRDs are never pruned (deleting them deletes everything inside, Clusters included).
 */

import { CLASS_LABEL } from '../model/addon-bundle';
import { KObject } from '../model/object';
import { GroupKind, groupOf } from './applyset';
import { classOfCluster, gkOf, isCluster, isClusterClass, templateRefs } from './capi';
import { isAddonBundle, objectKey } from './plan';

/** An ApplySet member that is no longer in the input. */
export interface PruneCandidate {
  readonly key: string;
  readonly gk: GroupKind;
  readonly obj: KObject;
}

export interface PruneDecision {
  readonly remove: PruneCandidate[];
  readonly keep: Array<PruneCandidate & { reason: string }>;
}

export function selectPrune(
  candidates: readonly PruneCandidate[],
  opts: {
    /** Every Cluster of the management cluster (any namespace). */
    clusters: readonly KObject[];
    /** ClusterClasses of the input (they stay). */
    appliedClasses: readonly KObject[];
  },
): PruneDecision {
  const usedBy = new Map<string, string[]>();
  for (const c of opts.clusters) {
    const cls = classOfCluster(c);
    if (!cls) continue;
    const k = `${cls.namespace}/${cls.name}`;
    usedBy.set(k, [...(usedBy.get(k) ?? []), `${c.metadata?.namespace}/${c.metadata?.name}`]);
  }
  const keep: PruneDecision['keep'] = [];
  const remove: PruneCandidate[] = [];
  const stayingClasses: KObject[] = [...opts.appliedClasses];
  for (const c of candidates) {
    if (isCluster(c.gk)) keep.push({ ...c, reason: 'Clusters are never pruned; delete it yourself if you mean to' });
    else if (c.gk.group === 'apiextensions.k8s.io' || (c.gk.group === '' && c.gk.kind === 'Namespace')) {
      keep.push({
        ...c,
        reason: `${c.gk.kind}s are never pruned (deleting one deletes everything in it); delete it yourself`,
      });
    } else if (isClusterClass(c.gk)) {
      const users = usedBy.get(`${c.obj.metadata?.namespace}/${c.obj.metadata?.name}`);
      if (users?.length) {
        keep.push({
          ...c,
          reason:
            `still used by Cluster ` +
            `${users.slice(0, 3).join(', ')}${users.length > 3 ? ` and ${users.length - 3} more` : ''}`,
        });
        stayingClasses.push(c.obj);
      } else remove.push(c);
    } else remove.push(c);
  }
  const refs = new Map<string, string>();
  for (const cc of stayingClasses) {
    for (const r of templateRefs(cc))
      refs.set(
        objectKey({ group: groupOf(r.apiVersion), kind: r.kind }, r.name, cc.metadata?.namespace),
        String(cc.metadata?.name),
      );
  }
  // Bundles name their class by label (members may be listed as metadata only).
  const staying = new Set(stayingClasses.map((cc) => `${cc.metadata?.namespace}/${cc.metadata?.name}`));
  const finalRemove: PruneCandidate[] = [];
  for (const c of remove) {
    const cc = refs.get(c.key);
    const bundleOf = isAddonBundle(c.gk) ? c.obj.metadata?.labels?.[CLASS_LABEL] : undefined;
    if (cc) keep.push({ ...c, reason: `template of ClusterClass ${cc}, which stays` });
    else if (bundleOf && staying.has(`${c.obj.metadata?.namespace}/${bundleOf}`))
      keep.push({ ...c, reason: `addon bundle of ClusterClass ${bundleOf}, which stays` });
    else finalRemove.push(c);
  }
  return { remove: finalRemove, keep };
}

export const candidate = (obj: KObject): PruneCandidate => {
  const gk = gkOf(obj);
  return { key: objectKey(gk, String(obj.metadata?.name), obj.metadata?.namespace), gk, obj };
};
