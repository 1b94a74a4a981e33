import { AddonRelease } from '../../src/model/addon';

// Facts: the Cinder CSI plugin follows the Kubernetes minor (registry.k8s.io/provider-os/cinder-csi-plugin);
// 1.34.1 matches chart 2.34.x that SCS scs2 ships. Sidecar versions are those the cloud-provider-openstack
// chart pins for these releases (registry.k8s.io/sig-storage/...).
// 1.37: no cloud-provider-openstack v1.37 release is known to us (the Go module proxy serves v1.36.0 of 2026-05-13 and
// nothing newer); 1.37 stacks ship v1.36.0 until one is (docs/stacks.md).
const sidecars = {
  attacher: 'registry.k8s.io/sig-storage/csi-attacher:v4.10.0',
  provisioner: 'registry.k8s.io/sig-storage/csi-provisioner:v5.3.0',
  snapshotter: 'registry.k8s.io/sig-storage/csi-snapshotter:v8.3.0',
  resizer: 'registry.k8s.io/sig-storage/csi-resizer:v1.14.0',
  livenessProbe: 'registry.k8s.io/sig-storage/livenessprobe:v2.17.0',
  nodeDriverRegistrar: 'registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.15.0',
};
const release = (v: string): AddonRelease => ({
  version: v,
  images: { plugin: `registry.k8s.io/provider-os/cinder-csi-plugin:v${v}`, ...sidecars },
});

export const cinderReleases: Readonly<Record<string, AddonRelease>> = {
  '1.34': release('1.34.1'),
  '1.35': release('1.35.0'),
  '1.36': release('1.36.0'),
  '1.37': release('1.36.0'),
};

/** The CSI driver name and provisioner of the StorageClasses. */
export const CINDER_DRIVER = 'cinder.csi.openstack.org';
