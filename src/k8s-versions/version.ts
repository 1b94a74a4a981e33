/**
 * The one parser of Kubernetes versions: `--check` values, server gitVersions (`/version`), version data and lock
 * entries all go through it. Syntax as Kubernetes itself parses a semantic version (k8s.io/apimachinery
 * util/version ParseSemantic): `v` (optional), MAJOR.MINOR.PATCH without leading zeros, then an optional
 * pre-release (`-rc.1`, `-gke.100`) and build (`+k3s1`). Vendor suffixes belong to the same upstream release and are
 * dropped from the parsed value. Numbers are bounded, so no input becomes `Infinity` or a rounded 21-digit number.
 */

/** A Kubernetes release version: major.minor.patch (pre-release and vendor suffixes stripped). */
export interface KubeVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** Largest MAJOR, MINOR or PATCH accepted: far above any release so far (1.36.4); no input becomes a huge number. */
export const MAX_VERSION_NUMBER = 999;
/** Longest version string accepted (vendor gitVersions such as `v1.30.2-eks-1552ad0` are ~20 characters). */
export const MAX_VERSION_LENGTH = 128;

export const VERSION_SYNTAX =
  'vMAJOR.MINOR.PATCH such as v1.36.4, optionally with -pre-release or +build (v1.36.0-rc.1, v1.36.4+k3s1)';

const SHAPE = /^v?([0-9]+)\.([0-9]+)\.([0-9]+)(.*)$/s;
// Kubernetes' own pattern for what may follow PATCH: dot-separated identifiers of letters, digits and '-'.
const SUFFIX = /^(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** The version, or why `s` is not one (a phrase to follow `"<s>" is not a Kubernetes version: `). */
export function checkKubernetesVersion(s: string): { version: KubeVersion } | { problem: string } {
  if (typeof s !== 'string' || s === '') return { problem: 'it is empty' };
  if (s.length > MAX_VERSION_LENGTH) return { problem: `it is longer than ${MAX_VERSION_LENGTH} characters` };
  const m = SHAPE.exec(s);
  if (!m) return { problem: 'expecting three numbers MAJOR.MINOR.PATCH' };
  const names = ['major', 'minor', 'patch'];
  for (let i = 0; i < 3; i++) {
    const d = m[i + 1];
    if (d.length > 1 && d.startsWith('0')) return { problem: `${names[i]} "${d}" has a leading zero` };
    if (d.length > String(MAX_VERSION_NUMBER).length || Number(d) > MAX_VERSION_NUMBER)
      return { problem: `${names[i]} "${d}" is larger than ${MAX_VERSION_NUMBER}` };
  }
  if (!SUFFIX.test(m[4]))
    return {
      problem: `"${m[4]}" after PATCH is not a -pre-release or +build of dot-separated letters, digits and '-'`,
    };
  return { version: { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } };
}

/** Parses a Kubernetes version as servers and vendors report it; undefined if it is not one (see the top). */
export function parseKubernetesVersion(s: string): KubeVersion | undefined {
  const r = checkKubernetesVersion(s);
  return 'version' in r ? r.version : undefined;
}

/** What is wrong with `s` as a Kubernetes version and what is expected, for error messages; undefined if valid. */
export function kubernetesVersionError(s: string): string | undefined {
  const r = checkKubernetesVersion(s);
  if ('version' in r) return undefined;
  const shown = s.length > 40 ? `${s.slice(0, 37)}...` : s;
  return `${JSON.stringify(shown)} is not a Kubernetes version: ${r.problem}; expecting ${VERSION_SYNTAX}`;
}

export function compareVersions(a: KubeVersion, b: KubeVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export const formatVersion = (v: KubeVersion): string => `${v.major}.${v.minor}.${v.patch}`;
export const minorKey = (v: KubeVersion): string => `${v.major}.${v.minor}`;

/** Minors compare as numbers (1.9 < 1.36): the model's one definition. */
export { compareMinor as compareMinors } from '../model/naming';
