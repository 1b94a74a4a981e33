/**
 * Applying one addon to a workload cluster: server-side apply of its rendered objects (field manager `cskit`, force:
 * the manager owns these fields, a hand edit is drift to undo), as ApplySet members, in order; then its health.
 * CRDs are applied and waited for Established before the objects that use them, so one addon may carry both.
 */
import { ApplyClient, ResourceInfo } from '../kube/apply-types';
import { KObject } from '../model/object';
import { FIELD_MANAGER, groupOf, versionOf } from '../apply/applyset';
import { HEALTH_KINDS, unhealthyReason } from './health';
import { asMember } from './inventory';

export type AddonClient = Pick<ApplyClient, 'resource' | 'apply' | 'get'>;

export interface AddonApplyResult {
  /** Objects that changed on the server (resourceVersion moved) — a change on a steady cluster is drift repaired. */
  readonly changed: string[];
  /** undefined when every checked object is healthy. */
  readonly unhealthy?: string;
}

const describe = (o: KObject) =>
  `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;

async function resourceOf(client: AddonClient, o: KObject): Promise<ResourceInfo> {
  const apiVersion = String(o.apiVersion ?? '');
  const res = await client.resource(groupOf(apiVersion), String(o.kind), versionOf(apiVersion));
  if (!res) throw new Error(`${describe(o)}: kind ${o.kind} (${apiVersion}) is not served by the workload cluster`);
  return res;
}

/** Applies the objects of one addon (CRDs first) and reports whether what it installed is healthy. */
export async function applyAddon(client: AddonClient, objects: readonly KObject[]): Promise<AddonApplyResult> {
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
  const rest = objects.filter((o) => o.kind !== 'CustomResourceDefinition');
  const changed: string[] = [];
  const live: Array<{ obj: KObject; res: ResourceInfo }> = [];
  for (const batch of [crds, rest]) {
    for (const o of batch) {
      const res = await resourceOf(client, o);
      const before = await client.get(res, String(o.metadata?.name), o.metadata?.namespace);
      const r = await client.apply(res, asMember(o), { fieldManager: FIELD_MANAGER, force: true });
      if (r.created || before?.metadata?.resourceVersion !== r.object.metadata?.resourceVersion)
        changed.push(describe(o));
      if (HEALTH_KINDS.has(String(o.kind))) live.push({ obj: o, res });
    }
    // Objects of a new CRD's kind are only served once it is Established: stop here until then.
    if (batch === crds) {
      for (const c of crds) {
        const why = unhealthyReason(await client.get(await resourceOf(client, c), String(c.metadata?.name)), c);
        if (why) return { changed, unhealthy: why };
      }
    }
  }
  for (const { obj, res } of live) {
    const why = unhealthyReason(await client.get(res, String(obj.metadata?.name), obj.metadata?.namespace), obj);
    if (why) return { changed, unhealthy: why };
  }
  return { changed };
}
