import { Construct } from 'constructs';
import { k8s } from '../common';
import { CINDER_DRIVER } from './facts';

/**
 * The two StorageClasses of the SCS stacks, field for field (scs-cluster-stacks.md §2.2): the default
 * `csi-cinder-sc-delete` satisfies scs-0211; no volumeBindingMode and no parameters, like upstream.
 */
export function cinderStorageClasses(scope: Construct, labels: Record<string, string>): void {
  new k8s.KubeStorageClass(scope, 'sc-delete', {
    metadata: {
      name: 'csi-cinder-sc-delete',
      labels,
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
    },
    provisioner: CINDER_DRIVER,
    reclaimPolicy: 'Delete',
    allowVolumeExpansion: true,
  });
  new k8s.KubeStorageClass(scope, 'sc-retain', {
    metadata: { name: 'csi-cinder-sc-retain', labels },
    provisioner: CINDER_DRIVER,
    reclaimPolicy: 'Retain',
    allowVolumeExpansion: true,
  });
}
