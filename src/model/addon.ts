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

/**
 * Where in Cluster API's upgrade an addon moves to its new version (the Runtime SDK hook the manager works in):
 * `BeforeClusterUpgrade` holds CAPI back until the addon is healthy, so its new release must run with the OLD
 * Kubernetes minor too; `AfterControlPlaneUpgrade` runs once every control plane machine has the new version and
 * before workers roll (the place for components that must not be newer than the kube-apiserver, such as a
 * cloud-controller-manager); `AfterClusterUpgrade` runs when every machine is upgraded. Listed in upgrade order.
 */
export const ADDON_UPGRADE_PHASES = [
  'BeforeClusterUpgrade',
  'AfterControlPlaneUpgrade',
  'AfterClusterUpgrade',
] as const;
export type AddonUpgradePhase = (typeof ADDON_UPGRADE_PHASES)[number];

/**
 * How the manager knows an installed object is healthy before it goes on: `rollout` (a DaemonSet, Deployment or
 * StatefulSet whose observedGeneration is current and whose updated/ready/available replicas match the desired
 * count, as `kubectl rollout status` reads it), `established` (a CustomResourceDefinition with condition
 * Established=True), `available` (an APIService with condition Available=True).
 */
export const HEALTH_CHECK_TYPES = ['rollout', 'established', 'available'] as const;
export type HealthCheckType = (typeof HEALTH_CHECK_TYPES)[number];

export interface AddonHealthCheck {
  readonly type: HealthCheckType;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Absent for cluster-scoped kinds. */
  readonly namespace?: string;
}

/** The check each kind implies; kinds not listed are healthy once applied (ConfigMaps, RBAC, StorageClasses…). */
export const DERIVED_HEALTH_CHECKS: Readonly<Record<string, HealthCheckType>> = {
  DaemonSet: 'rollout',
  Deployment: 'rollout',
  StatefulSet: 'rollout',
  CustomResourceDefinition: 'established',
  APIService: 'available',
};

/** An addon installed in every workload cluster of a stack: a construct that emits its objects. */
export interface AddonDefinition {
  /** DNS label, e.g. `cilium`. */
  readonly name: string;
  /** One line for `cskit addons list`. */
  readonly description: string;
  /** Namespace of its namespaced objects. */
  readonly namespace: string;
  readonly phase: AddonPhase;
  /** Where it moves during a Kubernetes upgrade; each definition says why in a comment (docs/addons.md). */
  readonly upgrade: AddonUpgradePhase;
  /**
   * Health checks beyond the ones its kinds imply (DERIVED_HEALTH_CHECKS), e.g. a custom resource with a Ready
   * condition; each must name one of the addon's own objects.
   */
  readonly healthChecks?: readonly AddonHealthCheck[];
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

type ObjectLike = { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };

/**
 * The health checks of one addon's objects, in install order: one per object of a kind with a derived check, then
 * the explicit ones. Names are literal (a `{{…}}` name could not be checked before rendering): an error otherwise,
 * as is an explicit check that names no object of the addon.
 */
export function healthChecksFor(def: AddonDefinition, objects: readonly ObjectLike[]): AddonHealthCheck[] {
  const checks: AddonHealthCheck[] = [];
  const problems: string[] = [];
  const keyOf = (c: { apiVersion: unknown; kind: unknown; name: unknown; namespace?: unknown }) =>
    `${String(c.apiVersion)} ${String(c.kind)} ${String(c.namespace ?? '')}/${String(c.name)}`;
  const own = new Set<string>();
  for (const o of objects) {
    const name = o.metadata?.name;
    const namespace = o.metadata?.namespace;
    own.add(keyOf({ apiVersion: o.apiVersion, kind: o.kind, name, namespace }));
    const type = DERIVED_HEALTH_CHECKS[String(o.kind)];
    if (!type) continue;
    if (typeof name !== 'string' || name.includes('{{') || String(namespace ?? '').includes('{{')) {
      problems.push(
        `addon ${def.name}: ${String(o.kind)} ${String(name)} needs a literal name and namespace ` +
          '(it is health-checked)',
      );
      continue;
    }
    checks.push({
      type,
      apiVersion: String(o.apiVersion),
      kind: String(o.kind),
      name,
      ...(typeof namespace === 'string' && namespace ? { namespace } : {}),
    });
  }
  for (const c of def.healthChecks ?? []) {
    if (!own.has(keyOf(c)))
      problems.push(
        `addon ${def.name}: health check ${c.type} names ${c.kind} ${c.namespace ? `${c.namespace}/` : ''}${c.name}, ` +
          'which the addon does not create; name one of its objects',
      );
    else checks.push(c);
  }
  if (problems.length) throw new Error(problems.join('\n'));
  return checks;
}

/**
 * Checks the upgrade phases against the dependencies: an addon never moves before one it depends on (a CSI that
 * needs the CCM cannot run its new release while the old CCM is still in place). Returns the problems.
 */
export function upgradeOrderProblems(defs: readonly AddonDefinition[]): string[] {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const rank = (d: AddonDefinition) => ADDON_UPGRADE_PHASES.indexOf(d.upgrade);
  const problems: string[] = [];
  for (const d of defs) {
    if (!ADDON_UPGRADE_PHASES.includes(d.upgrade))
      problems.push(`addon ${d.name}: upgrade "${String(d.upgrade)}" is not one of ${ADDON_UPGRADE_PHASES.join(', ')}`);
    for (const dep of d.dependsOn ?? []) {
      const t = byName.get(dep);
      if (t && rank(t) > rank(d))
        problems.push(
          `addon ${d.name}: upgrades at ${d.upgrade}, before ${dep} (${t.upgrade}) it depends on; ` +
            `move it to ${t.upgrade} or later`,
        );
    }
  }
  return problems;
}
