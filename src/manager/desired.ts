/**
 * The desired addon state of one Cluster, computed purely (CAPI topology-controller style) from the bundle of the
 * Cluster's class, its render context (topology variables) and the upgrade phase read from persisted state: the
 * Cluster (topology version, control plane version, how far the workers got) and what the ClusterAddons status
 * records as last fully applied. The hook handlers call the same function, so hooks and reconciler can never disagree.
 */
import { createHash } from 'crypto';
import { KObject } from '../model/object';
import { RenderContext } from '../render/context';
import { renderAddonObjects } from '../render/render';
import { ClusterState } from './cluster-state';
import { AppliedTarget } from './crd';
import { AddonBundle, ManagedAddon, UpgradeStep, UPGRADE_STEPS } from './types';

export const ADDON_LABEL = 'addons.cskit.io/addon';

/**
 * install: first install; steady: at the target (re-applied for drift); rebase: class changed, Kubernetes version
 * did not (no hook fires, every addon moves in order); upgrade: the Kubernetes version changes (addons move at
 * their step); waiting: the control plane is not initialized yet.
 */
export type Stage = 'waiting' | 'install' | 'steady' | 'rebase' | 'upgrade';

export interface DesiredAddon {
  readonly addon: ManagedAddon;
  /** Rendered objects, labelled with the addon; empty when rendering failed. */
  readonly objects: KObject[];
  readonly hash: string;
  /** May be applied now; false: held until its upgrade step (the live objects stay as they are). */
  readonly move: boolean;
  readonly heldReason?: string;
  readonly renderError?: string;
}

export interface Desired {
  readonly stage: Stage;
  readonly target: AppliedTarget;
  /** Upgrade steps whose addons may move now. */
  readonly openSteps: readonly UpgradeStep[];
  readonly addons: readonly DesiredAddon[];
  /** Objects may be pruned only once every addon is at the target (never mid-upgrade). */
  readonly pruneAllowed: boolean;
}

export function contentHash(objects: readonly KObject[]): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(objects)).digest('hex')}`;
}

function openStepsFor(cluster: ClusterState, applied: AppliedTarget | undefined, target: AppliedTarget) {
  if (!cluster.controlPlaneInitialized) return { stage: 'waiting' as const, open: [] as UpgradeStep[] };
  if (!applied) return { stage: 'install' as const, open: [...UPGRADE_STEPS] };
  if (applied.kubernetesVersion === target.kubernetesVersion)
    return {
      stage: applied.className === target.className ? ('steady' as const) : ('rebase' as const),
      open: [...UPGRADE_STEPS],
    };
  // A Kubernetes upgrade: the control plane object's status version says whether the control plane moved; whether the
  // workers did too, TopologyReconciled or CAPI's pending hooks (see ClusterState.workersUpgraded).
  if (cluster.controlPlaneVersion !== target.kubernetesVersion)
    return { stage: 'upgrade' as const, open: ['BeforeClusterUpgrade'] as UpgradeStep[] };
  if (!cluster.workersUpgraded)
    return { stage: 'upgrade' as const, open: ['BeforeClusterUpgrade', 'AfterControlPlaneUpgrade'] as UpgradeStep[] };
  return { stage: 'upgrade' as const, open: [...UPGRADE_STEPS] };
}

export function computeDesired(
  bundle: AddonBundle,
  cluster: ClusterState,
  ctx: RenderContext,
  applied: AppliedTarget | undefined,
): Desired {
  const target: AppliedTarget = { className: bundle.class, kubernetesVersion: cluster.kubernetesVersion ?? '' };
  const { stage, open } = openStepsFor(cluster, applied, target);
  const addons = bundle.addons.map((addon): DesiredAddon => {
    const move = open.includes(addon.upgrade);
    const heldReason = move
      ? undefined
      : stage === 'waiting'
        ? 'the control plane is not initialized yet'
        : `waits for ${addon.upgrade} of the upgrade to ${target.kubernetesVersion}`;
    try {
      const objects = renderAddonObjects(addon.name, addon.inputs, addon.manifests, ctx).map((o) => ({
        ...o,
        metadata: { ...o.metadata, labels: { ...o.metadata?.labels, [ADDON_LABEL]: addon.name } },
      }));
      return { addon, objects, hash: contentHash(objects), move, heldReason };
    } catch (e) {
      // Before the control plane is initialized, inputs CAPI fills in on the way (spec.controlPlaneEndpoint, which
      // metrics-server's `domain` label reads) may not be there yet, and nothing is applied anyway: not an error
      // yet. Rendered again once the control plane is up, a missing input is reported then (Failed, Degraded).
      if (stage === 'waiting') return { addon, objects: [], hash: '', move, heldReason };
      return { addon, objects: [], hash: '', move, heldReason, renderError: (e as Error).message };
    }
  });
  return {
    stage,
    target,
    openSteps: open,
    addons,
    pruneAllowed: stage !== 'waiting' && addons.every((a) => a.move && !a.renderError),
  };
}
