/**
 * Builds a stack version's AddonBundle objects from its addons (synth calls this with the same objects it writes
 * to dist/<stack>/addons/), split into parts under MAX_PART_BYTES. Pure: the same input gives the same objects,
 * so the bundle is part of the stack's content hash and a released class's bundle never changes.
 */
import { KObject } from '../model/object';
import { StackContext } from '../model/stack';
import {
  BUNDLE_API_VERSION,
  BUNDLE_KIND,
  BundledAddon,
  CLASS_LABEL,
  MAX_PART_BYTES,
  MOVE_LABEL,
  bundlePartName,
} from '../model/addon-bundle';

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');

/**
 * The bundle objects of one stack version, in part order. An addon whose manifests do not fit the rest of a part
 * continues in the next one (same fields, the following manifests); a single manifest larger than a part is an
 * error naming the addon and the object.
 */
export function buildBundle(
  ctx: Pick<StackContext, 'name' | 'id' | 'kubernetesVersion'>,
  addons: readonly BundledAddon[],
  maxPartBytes = MAX_PART_BYTES,
): KObject[] {
  const head = (part: number, parts: number, entries: BundledAddon[]): KObject => ({
    apiVersion: BUNDLE_API_VERSION,
    kind: BUNDLE_KIND,
    metadata: {
      name: bundlePartName(ctx.name, part, parts),
      labels: { [CLASS_LABEL]: ctx.name, [MOVE_LABEL]: '' },
    },
    spec: {
      class: ctx.name,
      stack: ctx.id,
      kubernetesVersion: ctx.kubernetesVersion,
      part,
      parts,
      addons: entries.map(entry),
    },
  });
  // Sizes are measured with the longest name and part numbers the result can have, so a part never grows later.
  const overhead = bytes(head(9999, 9999, []));
  const parts: BundledAddon[][] = [[]];
  let size = overhead;
  for (const a of [...addons].sort((x, y) => x.order - y.order)) {
    const base = bytes(entry({ ...a, manifests: [] })) + 1;
    let current: (BundledAddon & { manifests: KObject[] }) | undefined;
    // Room for `cost` more bytes of this addon: a new part when the current one (not empty) cannot take them.
    const ensure = (cost: number) => {
      if (size + cost + (current ? 0 : base) > maxPartBytes && parts[parts.length - 1].length > 0) {
        parts.push([]);
        size = overhead;
        current = undefined;
      }
      if (!current) {
        current = { ...a, manifests: [] };
        parts[parts.length - 1].push(current);
        size += base;
      }
      return current;
    };
    if (a.manifests.length === 0) ensure(0);
    for (const m of a.manifests) {
      const cost = bytes(m) + 1;
      if (overhead + base + cost > maxPartBytes) {
        const what = `${m.kind} ${m.metadata?.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata?.name}`;
        throw new Error(
          `addon ${a.name}: ${what} is ${cost} bytes of JSON, more than an AddonBundle part holds (${maxPartBytes}); ` +
            'split the object (e.g. one ConfigMap per file) or ship the data another way',
        );
      }
      ensure(cost).manifests.push(m);
      size += cost;
    }
  }
  return parts.map((entries, i) => head(i + 1, parts.length, entries));
}

/** The serialized form of one addon entry: fixed field order, optional lists left out when empty. */
function entry(a: BundledAddon): Record<string, unknown> {
  return {
    name: a.name,
    order: a.order,
    version: a.version,
    phase: a.phase,
    upgrade: a.upgrade,
    namespace: a.namespace,
    ...(a.dependsOn.length ? { dependsOn: [...a.dependsOn] } : {}),
    inputs: a.inputs.map((i) => ({ path: i.path, type: i.type, description: i.description })),
    healthChecks: a.healthChecks.map((c) => ({ ...c })),
    manifests: [...a.manifests],
  };
}
