import * as fs from 'fs';
import * as path from 'path';
import { parseCveRecord } from './cve-parse';
import { BranchRecord, CACHE_FILE, CveRecord, VersionDataFile, cacheDir, indexVersionData } from './data';
import { formatDay } from './dates';
import { compareMinors, minorKey, parseKubernetesVersion } from './version';

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
}

export interface UpdateResult {
  readonly file: string;
  readonly dataAsOf: string;
  readonly branches: number;
  readonly patches: number;
  readonly cves: number;
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

async function fetchJson(url: string, timeoutMs: number, retries: number): Promise<any> {
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
  throw new UpdateError(
    offline
      ? `cannot reach ${new URL(url).host} (${code}): are you offline? The bundled data stays in use; run \`cskit versions update\` again with network access`
      : `${url}: ${err.message}`,
  );
}

/** release-data format: `{ releases: { "1.36.4": { date: "2026-08-20" } } }` (or a list of {name, date}). */
export function parseReleases(json: any): Map<string, Array<{ version: string; date: string }>> {
  const entries: Array<[string, any]> = Array.isArray(json?.releases)
    ? json.releases.map((r: any) => [r.name ?? r.version, r])
    : Object.entries(json?.releases ?? json ?? {});
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

/** Fetches current releases, end-of-life dates and CVEs and writes the cache atomically. */
export async function updateVersionData(opts: UpdateOptions = {}): Promise<UpdateResult> {
  const src = { ...DEFAULT_SOURCES, ...opts.sources };
  const timeout = opts.timeoutMs ?? 15_000;
  const retries = opts.retries ?? 2;
  const log = opts.log ?? (() => undefined);

  log(`fetching releases from ${src.releases}`);
  const patches = parseReleases(await fetchJson(src.releases, timeout, retries));
  log(`fetching branch end-of-life dates from ${src.branches}`);
  const cycles = await fetchJson(src.branches, timeout, retries);
  if (!Array.isArray(cycles)) throw new UpdateError(`${src.branches}: expecting a list of release cycles`);
  const branches: BranchRecord[] = cycles
    .filter(
      (c: any) => /^\d+\.\d+$/.test(String(c?.cycle)) && patches.has(String(c.cycle)) && typeof c.eol === 'string',
    )
    .map((c: any) => ({
      minor: String(c.cycle),
      releaseDate: String(c.releaseDate ?? patches.get(String(c.cycle))!.find((p) => p.version.endsWith('.0'))?.date),
      maintenanceModeStart: typeof c.support === 'string' ? c.support : null,
      endOfLife: c.eol,
      patches: patches.get(String(c.cycle))!,
    }))
    .sort((a, b) => compareMinors(b.minor, a.minor));
  if (branches.length === 0)
    throw new UpdateError(`${src.branches} and ${src.releases} share no release branch; check the sources`);

  log(`fetching the Kubernetes CVE feed from ${src.cveFeed}`);
  const feed = await fetchJson(src.cveFeed, timeout, retries);
  const ids: string[] = [
    ...new Set<string>(
      (feed?.items ?? []).map((i: any) => String(i?.id ?? '')).filter((id: string) => /^CVE-\d{4}-\d+$/.test(id)),
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
      problems.push(`${id}: ${(e as Error).message}`);
    }
  }

  const now = opts.now ?? new Date();
  const data: VersionDataFile = {
    schema: 'cskit.k8s-versions/v1',
    dataAsOf: formatDay(now),
    provenance: { fetchedAt: now.toISOString(), sources: src },
    branches,
    cves,
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
    branches: branches.length,
    patches: branches.reduce((n, b) => n + b.patches.length, 0),
    cves: cves.length,
    problems,
  };
}
