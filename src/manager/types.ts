/**
 * The narrow shapes the manager works on. `ManagedAddon`/`AddonBundle` are the manager's view of one class's addon
 * bundle: wt/bundle is building the bundle object and its reader (src/model/addon.ts); until that lands, this is
 * the small interface the reader's output is mapped onto, so no second bundle type leaks into the rest of cskit.
 */
import { AddonInput, AddonPhase } from '../model/addon';
import { KObject } from '../model/object';

/**
 * The Runtime SDK hook an addon's upgrade waits for: `BeforeClusterUpgrade` addons move first and hold the upgrade
 * until healthy (e.g. a CCM/CSI that supports both Kubernetes versions); `AfterControlPlaneUpgrade` ones once the
 * control plane runs the new version; `AfterClusterUpgrade` ones once the workers do too.
 */
export const UPGRADE_STEPS = ['BeforeClusterUpgrade', 'AfterControlPlaneUpgrade', 'AfterClusterUpgrade'] as const;
export type UpgradeStep = (typeof UPGRADE_STEPS)[number];

export interface ManagedAddon {
  readonly name: string;
  /** Upstream version, for status. */
  readonly version: string;
  /** Install phase (cni, ccm, …): the bundle lists addons already in install order. */
  readonly phase: AddonPhase;
  readonly upgradeStep: UpgradeStep;
  /** Per-cluster inputs the templated objects use (typed coercion of `{{path}}` leaves). */
  readonly inputs: readonly AddonInput[];
  /** The templated objects, in apply order. */
  readonly objects: readonly KObject[];
}

export interface AddonBundle {
  /** The ClusterClass (and bundle object) name, e.g. `docker-scs-1-36-v2`. */
  readonly className: string;
  /** In install order. */
  readonly addons: readonly ManagedAddon[];
}
