/**
 * The manager's inventory in each workload cluster: an ApplySet (KEP-3659, the same one `cskit apply` keeps, so
 * kubectl agrees on membership) whose parent is the Secret `kube-system/cskit-addons`. Members carry the part-of
 * label; what a new stack version no longer has is pruned by the same rules as `cskit apply --prune` (never CRDs or
 * Namespaces), and nothing without our label is ever touched: a foreign object is not in the set.
 */
import { ApplyClient, ResourceInfo } from '../kube/apply-types';
import { KObject } from '../model/object';
import {
  GroupKind,
  PART_OF_LABEL,
  ParentRef,
  ParentState,
  TOOL,
  applySetId,
  parentObject,
  readParent,
  unionGks,
} from '../apply/applyset';
import { gkOf } from '../apply/capi';
import { PruneCandidate, candidate, selectPrune } from '../apply/prune';
import { SECRETS } from './workload';

export const INVENTORY: ParentRef = { name: 'cskit-addons', namespace: 'kube-system' };
export const PARENT_FIELD_MANAGER = 'cskit-addons-applyset';

export type InventoryClient = Pick<ApplyClient, 'resource' | 'apply' | 'get' | 'list' | 'delete'>;

export const inventoryId = (): string => applySetId(INVENTORY.name, INVENTORY.namespace);

/** The object with the ApplySet membership label. */
export function asMember(obj: KObject): KObject {
  return { ...obj, metadata: { ...obj.metadata, labels: { ...obj.metadata?.labels, [PART_OF_LABEL]: inventoryId() } } };
}

export async function readInventory(client: InventoryClient): Promise<ParentState> {
  return readParent(INVENTORY, await client.get(SECRETS, INVENTORY.name, INVENTORY.namespace));
}

const kindsOf = (objs: readonly KObject[]): GroupKind[] => unionGks(objs.map((o) => gkOf(o)));
const namespacesOf = (objs: readonly KObject[]): string[] => [
  ...new Set(objs.map((o) => o.metadata?.namespace).filter((n): n is string => Boolean(n))),
];

/**
 * Writes the parent. Before applying members it must name the union of old and new kinds/namespaces (a crash
 * between the two writes must never leave a member outside what the parent says), after a prune only the new ones.
 */
export async function writeInventory(
  client: InventoryClient,
  objects: readonly KObject[],
  previous?: ParentState,
): Promise<void> {
  const gks = unionGks(previous?.groupKinds ?? [], kindsOf(objects));
  const nss = [...new Set([...(previous?.namespaces ?? []), ...namespacesOf(objects)])];
  await client.apply(SECRETS, parentObject(INVENTORY, `${TOOL}/manager`, gks, nss), {
    fieldManager: PARENT_FIELD_MANAGER,
    force: true,
  });
}

/** Every live member of the set (metadata only), found by the part-of label in the kinds the parent names. */
export async function liveMembers(client: InventoryClient, state: ParentState): Promise<KObject[]> {
  const out: KObject[] = [];
  const selector = `${PART_OF_LABEL}=${inventoryId()}`;
  for (const gk of state.groupKinds) {
    const res: ResourceInfo | undefined = await client.resource(gk.group, gk.kind);
    if (!res) continue; // the kind is gone (e.g. its CRD was removed): nothing of it left to prune
    const nss = res.namespaced ? state.namespaces : [undefined];
    for (const ns of nss) {
      const items = await client.list(res, { namespace: ns, labelSelector: selector, metadataOnly: true });
      out.push(...items.map((i) => ({ ...i, apiVersion: res.group ? `${res.group}/${res.version}` : res.version })));
    }
  }
  return out;
}

/** Members not in `desired`: what to delete, and what is kept (with why), by the one prune rule of cskit apply. */
export function selectStale(live: readonly KObject[], desired: readonly KObject[]) {
  const want = new Set(desired.map((o) => candidate(o).key));
  const stale: PruneCandidate[] = live.map(candidate).filter((c) => !want.has(c.key));
  // No Clusters or ClusterClasses live in a workload cluster; the rule still keeps CRDs and Namespaces.
  return selectPrune(stale, { clusters: [], appliedClasses: [] });
}

/** Deletes the stale members; returns their keys. */
export async function prune(client: InventoryClient, remove: readonly PruneCandidate[]): Promise<string[]> {
  const done: string[] = [];
  for (const c of remove) {
    const res = await client.resource(c.gk.group, c.gk.kind, undefined);
    if (!res) continue;
    await client.delete(res, String(c.obj.metadata?.name), c.obj.metadata?.namespace);
    done.push(c.key);
  }
  return done;
}
