/**
 * Applying one addon to a workload cluster: server-side apply of its rendered objects (field manager `cskit`, force:
 * the manager owns these fields, a hand edit is drift to undo), as ApplySet members, in order; then its health.
 * CRDs are applied and waited for Established before the objects that use them, so one addon may carry both.
 */
import { ApplyClient, ResourceInfo } from '../kube/apply-types';
import { KObject } from '../model/object';
import { FIELD_MANAGER, groupOf, versionOf } from '../apply/applyset';
import { AddonHealthCheck } from '../model/addon';
import { unhealthyReason } from './health';
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

/** The resource of a health check's object. */
async function checkResource(client: AddonClient, c: AddonHealthCheck): Promise<ResourceInfo> {
  return resourceOf(client, { apiVersion: c.apiVersion, kind: c.kind, metadata: { name: c.name } });
}

async function firstUnhealthy(client: AddonClient, checks: readonly AddonHealthCheck[]): Promise<string | undefined> {
  for (const c of checks) {
    const why = unhealthyReason(await client.get(await checkResource(client, c), c.name, c.namespace), c);
    if (why) return why;
  }
  return undefined;
}

/**
 * Applies the objects of one addon and reports whether its declared health checks pass. CRDs go first and must be
 * Established before the objects that may use them (their kinds are only served then).
 */
export async function applyAddon(
  client: AddonClient,
  objects: readonly KObject[],
  checks: readonly AddonHealthCheck[],
): Promise<AddonApplyResult> {
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
  const rest = objects.filter((o) => o.kind !== 'CustomResourceDefinition');
  const changed: string[] = [];
  for (const batch of [crds, rest]) {
    for (const o of batch) {
      const res = await resourceOf(client, o);
      const before = await client.get(res, String(o.metadata?.name), o.metadata?.namespace);
      const r = await client.apply(res, asMember(o), { fieldManager: FIELD_MANAGER, force: true });
      if (r.created || before?.metadata?.resourceVersion !== r.object.metadata?.resourceVersion)
        changed.push(describe(o));
    }
    if (batch === crds && crds.length) {
      const why = await firstUnhealthy(
        client,
        checks.filter((c) => c.type === 'established'),
      );
      if (why) return { changed, unhealthy: why };
    }
  }
  const unhealthy = await firstUnhealthy(client, checks);
  return unhealthy ? { changed, unhealthy } : { changed };
}

/** The parts of an object a dry-run apply would change (server-maintained metadata and status left out). */
function comparable(o: KObject): string {
  const { status: _status, metadata, ...rest } = o;
  void _status;
  const { managedFields: _mf, resourceVersion: _rv, generation: _g, ...meta } = metadata ?? {};
  void _mf;
  void _rv;
  void _g;
  return JSON.stringify({ ...rest, metadata: meta });
}

/**
 * Which objects of a paused addon differ from what the manager would apply: a server-side dry run of each object
 * (nothing is written) compared with the live object; a missing object counts. Drift is reported even while the
 * addon is paused, so an operator sees what a hand edit changed.
 */
export async function detectDrift(client: AddonClient, objects: readonly KObject[]): Promise<string[]> {
  const drifted: string[] = [];
  for (const o of objects) {
    const res = await resourceOf(client, o);
    const live = await client.get(res, String(o.metadata?.name), o.metadata?.namespace);
    if (!live) {
      drifted.push(`${describe(o)} (deleted)`);
      continue;
    }
    const r = await client.apply(res, asMember(o), { fieldManager: FIELD_MANAGER, force: true, dryRun: true });
    if (comparable(r.object) !== comparable(live)) drifted.push(describe(o));
  }
  return drifted;
}
