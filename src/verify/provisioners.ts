/**
 * Is a StorageClass provisioner network-backed (volumes survive the loss of a node, as scs-0211 requires) or
 * node-local? A maintained allow-list and deny-list; anything else is "unknown" and reported as a warning, never
 * silently passed. Shared by the offline verifier and `cskit verify cluster`.
 */
export type ProvisionerClass = 'network' | 'node-local' | 'unknown';

export const NETWORK_PROVISIONERS: readonly string[] = [
  'cinder.csi.openstack.org',
  'kubernetes.io/cinder',
  'csi.vsphere.vmware.com',
  'kubernetes.io/vsphere-volume',
  'rbd.csi.ceph.com',
  'cephfs.csi.ceph.com',
  'kubernetes.io/rbd',
  'ebs.csi.aws.com',
  'efs.csi.aws.com',
  'kubernetes.io/aws-ebs',
  'pd.csi.storage.gke.io',
  'filestore.csi.storage.gke.io',
  'kubernetes.io/gce-pd',
  'disk.csi.azure.com',
  'file.csi.azure.com',
  'kubernetes.io/azure-disk',
  'kubernetes.io/azure-file',
  'csi.hetzner.cloud',
  'dobs.csi.digitalocean.com',
  'driver.longhorn.io',
  'nfs.csi.k8s.io',
  'smb.csi.k8s.io',
  'csi.trident.netapp.io',
  'csi.ionos.com',
  'csi.stackit.cloud',
  'block.csi.ibm.io',
  'linodebs.csi.linode.com',
];

export const NODE_LOCAL_PROVISIONERS: readonly string[] = [
  'kubernetes.io/no-provisioner',
  'kubernetes.io/host-path',
  'rancher.io/local-path',
  'openebs.io/local',
  'topolvm.io',
  'topolvm.cybozu.com',
  'hostpath.csi.k8s.io',
  'k8s.io/minikube-hostpath',
  'microk8s.io/hostpath',
  'docker.io/hostpath',
  'lvm.csi.metal-stack.io',
  'local.csi.openebs.io',
  'zfs.csi.openebs.io',
];

/** Prefixes that mean node-local storage whatever the vendor (`local.csi.<vendor>`, `hostpath.csi.<vendor>`). */
const NODE_LOCAL_PREFIXES = ['local.csi.', 'hostpath.csi.', 'local-path.'];

export function classifyProvisioner(provisioner: string): ProvisionerClass {
  if (NETWORK_PROVISIONERS.includes(provisioner)) return 'network';
  if (NODE_LOCAL_PROVISIONERS.includes(provisioner) || NODE_LOCAL_PREFIXES.some((p) => provisioner.startsWith(p)))
    return 'node-local';
  return 'unknown';
}

export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const BETA_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

/** Whether Kubernetes' DefaultStorageClass admission treats the class as default. */
export function isDefaultClass(sc: { metadata?: { annotations?: Record<string, string> } }): boolean {
  const a = sc.metadata?.annotations ?? {};
  return a[DEFAULT_CLASS_ANNOTATION] === 'true' || a[BETA_DEFAULT_CLASS_ANNOTATION] === 'true';
}
