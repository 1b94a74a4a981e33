/**
 * Merges release facts from several sources into branch records: the previous data (bundled snapshot or cache),
 * then each fresh source in ascending priority, the later one winning per version. Every patch keeps the name of
 * the source that gave it, and every branch says where its end-of-life date came from; a branch no source gives an
 * end of life for gets one derived from the upstream support policy, marked as an estimate. One merge for
 * `cskit versions update` and for scripts/import-version-data.ts.
 */
import { BranchRecord, PatchRecord, VersionDataFile } from './data';
import { estimateEndOfLife } from './support-policy';
import { compareMinors, minorKey, parseKubernetesVersion } from './version';

/** One source of releases (`1.37.2` → `2026-10-27`). */
export interface ReleaseInput {
  readonly source: string;
  readonly releases: ReadonlyArray<{ readonly version: string; readonly date: string }>;
}

/** One source of branch dates (endoflife.date-style release cycles). */
export interface CycleInput {
  readonly source: string;
  readonly cycles: ReadonlyArray<{
    readonly minor: string;
    readonly releaseDate?: string;
    readonly maintenanceModeStart?: string | null;
    readonly endOfLife: string;
  }>;
}

export interface MergeInput {
  readonly previous?: Pick<VersionDataFile, 'branches'>;
  /** Source name for previous patches and end-of-life dates that carry none. */
  readonly previousSource: string;
  /** Ascending priority: for a version several give, the last one's date wins. */
  readonly releases: readonly ReleaseInput[];
  readonly cycles?: CycleInput;
  /** The upstream support-policy label used for estimated end-of-life dates. */
  readonly estimateSource?: string;
}

export interface MergeOutput {
  /** Newest minor first, as in the data files. */
  readonly branches: BranchRecord[];
  /** Versions no previous data had, per source that gave them. */
  readonly added: ReadonlyMap<string, string[]>;
  /** Minors whose end of life is estimated. */
  readonly estimated: string[];
  /** Minors left out, with why (no release date known). */
  readonly skipped: string[];
}

export const SUPPORT_POLICY_SOURCE = 'upstream support policy (estimate)';

export function mergeBranches(input: MergeInput): MergeOutput {
  const prevBranches = new Map((input.previous?.branches ?? []).map((b) => [b.minor, b]));
  const oldest = [...prevBranches.keys()].sort(compareMinors)[0];
  const byMinor = new Map<string, Map<string, PatchRecord>>();
  // The data's history starts at its oldest branch: older releases a source lists are left out.
  const inHistory = (minor: string) => !oldest || compareMinors(minor, oldest) >= 0;
  const put = (minor: string, p: PatchRecord) => {
    if (!inHistory(minor)) return;
    if (!byMinor.has(minor)) byMinor.set(minor, new Map());
    byMinor.get(minor)!.set(p.version, p);
  };
  for (const b of prevBranches.values())
    for (const p of b.patches)
      put(b.minor, { version: p.version, date: p.date, source: p.source ?? input.previousSource });
  const added = new Map<string, string[]>();
  for (const src of input.releases)
    for (const r of src.releases) {
      const v = parseKubernetesVersion(r.version);
      if (!v || !inHistory(minorKey(v))) continue;
      const version = `${v.major}.${v.minor}.${v.patch}`;
      const had = byMinor.get(minorKey(v))?.get(version);
      if (!had) added.set(src.source, [...(added.get(src.source) ?? []), version]);
      put(minorKey(v), { version, date: r.date, source: had?.date === r.date ? had.source : src.source });
    }

  const cycles = new Map((input.cycles?.cycles ?? []).map((c) => [c.minor, c]));
  const estimated: string[] = [];
  const skipped: string[] = [];
  const branches: BranchRecord[] = [];
  for (const [minor, patchMap] of byMinor) {
    const patches = [...patchMap.values()].sort(
      (a, b) => parseKubernetesVersion(a.version)!.patch - parseKubernetesVersion(b.version)!.patch,
    );
    const prev = prevBranches.get(minor);
    const cyc = cycles.get(minor);
    const releaseDate = cyc?.releaseDate ?? prev?.releaseDate ?? patchMap.get(`${minor}.0`)?.date;
    if (!releaseDate) {
      skipped.push(`${minor}: no release date (no ${minor}.0 release known)`);
      continue;
    }
    let endOfLife: string;
    let endOfLifeSource: string;
    let endOfLifeEstimated = false;
    if (cyc) [endOfLife, endOfLifeSource] = [cyc.endOfLife, input.cycles!.source];
    else if (prev && !prev.endOfLifeEstimated)
      [endOfLife, endOfLifeSource] = [prev.endOfLife, prev.endOfLifeSource ?? input.previousSource];
    else {
      [endOfLife, endOfLifeSource, endOfLifeEstimated] = [
        estimateEndOfLife(releaseDate),
        input.estimateSource ?? SUPPORT_POLICY_SOURCE,
        true,
      ];
      estimated.push(minor);
    }
    branches.push({
      minor,
      releaseDate,
      maintenanceModeStart: cyc?.maintenanceModeStart ?? prev?.maintenanceModeStart ?? null,
      endOfLife,
      ...(endOfLifeEstimated ? { endOfLifeEstimated } : {}),
      endOfLifeSource,
      patches,
    });
  }
  branches.sort((a, b) => compareMinors(b.minor, a.minor));
  return { branches, added, estimated, skipped };
}
