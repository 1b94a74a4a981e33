/**
 * scs-0210-v2 (Kubernetes version policy) as pure functions of (versions, evaluation date, data).
 * Every finding carries its evidence: the release, its date, the CVE, the deadline.
 */
import { Branch, CveRecord, Patch, VersionData, loadVersionData } from './data';
import { addDays, addMonths, daysBetween, formatDay, parseDay } from './dates';
import {
  KubeVersion,
  compareMinors,
  compareVersions,
  formatVersion,
  minorKey,
  parseKubernetesVersion,
} from './version';

export type Verdict = 'PASS' | 'WARN' | 'FAIL';
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  readonly severity: Severity;
  /** Stable id: branch-eol, patch-outdated, critical-cve, minor-missing, branch-missing, minor-pending,
   * branch-eol-offered, unknown-version, data-stale, patch-pending, latest. */
  readonly code: string;
  readonly message: string;
  readonly evidence?: Record<string, unknown>;
}

export interface VersionEvaluation {
  readonly version: string;
  readonly verdict: Verdict;
  readonly findings: Finding[];
}

export interface BranchStatus {
  readonly minor: string;
  readonly releaseDate: string;
  readonly endOfLife: string;
  /** The end of life is derived from the upstream support policy (no source gave it): show it as `~date`. */
  readonly endOfLifeEstimated: boolean;
  readonly endOfLifeSource?: string;
  readonly supported: boolean;
  readonly latestPatch?: string;
  readonly latestPatchDate?: string;
  /** Which source gave the latest patch. */
  readonly latestPatchSource?: string;
  /** Highest offered patch of this branch, if any. */
  readonly offered?: string;
}

export interface OfferingEvaluation {
  readonly verdict: Verdict;
  readonly findings: Finding[];
  readonly branches: BranchStatus[];
}

export interface RecommendedVersion {
  readonly minor: string;
  readonly version: string;
  readonly released: string;
  readonly endOfLife: string;
  /** Offer this patch by then (1 month after release, or 2 weeks when it fixes a critical CVE). */
  readonly offerBy: string;
  /** For a new minor: offer the branch by then (4 months after its release). */
  readonly minorOfferBy?: string;
  readonly criticalCves: string[];
}

export interface Recommendation {
  readonly at: string;
  readonly dataAsOf: string;
  readonly versions: RecommendedVersion[];
  readonly findings: Finding[];
}

/** Thresholds of the standard. */
export const POLICY = {
  minorMonths: 4,
  patchMonths: 1,
  criticalCvssScore: 8,
  criticalCveDays: 14,
  criticalCveRecommendedDays: 2,
  staleDataDays: 30,
} as const;

export function verdictOf(findings: readonly Finding[]): Verdict {
  if (findings.some((f) => f.severity === 'error')) return 'FAIL';
  if (findings.some((f) => f.severity === 'warning')) return 'WARN';
  return 'PASS';
}

const day = formatDay;

function staleness(data: VersionData, at: Date): Finding[] {
  const out: Finding[] = data.warnings.map((w) => ({ severity: 'warning' as const, code: 'data-load', message: w }));
  const age = daysBetween(data.dataAsOf, at);
  if (age > POLICY.staleDataDays) {
    out.push({
      severity: 'warning',
      code: 'data-stale',
      message:
        `version data is as of ${day(data.dataAsOf)}, ${age} days before ${day(at)}: ` +
        `releases and CVEs since then are unknown; run \`cskit versions update\``,
      evidence: { dataAsOf: day(data.dataAsOf), at: day(at), ageDays: age, origin: data.origin },
    });
  }
  const cveAge = daysBetween(data.cvesAsOf, at);
  if (age <= POLICY.staleDataDays && cveAge > POLICY.staleDataDays) {
    // A release-only refresh (e.g. from a Go module proxy): the releases are current, only the CVE facts are old.
    out.push({
      severity: 'warning',
      code: 'data-stale',
      message:
        `CVE data is as of ${day(data.cvesAsOf)}, ${cveAge} days before ${day(at)} ` +
        `(release data is current, as of ${day(data.dataAsOf)}): only critical CVEs published since then are ` +
        'unknown; run `cskit versions update` where the Kubernetes CVE feed is reachable',
      evidence: {
        cvesAsOf: day(data.cvesAsOf),
        dataAsOf: day(data.dataAsOf),
        at: day(at),
        ageDays: cveAge,
        origin: data.origin,
      },
    });
  }
  return out;
}

/** A critical CVE that affects `v` and is fixed by a newer patch of its branch. */
interface CriticalFix {
  cve: CveRecord;
  fix: Patch;
  effective: Date;
}

const criticalCache = new WeakMap<VersionData, Map<string, CriticalFix[]>>();

function affects(cve: CveRecord, v: KubeVersion): boolean {
  const minor = minorKey(v);
  return cve.affected.some((e) => {
    if (e.allVersions) return true;
    if (e.branch === null) return false;
    if (e.branch !== minor) return !!e.includesOlderBranches && compareMinors(minor, e.branch) < 0;
    const intro = e.introduced ? parseKubernetesVersion(e.introduced) : undefined;
    if (intro && compareVersions(v, intro) < 0) return false;
    const fixed = e.fixed ? parseKubernetesVersion(e.fixed) : undefined;
    if (fixed) return compareVersions(v, fixed) < 0;
    const last = e.lastAffected ? parseKubernetesVersion(e.lastAffected) : undefined;
    return last ? compareVersions(v, last) <= 0 : true;
  });
}

/** Critical CVEs affecting `v` with a fix in a newer patch of the same branch (memoized per data). */
function criticalFixes(data: VersionData, v: KubeVersion): CriticalFix[] {
  let memo = criticalCache.get(data);
  if (!memo) criticalCache.set(data, (memo = new Map()));
  const key = formatVersion(v);
  const hit = memo.get(key);
  if (hit) return hit;
  const out: CriticalFix[] = [];
  for (const cve of data.cves) {
    if (!cve.cvss || cve.cvss.score < POLICY.criticalCvssScore || !affects(cve, v)) continue;
    const entry = cve.affected.find((e) => e.branch === minorKey(v) && e.fixed);
    const fix = entry && data.patchByVersion.get(entry.fixed!);
    if (!fix || compareVersions(fix.v, v) <= 0) continue;
    // A fix can ship before the CVE is disclosed; nobody can be late before it is known.
    const published = cve.published ? parseDay(cve.published) : fix.date;
    out.push({ cve, fix, effective: published > fix.date ? published : fix.date });
  }
  memo.set(key, out);
  return out;
}

/** Patch-level checks of one version against its branch at `at` (no branch existence/EOL checks). */
function patchFindings(data: VersionData, branch: Branch, v: KubeVersion, at: Date, label: string): Finding[] {
  const out: Finding[] = [];
  // Hot path (bench/versions): one scan instead of filtered copies. Patches are sorted by version, and a
  // newer patch is never released before an older one of the same branch.
  let latest: Patch | undefined;
  let first: Patch | undefined;
  for (const p of branch.patches) {
    if (p.date > at) break;
    latest = p;
    if (!first && compareVersions(p.v, v) > 0) first = p;
  }
  if (!first || !latest) {
    out.push({
      severity: 'info',
      code: 'latest',
      message: `${label} is the latest patch of ${branch.minor} known at ${day(at)}`,
      evidence: { latest: latest?.version, released: latest && day(latest.date) },
    });
  } else {
    const deadline = addMonths(first.date, POLICY.patchMonths);
    const evidence = {
      newerPatch: first.version,
      released: day(first.date),
      deadline: day(deadline),
      latest: latest.version,
      latestReleased: day(latest.date),
    };
    if (at > deadline) {
      out.push({
        severity: 'error',
        code: 'patch-outdated',
        message:
          `${label} is outdated: ${first.version} was released on ${day(first.date)}, ` +
          `and newer patches must be offered within ${POLICY.patchMonths} month (by ${day(deadline)}); ` +
          `move to ${latest.version}`,
        evidence,
      });
    } else {
      out.push({
        severity: 'info',
        code: 'patch-pending',
        message:
          `${label}: newer patch ${first.version} (released ${day(first.date)}) ` +
          `must be offered by ${day(deadline)}`,
        evidence,
      });
    }
  }
  for (const f of criticalFixes(data, v)) {
    if (f.fix.date > at || (f.cve.published && parseDay(f.cve.published) > at)) continue;
    const must = addDays(f.effective, POLICY.criticalCveDays);
    const should = addDays(f.effective, POLICY.criticalCveRecommendedDays);
    const evidence = {
      cve: f.cve.id,
      cvss: f.cve.cvss,
      published: f.cve.published,
      fixedIn: f.fix.version,
      fixReleased: day(f.fix.date),
      deadline: day(must),
      recommendedBy: day(should),
    };
    const what =
      `${label} is affected by ${f.cve.id} (CVSS ${f.cve.cvss!.version} ${f.cve.cvss!.score}), ` +
      `fixed in ${f.fix.version}`;
    if (at > must)
      out.push({
        severity: 'error',
        code: 'critical-cve',
        message: `${what}: the fix must be offered within ${POLICY.criticalCveDays} days (by ${day(must)})`,
        evidence,
      });
    else if (at > should)
      out.push({
        severity: 'warning',
        code: 'critical-cve',
        message:
          `${what}: offering the fix within ${POLICY.criticalCveRecommendedDays} days (by ${day(should)}) ` +
          `is recommended; required by ${day(must)}`,
        evidence,
      });
    else
      out.push({
        severity: 'info',
        code: 'critical-cve',
        message: `${what}: offer it by ${day(should)} (required by ${day(must)})`,
        evidence,
      });
  }
  return out;
}

/** Judges one running version (e.g. a live cluster's `/version`) at date `at`. */
export function evaluateClusterVersion(
  version: string,
  at: Date,
  data: VersionData = loadVersionData(),
): VersionEvaluation {
  at = parseDay(at);
  const findings = staleness(data, at);
  const v = parseKubernetesVersion(version);
  const done = () => ({ version, verdict: verdictOf(findings), findings });
  if (!v) {
    findings.push({
      severity: 'error',
      code: 'unknown-version',
      message: `"${version}" is not a Kubernetes version (expecting e.g. v1.36.4)`,
    });
    return done();
  }
  const label = formatVersion(v);
  const minor = minorKey(v);
  const branch = data.branchByMinor.get(minor);
  if (!branch || branch.releaseDate > at) {
    const known = data.branches.filter((b) => b.releaseDate <= at);
    const newest = known[known.length - 1];
    if (!newest || compareMinors(minor, newest.minor) > 0) {
      findings.push({
        severity: 'warning',
        code: 'unknown-version',
        message:
          `${label}: branch ${minor} is newer than the version data knows ` +
          `(newest ${newest?.minor ?? 'none'}, data as of ${day(data.dataAsOf)}); ` +
          `cannot judge it: run \`cskit versions update\``,
        evidence: { newestKnown: newest?.minor, dataAsOf: day(data.dataAsOf) },
      });
    } else {
      findings.push({
        severity: 'error',
        code: 'branch-eol',
        message:
          `${label}: branch ${minor} is older than every branch the data knows (oldest ${known[0].minor}); ` +
          `it is past end of life`,
        evidence: { oldestKnown: known[0].minor },
      });
    }
    return done();
  }
  if (at > branch.endOfLife) {
    const endOfLife = day(branch.endOfLife);
    findings.push({
      severity: 'error',
      code: 'branch-eol',
      message: `${label}: branch ${minor} reached end of life on ${endOfLife}; upgrade to a supported minor`,
      evidence: { branch: minor, endOfLife },
    });
  }
  const own = data.patchByVersion.get(label);
  if (!own || own.date > at) {
    const latest = branch.patches.filter((p) => p.date <= at).pop();
    if (!latest || compareVersions(v, latest.v) > 0) {
      findings.push({
        severity: 'warning',
        code: 'unknown-version',
        message:
          `${label} is newer than the latest ${minor} patch the data knows ` +
          `(${latest?.version ?? 'none'} at ${day(at)}); ` +
          `cannot judge it: run \`cskit versions update\``,
        evidence: { latestKnown: latest?.version, dataAsOf: day(data.dataAsOf) },
      });
      return done();
    }
  }
  findings.push(...patchFindings(data, branch, v, at, label));
  return done();
}

/** Branches inside their support period at `at` (released, not past end of life), ascending. */
export function supportedBranches(data: VersionData, at: Date): Branch[] {
  return data.branches.filter((b) => b.releaseDate <= at && at <= b.endOfLife && b.patches.some((p) => p.date <= at));
}

/** Judges a provider's offered versions (e.g. all its stacks) against scs-0210 at date `at`. */
export function evaluateOffering(
  versions: readonly string[],
  at: Date,
  data: VersionData = loadVersionData(),
): OfferingEvaluation {
  at = parseDay(at);
  const findings = staleness(data, at);
  const offered = new Map<string, KubeVersion>();
  for (const s of versions) {
    const v = parseKubernetesVersion(s);
    if (!v) {
      findings.push({ severity: 'error', code: 'unknown-version', message: `"${s}" is not a Kubernetes version` });
      continue;
    }
    const prev = offered.get(minorKey(v));
    if (!prev || compareVersions(v, prev) > 0) offered.set(minorKey(v), v);
  }
  const supported = supportedBranches(data, at);
  const newest = data.branches.filter((b) => b.releaseDate <= at).pop();
  for (const b of supported) {
    const v = offered.get(b.minor);
    if (v) {
      findings.push(...patchFindings(data, b, v, at, formatVersion(v)));
      continue;
    }
    const deadline = addMonths(b.releaseDate, POLICY.minorMonths);
    const evidence = {
      branch: b.minor,
      released: day(b.releaseDate),
      endOfLife: day(b.endOfLife),
      deadline: day(deadline),
    };
    if (b === newest && at <= deadline) {
      findings.push({
        severity: 'info',
        code: 'minor-pending',
        message: `latest minor ${b.minor} (released ${day(b.releaseDate)}) must be offered by ${day(deadline)}`,
        evidence,
      });
    } else if (b === newest) {
      findings.push({
        severity: 'error',
        code: 'minor-missing',
        message:
          `latest minor ${b.minor} was released on ${day(b.releaseDate)} ` +
          `and must be offered within ${POLICY.minorMonths} months (by ${day(deadline)}); ` +
          `it is not offered`,
        evidence,
      });
    } else {
      findings.push({
        severity: 'error',
        code: 'branch-missing',
        message: `branch ${b.minor} is supported upstream until ${day(b.endOfLife)} and must be offered; it is not`,
        evidence,
      });
    }
  }
  for (const [minor, v] of offered) {
    const b = data.branchByMinor.get(minor);
    if (b && at > b.endOfLife) {
      findings.push({
        severity: 'warning',
        code: 'branch-eol-offered',
        message:
          `${formatVersion(v)}: branch ${minor} reached end of life on ${day(b.endOfLife)}; ` +
          `offering it is not recommended (drop it once no cluster uses it)`,
        evidence: { branch: minor, endOfLife: day(b.endOfLife) },
      });
    } else if (!b || b.releaseDate > at) {
      findings.push({
        severity: 'warning',
        code: 'unknown-version',
        message:
          `${formatVersion(v)}: branch ${minor} is unknown to the version data (as of ${day(data.dataAsOf)}); ` +
          `run \`cskit versions update\``,
      });
    }
  }
  const branches: BranchStatus[] = data.branches
    .filter((b) => b.releaseDate <= at)
    .map((b) => {
      const latest = b.patches.filter((p) => p.date <= at).pop();
      const o = offered.get(b.minor);
      return {
        minor: b.minor,
        releaseDate: day(b.releaseDate),
        endOfLife: day(b.endOfLife),
        endOfLifeEstimated: b.endOfLifeEstimated,
        endOfLifeSource: b.endOfLifeSource,
        supported: supported.includes(b),
        latestPatch: latest?.version,
        latestPatchDate: latest && day(latest.date),
        latestPatchSource: latest?.source,
        offered: o && formatVersion(o),
      };
    });
  return { verdict: verdictOf(findings), findings, branches };
}

/** The versions to offer at `at`: the latest patch of every supported branch, with the dates that bind. */
export function recommend(at: Date, data: VersionData = loadVersionData()): Recommendation {
  at = parseDay(at);
  const newest = data.branches.filter((b) => b.releaseDate <= at).pop();
  const versions = supportedBranches(data, at).map((b): RecommendedVersion => {
    const latest = b.patches.filter((p) => p.date <= at).pop()!;
    const previous = b.patches.filter((p) => compareVersions(p.v, latest.v) < 0).pop();
    const critical = previous ? criticalFixes(data, previous.v).filter((f) => f.fix === latest) : [];
    const offerBy = critical.length
      ? addDays(critical.map((f) => f.effective).sort((x, y) => x.getTime() - y.getTime())[0], POLICY.criticalCveDays)
      : addMonths(latest.date, POLICY.patchMonths);
    return {
      minor: b.minor,
      version: latest.version,
      released: day(latest.date),
      endOfLife: day(b.endOfLife),
      offerBy: day(offerBy),
      minorOfferBy: b === newest ? day(addMonths(b.releaseDate, POLICY.minorMonths)) : undefined,
      criticalCves: critical.map((f) => f.cve.id),
    };
  });
  return { at: day(at), dataAsOf: day(data.dataAsOf), versions, findings: staleness(data, at) };
}
