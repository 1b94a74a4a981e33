import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import bundled from './data/kubernetes.json';
import { parseDay } from './dates';
import { KubeVersion, compareMinors, compareVersions, parseKubernetesVersion } from './version';

/** The data file format (bundled snapshot and `cskit versions update` cache alike). */
export interface VersionDataFile {
  readonly schema: 'cskit.k8s-versions/v1';
  /** The date the release facts are as of: evaluations later than 30 days after it warn. */
  readonly dataAsOf: string;
  /** The date the CVE facts are as of, when older than `dataAsOf` (a release-only refresh); else `dataAsOf`. */
  readonly cvesAsOf?: string;
  readonly provenance: Record<string, unknown>;
  readonly branches: readonly BranchRecord[];
  readonly cves: readonly CveRecord[];
}

export interface BranchRecord {
  readonly minor: string;
  readonly releaseDate: string;
  readonly maintenanceModeStart: string | null;
  readonly endOfLife: string;
  /** Derived from the upstream support policy (support-policy.ts) because no source gave it: shown as `~date`. */
  readonly endOfLifeEstimated?: boolean;
  /** Which source gave `endOfLife` (e.g. `endoflife.date`, `support policy`). */
  readonly endOfLifeSource?: string;
  readonly patches: ReadonlyArray<PatchRecord>;
}

export interface PatchRecord {
  readonly version: string;
  readonly date: string;
  /** Which source gave this release (e.g. `release-data`, `go-proxy`). */
  readonly source?: string;
}

/** One affected range of a CVE, per release branch (see the provenance README of the data). */
export interface CveAffected {
  /** Minor (`1.30`), or null for an entry covering all versions. */
  readonly branch: string | null;
  /** First affected version, or null: affected from the branch's start. */
  readonly introduced: string | null;
  /** First fixed patch in the branch (exclusive bound), or null. */
  readonly fixed: string | null;
  /** Last affected patch (inclusive), or null. */
  readonly lastAffected: string | null;
  readonly includesOlderBranches?: boolean;
  readonly allVersions?: boolean;
  readonly noFixReleased?: boolean;
}

export interface CveRecord {
  readonly id: string;
  /** Public disclosure date, or null when unknown. */
  readonly published: string | null;
  readonly summary?: string;
  readonly cvss: { readonly version: string; readonly score: number; readonly vector?: string } | null;
  readonly fixStatus: string;
  readonly affected: readonly CveAffected[];
  readonly fixedIn: readonly string[];
  readonly urls?: readonly string[];
}

export interface Patch {
  readonly version: string;
  readonly v: KubeVersion;
  readonly date: Date;
  readonly source?: string;
}

export interface Branch {
  readonly minor: string;
  readonly releaseDate: Date;
  readonly endOfLife: Date;
  readonly endOfLifeEstimated: boolean;
  readonly endOfLifeSource?: string;
  /** Ascending by version. */
  readonly patches: readonly Patch[];
}

/** Loaded, checked and indexed data. Build once, evaluate many times. */
export interface VersionData {
  readonly file: VersionDataFile;
  readonly dataAsOf: Date;
  /** When the CVE facts are as of (`cvesAsOf`, else `dataAsOf`). */
  readonly cvesAsOf: Date;
  /** Where it came from: `bundled` or the cache file path. */
  readonly origin: string;
  /** Ascending by minor. */
  readonly branches: readonly Branch[];
  readonly branchByMinor: ReadonlyMap<string, Branch>;
  readonly patchByVersion: ReadonlyMap<string, Patch>;
  readonly cves: readonly CveRecord[];
  /** Problems found while loading (e.g. an unreadable cache file that was skipped). */
  readonly warnings: readonly string[];
}

/** The fields of a parsed JSON value that may be an object; anything else has none (as `?.` on it would read). */
const fieldsOf = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};

/** Checks the shape of a data file; returns `path: problem` lines. */
export function validateDataFile(d: unknown): string[] {
  const errs: string[] = [];
  const file = fieldsOf(d);
  if (file.schema !== 'cskit.k8s-versions/v1')
    errs.push(`schema: expecting "cskit.k8s-versions/v1", found ${JSON.stringify(file.schema)}`);
  const day = (p: string, s: unknown, nullable = false) => {
    if (nullable && s === null) return;
    try {
      parseDay(s as string);
    } catch {
      errs.push(`${p}: expecting YYYY-MM-DD, found ${JSON.stringify(s)}`);
    }
  };
  day('dataAsOf', file.dataAsOf);
  if (file.cvesAsOf !== undefined) day('cvesAsOf', file.cvesAsOf);
  const branches: unknown[] = Array.isArray(file.branches) ? file.branches : [];
  if (!Array.isArray(file.branches) || branches.length === 0) errs.push('branches: expecting a non-empty list');
  branches.forEach((branch, i) => {
    const b = fieldsOf(branch);
    if (!/^\d+\.\d+$/.test(String(b.minor)))
      errs.push(`branches[${i}].minor: expecting MAJOR.MINOR, found ${JSON.stringify(b.minor)}`);
    day(`branches[${i}].releaseDate`, b.releaseDate);
    day(`branches[${i}].endOfLife`, b.endOfLife);
    (Array.isArray(b.patches) ? (b.patches as unknown[]) : []).forEach((patch, j) => {
      const p = fieldsOf(patch);
      if (!parseKubernetesVersion(String(p.version)))
        errs.push(`branches[${i}].patches[${j}].version: unparseable ${JSON.stringify(p.version)}`);
      day(`branches[${i}].patches[${j}].date`, p.date);
    });
  });
  if (!Array.isArray(file.cves)) errs.push('cves: expecting a list');
  return errs;
}

export function indexVersionData(file: VersionDataFile, origin: string, warnings: string[] = []): VersionData {
  const errs = validateDataFile(file);
  if (errs.length) throw new Error(`Kubernetes version data (${origin}) is invalid: ${errs.slice(0, 5).join('; ')}`);
  const branches: Branch[] = file.branches
    .map((b) => ({
      minor: b.minor,
      releaseDate: parseDay(b.releaseDate),
      endOfLife: parseDay(b.endOfLife),
      endOfLifeEstimated: b.endOfLifeEstimated === true,
      endOfLifeSource: b.endOfLifeSource,
      patches: b.patches
        .map((p) => ({
          version: p.version,
          v: parseKubernetesVersion(p.version)!,
          date: parseDay(p.date),
          source: p.source,
        }))
        .sort((x, y) => compareVersions(x.v, y.v)),
    }))
    .sort((a, b) => compareMinors(a.minor, b.minor));
  const patchByVersion = new Map<string, Patch>();
  for (const b of branches) for (const p of b.patches) patchByVersion.set(p.version, p);
  return {
    file,
    dataAsOf: parseDay(file.dataAsOf),
    cvesAsOf: parseDay(file.cvesAsOf ?? file.dataAsOf),
    origin,
    branches,
    branchByMinor: new Map(branches.map((b) => [b.minor, b])),
    patchByVersion,
    cves: file.cves,
    warnings,
  };
}

/** `$CSKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/cskit`, else `~/.cache/cskit`. */
export function cacheDir(): string {
  if (process.env.CSKIT_CACHE_DIR) return process.env.CSKIT_CACHE_DIR;
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cskit');
}

export const CACHE_FILE = 'k8s-versions.json';

let bundledData: VersionData | undefined;

export function bundledVersionData(): VersionData {
  bundledData ??= indexVersionData(bundled as VersionDataFile, 'bundled');
  return bundledData;
}

/**
 * The freshest data at hand: the cache written by `cskit versions update` when it is not older than the
 * bundled snapshot, else the bundled snapshot. A broken cache is skipped with a warning, never fatal.
 */
export function loadVersionData(opts: { cacheDir?: string; bundledOnly?: boolean } = {}): VersionData {
  const base = bundledVersionData();
  if (opts.bundledOnly) return base;
  const file = path.join(opts.cacheDir ?? cacheDir(), CACHE_FILE);
  if (!fs.existsSync(file)) return base;
  try {
    const cached = indexVersionData(JSON.parse(fs.readFileSync(file, 'utf8')), file);
    // Same day: the cache wins (an update merges the bundled data into what it writes).
    return cached.dataAsOf >= base.dataAsOf ? cached : base;
  } catch (e) {
    return {
      ...base,
      warnings: [`ignoring ${file}: ${(e as Error).message}; run \`cskit versions update\` again or delete it`],
    };
  }
}
