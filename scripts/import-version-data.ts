#!/usr/bin/env node
/**
 * Refreshes the bundled version data src/k8s-versions/data/kubernetes.json from everything reachable: the research
 * snapshot (shared/data/k8s-releases.json + k8s-cves.json: patch dates, end-of-life dates, CVEs) and the Go module
 * proxy in $GOPROXY (Kubernetes tags and dates since that snapshot), merged by the same code as `cskit versions
 * update` (src/k8s-versions/merge.ts). It records the date and sources of each part; end-of-life dates no source
 * gives are estimated from the upstream support policy and marked so.
 * Usage: npm run build && node lib/scripts/import-version-data.js [SHARED_DATA_DIR] [--no-goproxy]
 */
import * as fs from 'fs';
import * as path from 'path';
import { BranchRecord, VersionDataFile, indexVersionData } from '../src/k8s-versions/data';
import { formatDay } from '../src/k8s-versions/dates';
import { DEFAULT_GOPROXY, fetchGoProxyReleases } from '../src/k8s-versions/goproxy';
import { ReleaseInput, mergeBranches } from '../src/k8s-versions/merge';
import { repoRoot } from '../testenv/harness';

/* eslint-disable @typescript-eslint/no-explicit-any -- the research snapshot is checked by indexVersionData */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const noProxy = args.includes('--no-goproxy');
  const root = repoRoot();
  const dir = args.find((a) => !a.startsWith('--')) ?? path.join(root, '..', 'shared', 'data');
  const releases = JSON.parse(fs.readFileSync(path.join(dir, 'k8s-releases.json'), 'utf8'));
  const cves = JSON.parse(fs.readFileSync(path.join(dir, 'k8s-cves.json'), 'utf8'));
  const snapshot: BranchRecord[] = releases.branches.map((b: any) => ({
    minor: b.branch,
    releaseDate: b.releaseDate,
    maintenanceModeStart: b.maintenanceModeStart ?? null,
    endOfLife: b.endOfLife,
    endOfLifeSource: `research snapshot ${releases.dataAsOf}`,
    patches: b.patches.map((p: any) => ({ version: p.version, date: p.date, source: 'release-data' })),
  }));

  const fresh: ReleaseInput[] = [];
  const provenanceReleases: Record<string, unknown>[] = [
    { source: 'release-data', dataAsOf: releases.dataAsOf, sources: releases.sources },
  ];
  let dataAsOf: string = releases.dataAsOf;
  if (!noProxy) {
    const goproxy = process.env.GOPROXY || DEFAULT_GOPROXY;
    const known = new Set(snapshot.flatMap((b) => b.patches.map((p) => p.version)));
    const activeMinors = snapshot.filter((b) => b.endOfLife >= releases.dataAsOf).map((b) => b.minor);
    const oldestMinor = snapshot
      .map((b) => b.minor)
      .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))[0];
    const r = await fetchGoProxyReleases({ goproxy, known, activeMinors, oldestMinor });
    fresh.push({ source: 'go-proxy', releases: r.releases });
    dataAsOf = formatDay(new Date());
    provenanceReleases.push({
      source: 'go-proxy',
      url: r.proxy,
      module: 'k8s.io/kubernetes',
      fetchedAt: new Date().toISOString(),
      versions: r.releases.map((x) => x.version),
      note: '@v/list plus @v/<version>.info; the date is the tag time',
    });
    console.log(
      `go-proxy ${r.proxy}: ${r.releases.map((x) => `${x.version} (${x.date})`).join(', ') || 'nothing new'}`,
    );
  }
  const merged = mergeBranches({
    previous: { branches: snapshot },
    previousSource: 'release-data',
    releases: fresh,
  });
  const out: VersionDataFile = {
    schema: 'cskit.k8s-versions/v1',
    dataAsOf,
    // CVE facts are only as fresh as the research snapshot.
    ...(cves.dataAsOf < dataAsOf ? { cvesAsOf: cves.dataAsOf } : {}),
    provenance: {
      releases: provenanceReleases,
      endOfLife: {
        dataAsOf: releases.dataAsOf,
        sources: releases.sources,
        estimated: merged.estimated.length
          ? `${merged.estimated.join(', ')}: 28th of the release month + 14 months (upstream support policy)`
          : undefined,
      },
      cves: { dataAsOf: cves.dataAsOf, scope: cves.scope, sources: cves.sources },
    },
    branches: merged.branches,
    cves: cves.cves.map((c: any) => ({
      id: c.id,
      published: c.published,
      summary: c.summary,
      cvss: c.cvss,
      fixStatus: c.fixStatus,
      components: c.components,
      affected: c.affected.map((a: any) => {
        const e: Record<string, unknown> = {
          branch: a.branch,
          introduced: a.introduced,
          fixed: a.fixed,
          lastAffected: a.lastAffected,
        };
        for (const k of ['includesOlderBranches', 'allVersions', 'noFixReleased']) if (a[k]) e[k] = true;
        return e;
      }),
      fixedIn: c.fixedIn,
      urls: c.urls,
    })),
  };
  indexVersionData(out, 'import'); // refuse to write what cskit could not load
  const file = path.join(root, 'src', 'k8s-versions', 'data', 'kubernetes.json');
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(out, null, 1)}\n`);
  fs.renameSync(`${file}.tmp`, file);
  console.log(
    `wrote ${path.relative(process.cwd(), file)}: ${out.branches.length} branches, ${out.cves.length} CVEs, ` +
      `release data as of ${out.dataAsOf}, CVE data as of ${out.cvesAsOf ?? out.dataAsOf}` +
      (merged.estimated.length ? `; end of life estimated for ${merged.estimated.join(', ')}` : ''),
  );
}

main().catch((e: Error) => {
  console.error(`import-version-data: ${e.message}`);
  process.exit(1);
});
