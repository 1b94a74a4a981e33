import { AddonRelease } from '../../src/model/addon';

// Facts, not code: Cilium releases per Kubernetes minor.
// 1.34: cilium 1.18.9, the chart version SCS `openstack/scs2` ships (scs-cluster-stacks.md §2.1).
// 1.35, 1.36: cilium 1.19.4 (current 1.19 patch; 1.18 is not tested against these minors upstream).
// 1.37: cilium 1.19.4 as for 1.36, NOT verified against 1.37: Cilium 1.20 (v1.20.2, 2026-09-15 on the Go module proxy)
// branched before Kubernetes 1.37.0 and we found no compatibility table listing 1.37 (docs/stacks.md).
// Image names: quay.io/cilium/cilium (agent) and quay.io/cilium/operator-generic (operator for
// non-cloud-specific IPAM, which `ipam.mode: kubernetes` is).
const release = (v: string): AddonRelease => ({
  version: v,
  images: {
    agent: `quay.io/cilium/cilium:v${v}`,
    operator: `quay.io/cilium/operator-generic:v${v}`,
  },
});

export const ciliumReleases: Readonly<Record<string, AddonRelease>> = {
  '1.34': release('1.18.9'),
  '1.35': release('1.19.4'),
  '1.36': release('1.19.4'),
  '1.37': release('1.19.4'),
};
