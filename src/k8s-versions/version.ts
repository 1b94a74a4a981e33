/** A Kubernetes release version: major.minor.patch (pre-release and vendor suffixes stripped). */
export interface KubeVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

// `v1.36.4`, `1.36.4`, `v1.36.4+k3s1`, `v1.36.4-gke.100`, `v1.36.0-rc.1`, `v1.36.4-eks-1-36-3`.
const VERSION = /^\s*v?(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.+_-]*)?\s*$/;

/**
 * Parses a Kubernetes version as servers and vendors report it. Vendor build metadata (`+k3s1`,
 * `-gke.100`) belongs to the same upstream release, so it is dropped. Returns undefined if unparseable.
 */
export function parseKubernetesVersion(s: string): KubeVersion | undefined {
  const m = VERSION.exec(s);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

export function compareVersions(a: KubeVersion, b: KubeVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export const formatVersion = (v: KubeVersion): string => `${v.major}.${v.minor}.${v.patch}`;
export const minorKey = (v: KubeVersion): string => `${v.major}.${v.minor}`;

/** Minors compare as numbers (1.9 < 1.36): the model's one definition. */
export { compareMinor as compareMinors } from '../model/naming';
