/**
 * The ClusterAddons decision state that must survive `clusterctl move`: what every addon has installed (version,
 * class, content hash, state) and the target last fully applied (`status.applied`, the phase gate's input), kept in
 * the annotation CHECKPOINT_ANNOTATION next to the status. clusterctl moves metadata and spec, never status (the API
 * server drops status on create when the status subresource is on), so the manager on the new management cluster
 * reads the checkpoint when it finds the status empty and goes on from where the old one stopped: the same phase
 * gate, no install from scratch. Conditions are not kept: they are observations the next reconcile makes again.
 */
import { UPGRADE_STEPS } from './types';
import {
  ADDON_STATES,
  AddonStatus,
  AppliedTarget,
  CHECKPOINT_ANNOTATION,
  ClusterAddons,
  ClusterAddonsStatus,
} from './crd';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** The annotation value for a status: its `applied` and its addons without their last error (reported again). */
export function checkpointOf(status: ClusterAddonsStatus): string {
  const addons = (status.addons ?? []).map((a) => {
    const { lastError: _e, ...kept } = a;
    void _e;
    return kept;
  });
  return JSON.stringify({ ...(status.applied ? { applied: status.applied } : {}), addons });
}

function addonOf(v: unknown): AddonStatus | undefined {
  if (!isObj(v) || !isStr(v.name) || !(ADDON_STATES as readonly unknown[]).includes(v.state)) return undefined;
  if (![v.version, v.className, v.contentHash, v.phase, v.lastTransitionTime].every(isStr)) return undefined;
  if (!(UPGRADE_STEPS as readonly unknown[]).includes(v.upgradeStep)) return undefined;
  return v as unknown as AddonStatus;
}

/** The checkpoint read back; undefined when absent or not what checkpointOf writes (then: as if nothing is known). */
export function parseCheckpoint(
  value: string | undefined,
): Pick<ClusterAddonsStatus, 'applied' | 'addons'> | undefined {
  if (!value) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!isObj(v) || !Array.isArray(v.addons)) return undefined;
  const addons = v.addons.map(addonOf);
  if (addons.some((a) => !a)) return undefined;
  let applied: AppliedTarget | undefined;
  if (v.applied !== undefined) {
    if (!isObj(v.applied) || !isStr(v.applied.className) || !isStr(v.applied.kubernetesVersion)) return undefined;
    applied = { className: v.applied.className, kubernetesVersion: v.applied.kubernetesVersion };
  }
  return { ...(applied ? { applied } : {}), addons: addons as AddonStatus[] };
}

/**
 * The status the manager decides from: the object's own status when it says what is installed, else (the object was
 * just created by `clusterctl move`, maybe with only a Paused condition written since) the checkpoint in its
 * metadata, with the status's conditions.
 */
export function effectiveStatus(obj: ClusterAddons | undefined): ClusterAddonsStatus | undefined {
  const s = obj?.status;
  if (s?.applied || s?.addons?.length) return s;
  const cp = parseCheckpoint(obj?.metadata?.annotations?.[CHECKPOINT_ANNOTATION]);
  return cp ? { ...s, ...cp } : s;
}
