/**
 * A stand-in for a cloud's CSI provisioner in the test cluster. It watches PVCs that the PV controller
 * (kube-controller-manager) has handed to `name` (annotation volume.kubernetes.io/storage-provisioner) and
 * creates a matching PV bound to the claim; the PV controller then binds the PVC for real. The volume source is a
 * CSI volume (network-style, not hostPath/local). A StorageClass parameter `cskit.test/node-bound: "true"` gives
 * the PV a node affinity, to exercise the verifier's node-bound warning. Released PVs it made are deleted.
 */

import { ClusterClient, KObject } from '../src/kube/types';

/** The annotation naming the provisioner that made a PV: how the stand-in finds (and deletes) only its own. */
export const PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';

export function pvFor(pvc: KObject, provisioner: string, sc: KObject | undefined): KObject {
  const nodeBound = sc?.parameters && (sc.parameters as Record<string, string>)['cskit.test/node-bound'] === 'true';
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `pvc-${pvc.metadata!.uid}`, annotations: { [PROVISIONED_BY]: provisioner } },
    spec: {
      capacity: { storage: pvc.spec.resources?.requests?.storage ?? '1Gi' },
      accessModes: pvc.spec.accessModes,
      persistentVolumeReclaimPolicy: (sc?.reclaimPolicy as string) ?? 'Delete',
      storageClassName: pvc.spec.storageClassName,
      volumeMode: pvc.spec.volumeMode ?? 'Filesystem',
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        namespace: pvc.metadata!.namespace,
        name: pvc.metadata!.name,
        uid: pvc.metadata!.uid,
      },
      csi: { driver: provisioner, volumeHandle: `vol-${pvc.metadata!.uid}`, fsType: 'ext4' },
      ...(nodeBound
        ? {
            nodeAffinity: {
              required: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['kwok-node-0'] }] },
                ],
              },
            },
          }
        : {}),
    },
  };
}

/**
 * Runs `watch` again whenever it ends, forever. Each watch restarts on its own: with both in one Promise.race, the
 * one that did not end kept running beside its restarted copy, and its later failure was an unhandled rejection,
 * which ends the whole test supervisor.
 */
async function keepWatching(what: string, watch: () => Promise<unknown>, log: (s: string) => void): Promise<never> {
  for (;;) {
    try {
      await watch();
    } catch (e) {
      log(`${what} watch ended (${(e as Error).message}); restarting`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export async function runProvisioner(
  client: ClusterClient,
  names: readonly string[],
  log: (s: string) => void,
): Promise<never> {
  const created = new Set<string>();
  const claims = keepWatching(
    'PersistentVolumeClaim',
    () =>
      client.watchUntil('v1', 'PersistentVolumeClaim', { timeoutMs: 3_600_000 }, (_type, pvc) => {
        const by = pvc.metadata?.annotations?.['volume.kubernetes.io/storage-provisioner'];
        if (!by || !names.includes(by) || pvc.spec?.volumeName || pvc.metadata?.deletionTimestamp) return undefined;
        const key = pvc.metadata!.uid!;
        if (created.has(key)) return undefined;
        created.add(key);
        void (async () => {
          const sc = pvc.spec.storageClassName
            ? await client.get('storage.k8s.io/v1', 'StorageClass', pvc.spec.storageClassName)
            : undefined;
          await client.create(pvFor(pvc, by, sc));
          log(`provisioned PV for ${pvc.metadata!.namespace}/${pvc.metadata!.name} (${by})`);
        })().catch((e) => {
          created.delete(key);
          log(`provisioning ${pvc.metadata!.name} failed: ${(e as Error).message}`);
        });
        return undefined;
      }),
    log,
  );
  const released = keepWatching(
    'PersistentVolume',
    () =>
      client.watchUntil('v1', 'PersistentVolume', { timeoutMs: 3_600_000 }, (_type, pv) => {
        if (
          pv.status?.phase === 'Released' &&
          names.includes(pv.metadata?.annotations?.[PROVISIONED_BY] ?? '') &&
          pv.spec?.persistentVolumeReclaimPolicy === 'Delete'
        ) {
          void client.delete('v1', 'PersistentVolume', pv.metadata!.name!).catch(() => undefined);
        }
        return undefined;
      }),
    log,
  );
  return Promise.race([claims, released]);
}
