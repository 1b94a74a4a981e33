import { Construct } from 'constructs';
import { StackContext } from './stack';

/** Type of a per-cluster input; a string leaf that is exactly `{{path}}` is coerced to it when rendered. */
export type AddonInputType = 'string' | 'integer' | 'number' | 'boolean';

/**
 * A per-cluster value an addon's objects use as a Handlebars expression in a string leaf, e.g.
 * `cluster.name`, `controlPlaneEndpoint.host` or `variables.networkMTU` (a ClusterClass topology variable).
 */
export interface AddonInput {
  /** Dotted path into the render context (see src/render/context.ts). */
  readonly path: string;
  readonly type: AddonInputType;
  readonly description: string;
}

/** What an addon ships for one Kubernetes minor: the upstream release and every image it runs. */
export interface AddonRelease {
  /** Upstream version (app or chart version SCS ships), e.g. `1.18.9`. */
  readonly version: string;
  /** Image references by role (e.g. `agent`, `operator`), full `registry/repo:tag`. */
  readonly images: Readonly<Record<string, string>>;
}

/**
 * Install phases, applied in this order: the CNI first (nothing else schedules without pod networking),
 * then the cloud controller manager (it removes the `uninitialized` taint), then CSI, then the rest.
 */
export const ADDON_PHASES = ['cni', 'ccm', 'csi', 'storage', 'metrics'] as const;
export type AddonPhase = (typeof ADDON_PHASES)[number];

/** An addon installed in every workload cluster of a stack: a construct that emits its objects. */
export interface AddonDefinition {
  /** DNS label, e.g. `cilium`. */
  readonly name: string;
  /** One line for `cskit addons list`. */
  readonly description: string;
  /** Namespace of its namespaced objects. */
  readonly namespace: string;
  readonly phase: AddonPhase;
  /** Addons that must be installed before this one (beyond the phase order). */
  readonly dependsOn?: readonly string[];
  /** Releases per Kubernetes minor (`"1.36"`); a stack minor without an entry is a definition error. */
  readonly releases: Readonly<Record<string, AddonRelease>>;
  /** Per-cluster inputs its objects reference; every one must resolve when rendering for a cluster. */
  readonly inputs: readonly AddonInput[];
  /** Adds the addon's objects for this stack version (its Kubernetes minor picks versions) to `scope`. */
  build(scope: Construct, ctx: StackContext): void;
}

/** The release of `def` for a Kubernetes minor, or an error naming the addon, the minor and the fix. */
export function releaseFor(def: AddonDefinition, minor: string): AddonRelease {
  const r = def.releases[minor];
  if (!r) {
    const known = Object.keys(def.releases).sort().join(', ') || 'none';
    throw new Error(
      `addon ${def.name}: no release for Kubernetes ${minor} (known: ${known}); add one to addons/${def.name}/facts.ts`,
    );
  }
  return r;
}

/**
 * Install order: by phase, then dependencies first, then name (a stable, deterministic order).
 * Unknown or cyclic dependencies are errors.
 */
export function orderAddons(defs: readonly AddonDefinition[]): AddonDefinition[] {
  const byName = new Map(defs.map((d) => [d.name, d]));
  if (byName.size !== defs.length) throw new Error(`duplicate addon names: ${defs.map((d) => d.name).join(', ')}`);
  const sorted = [...defs].sort(
    (a, b) => ADDON_PHASES.indexOf(a.phase) - ADDON_PHASES.indexOf(b.phase) || a.name.localeCompare(b.name),
  );
  const out: AddonDefinition[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (d: AddonDefinition, chain: string[]): void => {
    if (state.get(d.name) === 'done') return;
    if (state.get(d.name) === 'visiting') throw new Error(`addon dependency cycle: ${[...chain, d.name].join(' -> ')}`);
    state.set(d.name, 'visiting');
    for (const dep of d.dependsOn ?? []) {
      const target = byName.get(dep);
      if (!target)
        throw new Error(`addon ${d.name}: depends on unknown addon "${dep}" (known: ${[...byName.keys()].join(', ')})`);
      visit(target, [...chain, d.name]);
    }
    state.set(d.name, 'done');
    out.push(d);
  };
  for (const d of sorted) visit(d, []);
  return out;
}
