/**
 * The SCS standards cskit verifies, with the version each verdict is for. scs-0211 has a stable v1 and a draft v2
 * that differ in what they require of the default StorageClass, so a verdict without its version would be ambiguous:
 * every output format names it. Shared by `cskit verify` (static) and `cskit verify cluster` (live).
 *
 * scs-0211 v1 (stable): a default StorageClass whose volumes are ReadWriteOnce, failure-safe and "not bound to the
 * lifecycle of a Kubernetes Node" (MUST). v2 (draft): a fresh cluster MUST have a default StorageClass; those
 * properties become recommendations. More than one default is an error in both.
 */
export type StandardId = 'scs-0210' | 'scs-0211';

export interface StandardInfo {
  readonly id: StandardId;
  /** The SCS result line name. */
  readonly check: 'version-policy-check' | 'default-storage-class-check';
  /** Versions cskit can judge; the first is the default (the stable one). */
  readonly versions: readonly string[];
}

export const STANDARDS: Readonly<Record<StandardId, StandardInfo>> = {
  // docs/version-policy.md: the version engine implements scs-0210-v2, the stable version
  'scs-0210': { id: 'scs-0210', check: 'version-policy-check', versions: ['v2'] },
  'scs-0211': { id: 'scs-0211', check: 'default-storage-class-check', versions: ['v1', 'v2'] },
};

/** The version of each standard a run judges against. */
export type StandardVersions = Readonly<Record<StandardId, string>>;

export const DEFAULT_VERSIONS: StandardVersions = {
  'scs-0210': STANDARDS['scs-0210'].versions[0],
  'scs-0211': STANDARDS['scs-0211'].versions[0],
};

/** `scs-0211-v1`, as the SCS standards name their documents. */
export const standardLabel = (id: StandardId, versions: StandardVersions = DEFAULT_VERSIONS) => `${id}-${versions[id]}`;

/**
 * Parses `--scs-0211 v2` style choices; undefined for an unknown version (the CLI turns it into a usage error that
 * lists the known ones).
 */
export function standardVersions(choice: Partial<Record<StandardId, string>>): StandardVersions | undefined {
  const out = { ...DEFAULT_VERSIONS };
  for (const [id, v] of Object.entries(choice) as Array<[StandardId, string | undefined]>) {
    if (v === undefined) continue;
    const norm = v.startsWith('v') ? v : `v${v}`;
    if (!STANDARDS[id].versions.includes(norm)) return undefined;
    out[id] = norm;
  }
  return out;
}

/**
 * How a default StorageClass that misses one of scs-0211's properties (ReadWriteOnce, network-backed, not bound to
 * a node) is judged: v1 requires them, v2 (draft) only recommends them.
 */
export const propertySeverity = (versions: StandardVersions): 'error' | 'warning' =>
  versions['scs-0211'] === 'v1' ? 'error' : 'warning';
