#!/usr/bin/env node
// Converts the research snapshot (shared/data/k8s-releases.json + k8s-cves.json) into the bundled data
// file src/k8s-versions/data/kubernetes.json, keeping the sources and the dates the facts are as of.
// Usage: node scripts/import-version-data.js [SHARED_DATA_DIR]
const fs = require('fs');
const path = require('path');

const dir = process.argv[2] ?? path.join(__dirname, '..', '..', 'shared', 'data');
const releases = JSON.parse(fs.readFileSync(path.join(dir, 'k8s-releases.json'), 'utf8'));
const cves = JSON.parse(fs.readFileSync(path.join(dir, 'k8s-cves.json'), 'utf8'));
const older = (a, b) => (a < b ? a : b);

const out = {
  schema: 'cskit.k8s-versions/v1',
  // The data is only as fresh as its older half.
  dataAsOf: older(releases.dataAsOf, cves.dataAsOf),
  provenance: {
    releases: { dataAsOf: releases.dataAsOf, sources: releases.sources },
    cves: { dataAsOf: cves.dataAsOf, scope: cves.scope, sources: cves.sources },
  },
  branches: releases.branches.map((b) => ({
    minor: b.branch,
    releaseDate: b.releaseDate,
    maintenanceModeStart: b.maintenanceModeStart ?? null,
    endOfLife: b.endOfLife,
    patches: b.patches.map((p) => ({ version: p.version, date: p.date })),
  })),
  cves: cves.cves.map((c) => ({
    id: c.id,
    published: c.published,
    summary: c.summary,
    cvss: c.cvss,
    fixStatus: c.fixStatus,
    components: c.components,
    affected: c.affected.map((a) => {
      const e = { branch: a.branch, introduced: a.introduced, fixed: a.fixed, lastAffected: a.lastAffected };
      for (const k of ['includesOlderBranches', 'allVersions', 'noFixReleased']) if (a[k]) e[k] = true;
      return e;
    }),
    fixedIn: c.fixedIn,
    urls: c.urls,
  })),
};
const file = path.join(__dirname, '..', 'src', 'k8s-versions', 'data', 'kubernetes.json');
fs.writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`);
console.log(
  `wrote ${path.relative(process.cwd(), file)}: ${out.branches.length} branches, ${out.cves.length} CVEs, data as of ${out.dataAsOf}`,
);
