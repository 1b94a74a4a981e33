import * as fs from 'fs';
import * as path from 'path';
import { parseCveRecord } from './cve-parse';
import { CACHE_FILE, CveRecord, VersionDataFile, cacheDir, indexVersionData, loadVersionData } from './data';
import { formatDay } from './dates';
import { DEFAULT_GOPROXY, GoProxyError, fetchGoProxyReleases } from './goproxy';
import { CycleInput, ReleaseInput, mergeBranches } from './merge';
import { minorKey, parseKubernetesVersion } from './version';

/** Public upstream sources of `cskit versions update` (each overridable, e.g. for a mirror or a test server). */
export interface UpdateSources {
  /** endoflife-date release-data: every Kubernetes patch with its date. */
  readonly releases: string;
  /** endoflife.date API: branches with release and end-of-life dates. */
  readonly branches: string;
  /** The official Kubernetes CVE feed (JSON Feed). */
  readonly cveFeed: string;
  /** CVE record by id (CVE JSON 5); `{id}` is replaced. */
  readonly cveRecord: string;
}

export const DEFAULT_SOURCES: UpdateSources = {
  releases: 'https://raw.githubusercontent.com/endoflife-date/release-data/main/releases/kubernetes.json',
  branches: 'https://endoflife.date/api/kubernetes.json',
  cveFeed: 'https://kubernetes.io/docs/reference/issues-security/official-cve-feed/index.json',
  cveRecord: 'https://cveawg.mitre.org/api/cve/{id}',
};

export interface UpdateOptions {
  readonly sources?: Partial<UpdateSources>;
  readonly cacheDir?: string;
  /** Per request. @default 15000 */
  readonly timeoutMs?: number;
  /** Retries after the first attempt, with backoff. @default 2 */
  readonly retries?: number;
  readonly now?: Date;
  readonly log?: (line: string) => void;
  /** GOPROXY value for the Go module proxy source; default `$GOPROXY`, else Go's default. `off` disables it. */
  readonly goproxy?: string;
}

export interface UpdateResult {
  readonly file: string;
  readonly dataAsOf: string;
  /** Date of the CVE facts: `dataAsOf`, or the previous one when the CVE sources failed. */
  readonly cvesAsOf: string;
  /** True when no CVE source answered and the previous CVE data was kept. */
  readonly cvesKept: boolean;
  readonly branches: number;
  readonly patches: number;
  readonly cves: number;
  /** What each source gave, or why it gave nothing (one line each). */
  readonly notes: string[];
  /** CVE entries that could not be read (reported, skipped). */
  readonly problems: string[];
}

/** A source that could not be reached or read: the message says which and what to do. */
export class UpdateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpdateError';
  }
}

async function fetchJson(url: string, timeoutMs: number, retries: number): Promise<unknown> {
  let last: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
      if (res.status === 404) throw Object.assign(new Error('HTTP 404'), { final: true });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return await res.json();
    } catch (e) {
      last = e;
      if ((e as { final?: boolean }).final || e instanceof SyntaxError) break;
    }
  }
  const err = last as Error & { cause?: { code?: string } };
  const code = err.cause?.code ?? err.name;
  const offline = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ENETUNREACH|TimeoutError|AbortError/.test(String(code));
  throw new UpdateError(offline ? `cannot reach ${new URL(url).host} (${code})` : `${url}: ${err.message}`);
}

/** release-data format: `{ releases: { "1.36.4": { date: "2026-08-20" } } }` (or a list of {name, date}). */
export function parseReleases(json: unknown): Map<string, Array<{ version: string; date: string }>> {
  type Release = { name?: unknown; version?: unknown; date?: unknown };
  const releases = (json as { releases?: unknown } | null | undefined)?.releases;
  const entries: Array<[unknown, string | Release | null | undefined]> = Array.isArray(releases)
    ? releases.map((r: Release) => [r.name ?? r.version, r])
    : Object.entries((releases ?? json ?? {}) as Record<string, string | Release | null>);
  const byMinor = new Map<string, Array<{ version: string; date: string }>>();
  for (const [name, r] of entries) {
    const v = parseKubernetesVersion(String(name));
    const date = typeof r === 'string' ? r : r?.date;
    // Pre-releases (1.37.0-rc.1) are not releases a provider offers.
    if (!v || /-(alpha|beta|rc)/.test(String(name)) || !/^\d{4}-\d{2}-\d{2}/.test(String(date))) continue;
    const list = byMinor.get(minorKey(v)) ?? [];
    list.push({ version: `${v.major}.${v.minor}.${v.patch}`, date: String(date).slice(0, 10) });
    byMinor.set(minorKey(v), list);
  }
  return byMinor;
}

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function settle<T>(p: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await p() };
  } catch (e) {
    if (!(e instanceof UpdateError || e instanceof GoProxyError || e instanceof SyntaxError)) throw e;
    return { ok: false, error: reason(e) };
  }
}

async function fetchCves(src: UpdateSources, timeout: number, retries: number) {
  const feed = await fetchJson(src.cveFeed, timeout, retries);
  const items = (feed as { items?: unknown } | null | undefined)?.items;
  if (!Array.isArray(items)) throw new UpdateError(`${src.cveFeed}: not a JSON Feed (no "items" list)`);
  const ids: string[] = [
    ...new Set<string>(
      items
        .map((i: { id?: unknown } | null | undefined) => String(i?.id ?? ''))
        .filter((id: string) => /^CVE-\d{4}-\d+$/.test(id)),
    ),
  ];
  const cves: CveRecord[] = [];
  const problems: string[] = [];
  for (const id of ids) {
    try {
      const parsed = parseCveRecord(await fetchJson(src.cveRecord.replace('{id}', id), timeout, retries));
      problems.push(...parsed.problems);
      if (parsed.record) cves.push(parsed.record);
    } catch (e) {
      problems.push(`${id}: ${reason(e)}`);
    }
  }
  return { cves, problems };
}

/** endoflife.date cycles → branch dates. */
function parseCycles(json: unknown, url: string): CycleInput['cycles'] {
  if (!Array.isArray(json)) throw new UpdateError(`${url}: expecting a list of release cycles`);
  type Cycle = { cycle?: unknown; releaseDate?: unknown; support?: unknown; eol?: unknown };
  return (json as Cycle[])
    .filter((c) => /^\d+\.\d+$/.test(String(c?.cycle)) && typeof c.eol === 'string')
    .map((c) => ({
      minor: String(c.cycle),
      releaseDate: typeof c.releaseDate === 'string' ? c.releaseDate : undefined,
      maintenanceModeStart: typeof c.support === 'string' ? c.support : null,
      endOfLife: c.eol as string,
    }));
}

/**
 * Fetches current releases (release-data and the Go module proxy, merged: newest wins per version), end-of-life
 * dates and CVEs, and writes the cache atomically. Sources that fail leave their part as the previous data had it
 * (said in `notes`); when no release source answers, nothing is written and UpdateError says why.
 */
export async function updateVersionData(opts: UpdateOptions = {}): Promise<UpdateResult> {
  const src = { ...DEFAULT_SOURCES, ...opts.sources };
  const timeout = opts.timeoutMs ?? 15_000;
  const retries = opts.retries ?? 2;
  const log = opts.log ?? (() => undefined);
  const now = opts.now ?? new Date();
  const previous = loadVersionData({ cacheDir: opts.cacheDir });
  const prevFile = previous.file;
  const goproxy = opts.goproxy ?? process.env.GOPROXY;
  const known = new Set(previous.branches.flatMap((b) => b.patches.map((p) => p.version)));
  // Branches that may have had releases since the previous data: not ended as of its date.
  const activeMinors = previous.branches.filter((b) => b.endOfLife >= previous.dataAsOf).map((b) => b.minor);

  log(
    `fetching releases from ${src.releases}, the Go module proxy (GOPROXY=${goproxy || DEFAULT_GOPROXY}), ` +
      `end-of-life dates from ${src.branches} and CVEs from ${src.cveFeed}`,
  );
  const [rd, gp, cy, cv] = await Promise.all([
    settle(async () => {
      const byMinor = parseReleases(await fetchJson(src.releases, timeout, retries));
      if (!byMinor.size) throw new UpdateError(`${src.releases}: no Kubernetes release in the answer`);
      return byMinor;
    }),
    settle(() =>
      fetchGoProxyReleases({
        goproxy,
        timeoutMs: timeout,
        known,
        activeMinors,
        oldestMinor: previous.branches[0]?.minor,
      }),
    ),
    settle(async () => parseCycles(await fetchJson(src.branches, timeout, retries), src.branches)),
    settle(() => fetchCves(src, timeout, retries)),
  ]);
  const notes: string[] = [];
  if (!rd.ok && !gp.ok)
    throw new UpdateError(
      `no release source answered (offline, or a firewall in the way? a reachable GOPROXY is enough), ` +
        `the previous data (as of ${prevFile.dataAsOf}, ${previous.origin}) stays in use:\n` +
        `  release-data: ${rd.error}\n  Go module proxy: ${gp.error}`,
    );
  const releases: ReleaseInput[] = [];
  if (gp.ok) releases.push({ source: `go-proxy`, releases: gp.value.releases });
  if (rd.ok) releases.push({ source: 'release-data', releases: [...rd.value.values()].flat() });
  const merged = mergeBranches({
    previous: prevFile,
    previousSource: `previous data (${prevFile.dataAsOf})`,
    releases,
    cycles: cy.ok ? { source: 'endoflife.date', cycles: cy.value } : undefined,
  });
  const addedBy = (s: string) => merged.added.get(s) ?? [];
  if (rd.ok)
    notes.push(
      `releases: release-data ${src.releases}: ` +
        `${addedBy('release-data').length} new (${list(addedBy('release-data'))})`,
    );
  else notes.push(`releases: release-data unavailable (${rd.error})`);
  if (gp.ok) {
    const partial = gp.value.probedFound.length
      ? `; its list lacked ${list(gp.value.probedFound)}, found one by one`
      : '';
    notes.push(
      `releases: Go module proxy ${gp.value.proxy}: ` +
        `${addedBy('go-proxy').length} new (${list(addedBy('go-proxy'))})${partial}`,
    );
  } else notes.push(`releases: Go module proxy unavailable (${gp.error})`);
  if (cy.ok) notes.push(`end-of-life dates: ${src.branches}`);
  else notes.push(`end-of-life dates: ${src.branches} unavailable (${cy.error}); kept from the previous data`);
  if (merged.estimated.length)
    notes.push(
      `end-of-life dates estimated from the upstream support policy (shown as ~date): ${merged.estimated
        .map((m) => `${m} ~${merged.branches.find((b) => b.minor === m)!.endOfLife}`)
        .join(', ')}`,
    );
  for (const s of merged.skipped) notes.push(`left out: ${s}`);
  const cvesAsOfPrev = prevFile.cvesAsOf ?? prevFile.dataAsOf;
  if (!cv.ok) notes.push(`CVE data stayed as it was (as of ${cvesAsOfPrev}): ${cv.error}`);
  for (const n of notes) log(n);

  const today = formatDay(now);
  const data: VersionDataFile = {
    schema: 'cskit.k8s-versions/v1',
    dataAsOf: today,
    ...(cv.ok ? {} : { cvesAsOf: cvesAsOfPrev }),
    provenance: {
      fetchedAt: now.toISOString(),
      releases: [
        ...(rd.ok ? [{ source: 'release-data', url: src.releases }] : []),
        ...(gp.ok ? [{ source: 'go-proxy', url: gp.value.proxy, module: 'k8s.io/kubernetes' }] : []),
      ],
      endOfLife: cy.ok ? { source: 'endoflife.date', url: src.branches } : { keptFrom: prevFile.dataAsOf },
      cves: cv.ok ? { url: src.cveFeed, records: src.cveRecord } : { keptFrom: cvesAsOfPrev },
      previous: { origin: previous.origin, dataAsOf: prevFile.dataAsOf },
    },
    branches: merged.branches,
    cves: cv.ok ? cv.value.cves : prevFile.cves,
  };
  indexVersionData(data, 'update'); // refuse to write what we could not load
  const dir = opts.cacheDir ?? cacheDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, CACHE_FILE);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(data, null, 1)}\n`);
  fs.renameSync(`${file}.tmp`, file);
  return {
    file,
    dataAsOf: data.dataAsOf,
    cvesAsOf: data.cvesAsOf ?? data.dataAsOf,
    cvesKept: !cv.ok,
    branches: merged.branches.length,
    patches: merged.branches.reduce((n, b) => n + b.patches.length, 0),
    cves: data.cves.length,
    notes,
    problems: cv.ok ? cv.value.problems : [],
  };
}

function list(vs: readonly string[]): string {
  if (!vs.length) return 'none';
  return vs.length > 8 ? `${vs.slice(0, 8).join(', ')}, … ${vs.length - 8} more` : vs.join(', ');
}
