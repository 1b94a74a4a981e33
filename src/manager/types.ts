/**
 * The manager's narrow view of an addon bundle. wt/bundle defines THE bundle type (`AddonBundle`/`BundledAddon` in
 * src/bundle/types.ts, with `AddonUpgradePhase` in src/model/addon.ts) and its reader; this branch could not merge it
 * yet (wt/bundle and main conflict in src/verify/static/lock-rules.ts, outside the manager). These are structural
 * subsets with the same field names, so a bundle from `readBundle` is accepted as it is; once both are on main this
 * file becomes a re-export (`Pick` of those types) and the step list below goes in favour of ADDON_UPGRADE_PHASES.
 */
import { AddonInput, AddonPhase } from '../model/addon';
import { KObject } from '../model/object';

/**
 * The Runtime SDK hook an addon's upgrade waits for: `BeforeClusterUpgrade` addons move first and hold the upgrade
 * until healthy (e.g. a CCM/CSI that supports both Kubernetes versions); `AfterControlPlaneUpgrade` ones once the
 * control plane runs the new version; `AfterClusterUpgrade` ones once the workers do too. Same values, same order as
 * wt/bundle's ADDON_UPGRADE_PHASES.
 */
export const UPGRADE_STEPS = ['BeforeClusterUpgrade', 'AfterControlPlaneUpgrade', 'AfterClusterUpgrade'] as const;
export type UpgradeStep = (typeof UPGRADE_STEPS)[number];

/** What the manager reads of a BundledAddon. */
export interface ManagedAddon {
  readonly name: string;
  /** Upstream version, for status. */
  readonly version: string;
  /** Install phase (cni, ccm, …): the bundle lists addons already in install order. */
  readonly phase: AddonPhase;
  readonly upgrade: UpgradeStep;
  /** Per-cluster inputs the templated objects use (typed coercion of `{{path}}` leaves). */
  readonly inputs: readonly AddonInput[];
  /** The templated objects, in apply order. */
  readonly manifests: readonly KObject[];
}

/** What the manager reads of an AddonBundle. */
export interface AddonBundle {
  /** The ClusterClass (and bundle) name, e.g. `docker-scs-1-36-v2`. */
  readonly class: string;
  /** In install order. */
  readonly addons: readonly ManagedAddon[];
}
