import { AddonRelease } from '../../src/model/addon';

// Facts: metrics-server app versions. 1.34: v0.8.0 (chart 3.13.0 that SCS scs2 ships);
// 1.35, 1.36: v0.8.1 (current release). Image registry.k8s.io/metrics-server/metrics-server.
// 1.37: v0.8.1 as for 1.36 (it uses only stable metrics/aggregation APIs); v0.9.0 (tagged 2026-07-13) not adopted yet.
const release = (v: string): AddonRelease => ({
  version: v,
  images: { server: `registry.k8s.io/metrics-server/metrics-server:v${v}` },
});

export const metricsServerReleases: Readonly<Record<string, AddonRelease>> = {
  '1.34': release('0.8.0'),
  '1.35': release('0.8.1'),
  '1.36': release('0.8.1'),
  '1.37': release('0.8.1'),
};
