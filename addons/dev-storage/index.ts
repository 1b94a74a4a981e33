import { Construct } from 'constructs';
import { AddonDefinition } from '../../src/model/addon';
import { addonLabels, k8s } from '../common';

/**
 * Development StorageClass of the Docker stack. It is NOT failure-safe: volumes are local to one node
 * (no provisioner ships; PVs are created by hand or by a test harness), which scs-0211 does not accept, so
 * `cskit verify` reports the scs-0211 finding on docker stacks by design (docs/addons.md).
 */
export const devStorage: AddonDefinition = {
  name: 'dev-storage',
  description: 'Development StorageClass `standard` (local, NOT failure-safe; scs-0211 finding expected)',
  namespace: 'kube-system',
  phase: 'storage',
  releases: {
    '1.34': { version: '1', images: {} },
    '1.35': { version: '1', images: {} },
    '1.36': { version: '1', images: {} },
    '1.37': { version: '1', images: {} },
  },
  inputs: [],
  build(scope: Construct): void {
    new k8s.KubeStorageClass(scope, 'standard', {
      metadata: {
        name: 'standard',
        labels: addonLabels('dev-storage'),
        annotations: { 'storageclass.kubernetes.io/is-default-class': 'true', 'cskit.io/failure-safe': 'false' },
      },
      provisioner: 'kubernetes.io/no-provisioner',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
    });
  },
};
