/**
 * BeforeClusterDelete: before CAPI removes the machines (and with them the CCM and CSI), delete what those
 * controllers must clean up in the cloud — Services of type LoadBalancer and PersistentVolumeClaims whose volumes
 * were dynamically provisioned — and wait until they are gone, bounded. One step per reconcile (level-based): the
 * step deletes, reports what is left, and the reconciler records `cleanup` in the status that the hook reads.
 */
import { ApplyClient, ResourceInfo } from '../kube/apply-types';
import { KObject } from '../model/object';

export type CleanupClient = Pick<ApplyClient, 'list' | 'delete'>;

const SERVICES: ResourceInfo = { group: '', version: 'v1', kind: 'Service', plural: 'services', namespaced: true };
const PVCS: ResourceInfo = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  namespaced: true,
};

/** Set by the PV controller on claims a provisioner serves (GA and the older beta annotation). */
const PROVISIONER_ANNOTATIONS = [
  'volume.kubernetes.io/storage-provisioner',
  'volume.beta.kubernetes.io/storage-provisioner',
];

export const isLoadBalancer = (s: KObject): boolean => s.spec?.type === 'LoadBalancer';
export const isProvisioned = (pvc: KObject): boolean =>
  PROVISIONER_ANNOTATIONS.some((a) => Boolean(pvc.metadata?.annotations?.[a]));

const key = (o: KObject) => `${o.kind} ${o.metadata?.namespace}/${o.metadata?.name}`;

export interface CleanupStep {
  /** Objects still present (deletion requested). */
  readonly remaining: string[];
  readonly state: 'Running' | 'Done';
  readonly message: string;
}

/**
 * Requests deletion of every cloud-backed object still there and says what is left; Done when none is left, or when
 * `timeoutMs` since `startedAt` ran out (then the message names what was left behind, so it can be removed by hand).
 */
export async function cleanupStep(
  client: CleanupClient,
  startedAt: number,
  now: number,
  timeoutMs: number,
): Promise<CleanupStep> {
  const services = (await client.list(SERVICES, {})).filter(isLoadBalancer).map((o) => ({ ...o, kind: 'Service' }));
  const pvcs = (await client.list(PVCS, {}))
    .filter(isProvisioned)
    .map((o) => ({ ...o, kind: 'PersistentVolumeClaim' }));
  const all = [...services, ...pvcs];
  for (const o of all) {
    if (o.metadata?.deletionTimestamp) continue;
    await client.delete(o.kind === 'Service' ? SERVICES : PVCS, String(o.metadata?.name), o.metadata?.namespace);
  }
  const remaining = all.map(key);
  if (!remaining.length)
    return { remaining, state: 'Done', message: 'no LoadBalancer Services or provisioned volumes left' };
  if (now - startedAt >= timeoutMs)
    return {
      remaining,
      state: 'Done',
      message:
        `gave up after ${Math.round(timeoutMs / 1000)} s; left behind (check the cloud): ` + remaining.join(', '),
    };
  return { remaining, state: 'Running', message: `waiting for ${remaining.length} to go: ${remaining.join(', ')}` };
}
