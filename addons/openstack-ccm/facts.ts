import { AddonRelease } from '../../src/model/addon';

// Facts: cloud-provider-openstack releases one OCCM minor per Kubernetes minor
// (registry.k8s.io/provider-os/openstack-cloud-controller-manager:v1.<minor>.<patch>).
// 1.34.1 matches chart 2.34.x that SCS scs2 ships; 1.35.0 and 1.36.0 are the current releases.
// 1.37: no v1.37 release is known to us (Go module proxy: v1.36.0 of 2026-05-13 is the newest); v1.36.0 until one is.
const release = (v: string): AddonRelease => ({
  version: v,
  images: { manager: `registry.k8s.io/provider-os/openstack-cloud-controller-manager:v${v}` },
});

export const occmReleases: Readonly<Record<string, AddonRelease>> = {
  '1.34': release('1.34.1'),
  '1.35': release('1.35.0'),
  '1.36': release('1.36.0'),
  '1.37': release('1.36.0'),
};
