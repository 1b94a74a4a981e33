/**
 * Kubernetes release tags and their dates from a Go module proxy (the GOPROXY protocol: `<proxy>/k8s.io/kubernetes/
 * @v/list` and `@v/<version>.info`). Every Kubernetes release is a version of the module k8s.io/kubernetes, and a Go
 * proxy is what locked-down sites already allow when endoflife.date, GitHub and kubernetes.io are out of reach.
 *
 * A proxy's list is often partial (proxy.golang.org lists only versions somebody fetched), so the list is only a
 * starting point: gaps below a listed patch and the patches after the newest known one are asked for one by one
 * (`.info`; 404/410 means "no such release"). Answers that are not the protocol (garbage, wrong version, no time)
 * are errors naming the URL: the caller keeps its previous data. A 403 on a probe counts as "not served" (proxies
 * with an allow-list answer so).
 */
import { compareMinors } from './version';

/** One entry of GOPROXY and what its separator says about falling back to the next one. */
export interface ProxyEntry {
  readonly url: string;
  /** `|` after it: any error falls through; `,`: only 404/410 (Go's rules). */
  readonly fallBackOnAnyError: boolean;
}

/** The proxies of a GOPROXY value, and why the list ends early (`off`, `direct`). */
export interface GoProxyList {
  readonly proxies: readonly ProxyEntry[];
  /** Set when `off`/`direct` stop the list: nothing after them is a proxy we can ask. */
  readonly stop?: 'off' | 'direct';
}

/** Go's default when GOPROXY is unset or empty. */
export const DEFAULT_GOPROXY = 'https://proxy.golang.org,direct';

/** Parses GOPROXY as the go command does: entries separated by `,` or `|`; `off` and `direct` end the proxies. */
export function parseGoproxy(value: string | undefined): GoProxyList {
  const text = value?.trim() || DEFAULT_GOPROXY;
  const proxies: ProxyEntry[] = [];
  const re = /([^,|]*)([,|]?)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && m[0] !== '') {
    const url = m[1].trim();
    if (url === 'off' || url === 'direct') return { proxies, stop: url };
    if (url) {
      // file:// proxies (a module cache on disk) are valid for the go command but not read by cskit.
      if (!/^https?:\/\//.test(url)) throw new GoProxyError(`GOPROXY entry "${url}" is not an http(s) URL`);
      proxies.push({ url: url.replace(/\/+$/, ''), fallBackOnAnyError: m[2] === '|' });
    }
  }
  return { proxies };
}

/** The proxy could not be used: the message names the proxy and the URL. */
export class GoProxyError extends Error {
  constructor(
    message: string,
    /** HTTP status when the proxy answered one (404/410 fall through a `,` list). */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'GoProxyError';
  }
}

export interface GoProxyRelease {
  /** `1.37.2` (no `v`). */
  readonly version: string;
  /** `YYYY-MM-DD` of the tag's time. */
  readonly date: string;
}

export interface GoProxyResult {
  /** The proxy that answered. */
  readonly proxy: string;
  /** Releases found (listed or probed), only those asked for (not already known). */
  readonly releases: GoProxyRelease[];
  /** Stable versions the list named. */
  readonly listed: number;
  /** Versions the list lacked but `.info` knew (the list was partial). */
  readonly probedFound: string[];
}

export interface GoProxyOptions {
  /** GOPROXY value; default `$GOPROXY`, else Go's default. */
  readonly goproxy?: string;
  /** Per request. @default 15000 */
  readonly timeoutMs?: number;
  /** Versions (`1.36.4`) already known with a date: not asked for again. */
  readonly known?: ReadonlySet<string>;
  /**
   * Minors still receiving patches as far as the caller knows: their next patches are probed even when the list
   * lacks them. Minors above the newest one known are probed from `.0`.
   */
  readonly activeMinors?: readonly string[];
  /** Minors below this are ignored (the list reaches back to v1.0). */
  readonly oldestMinor?: string;
  /** How many requests run at once. @default 6 */
  readonly concurrency?: number;
}

const MODULE = 'k8s.io/kubernetes';
const SEMVER = /^v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const STABLE = /^v1\.(\d+)\.(\d+)$/;
/** Stop probing a branch after this many patches past the newest known (a guard against a proxy that says yes). */
const MAX_PROBE = 40;

async function get(url: string, timeoutMs: number): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const why = /Timeout|Abort/.test(err.name) ? `no answer within ${timeoutMs} ms` : (err.cause?.code ?? err.message);
    throw new GoProxyError(`${url}: ${why}`);
  }
  let body: string;
  try {
    body = await res.text();
  } catch (e) {
    throw new GoProxyError(`${url}: the answer broke off (${(e as Error).message})`);
  }
  if (!res.ok) throw new GoProxyError(`${url}: HTTP ${res.status} ${body.trim().slice(0, 80)}`.trim(), res.status);
  return body;
}

/** Stable versions from an `@v/list` answer; anything that is not one version per line is an error. */
export function parseVersionList(body: string, url: string): string[] {
  const out: string[] = [];
  body.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    if (!SEMVER.test(line))
      throw new GoProxyError(
        `${url}: not a Go module version list (line ${i + 1}: ${JSON.stringify(line.slice(0, 40))})`,
      );
    if (STABLE.test(line)) out.push(line);
  });
  return out;
}

/** The date of an `@v/<version>.info` answer (`{"Version": "v1.37.2", "Time": "2026-10-27T12:01:04Z"}`). */
export function parseInfo(body: string, version: string, url: string): string {
  let info: { Version?: unknown; Time?: unknown };
  try {
    info = JSON.parse(body);
  } catch {
    throw new GoProxyError(`${url}: not a Go module .info answer (not JSON: ${JSON.stringify(body.slice(0, 40))})`);
  }
  if (info?.Version !== version)
    throw new GoProxyError(`${url}: answered for version ${JSON.stringify(info?.Version)}, not ${version}`);
  const t = typeof info.Time === 'string' ? Date.parse(info.Time) : NaN;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(String(info.Time)) || Number.isNaN(t))
    throw new GoProxyError(`${url}: no valid "Time" in the .info answer (${JSON.stringify(info.Time)})`);
  return new Date(t).toISOString().slice(0, 10);
}

async function pool<T>(items: readonly T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(n, queue.length) }, async () => {
      while (queue.length) await fn(queue.shift()!);
    }),
  );
}

/** Lists the module on the first proxy that answers, following GOPROXY's fallback rules. */
async function listOnProxies(list: GoProxyList, timeoutMs: number): Promise<{ proxy: string; versions: string[] }> {
  const failures: string[] = [];
  for (const p of list.proxies) {
    const url = `${p.url}/${MODULE}/@v/list`;
    try {
      return { proxy: p.url, versions: parseVersionList(await get(url, timeoutMs), url) };
    } catch (e) {
      const err = e as GoProxyError;
      failures.push(err.message);
      if (!(p.fallBackOnAnyError || err.status === 404 || err.status === 410)) break;
    }
  }
  if (!list.proxies.length)
    throw new GoProxyError(`GOPROXY names no proxy before "${list.stop ?? 'off'}": nothing to ask`);
  const tail = list.stop ? ` (then GOPROXY says "${list.stop}", which cskit does not follow)` : '';
  throw new GoProxyError(`Go module proxy: ${failures.join('; ')}${tail}`);
}

/**
 * Kubernetes releases the proxy knows and the caller does not: the listed ones, the gaps below them, and the patches
 * (and minors) after the newest known. Throws GoProxyError when the proxy cannot be used at all or answers garbage.
 */
export async function fetchGoProxyReleases(opts: GoProxyOptions = {}): Promise<GoProxyResult> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const known = opts.known ?? new Set<string>();
  const { proxy, versions } = await listOnProxies(parseGoproxy(opts.goproxy ?? process.env.GOPROXY), timeoutMs);
  const oldest = opts.oldestMinor ?? '1.0';
  const listed = new Set(versions.map((v) => v.slice(1)).filter((v) => compareMinors(minorOf(v), oldest) >= 0));
  // An empty list is only a partial one when the caller knows releases to probe from; otherwise nothing to go on.
  if (!versions.length && !known.size)
    throw new GoProxyError(`${proxy}/${MODULE}/@v/list: lists no Kubernetes release`);

  // Highest patch per minor, from the list and from what the caller knows.
  const maxPatch = new Map<string, number>();
  for (const v of [...listed, ...known]) {
    const minor = minorOf(v);
    if (compareMinors(minor, oldest) < 0) continue;
    maxPatch.set(minor, Math.max(maxPatch.get(minor) ?? -1, patchOf(v)));
  }
  const listedMinors = new Set([...listed].map(minorOf));
  const releases: GoProxyRelease[] = [];
  const probedFound: string[] = [];
  const info = async (v: string): Promise<string | undefined> => {
    const url = `${proxy}/${MODULE}/@v/v${v}.info`;
    try {
      return parseInfo(await get(url, timeoutMs), `v${v}`, url);
    } catch (e) {
      // 404/410 is the protocol's "no such version"; proxies with an allow-list (and this project's CI proxy)
      // answer 403 "not available" for versions they do not serve. Either way: not a release we can learn of here.
      if ([403, 404, 410].includes((e as GoProxyError).status ?? 0)) return undefined;
      throw e;
    }
  };
  const found = (version: string, date: string, probed: boolean) => {
    releases.push({ version, date });
    if (probed) probedFound.push(version);
  };

  // 1. Listed versions and the gaps below them, on minors still active or new to the caller (old, ended branches
  //    are left as the caller knows them: the list reaches back years).
  const active = new Set(opts.activeMinors ?? []);
  const gapMinors = [...listedMinors].filter((m) => active.has(m) || !hasKnownMinor(known, m));
  const wanted: Array<{ v: string; probed: boolean }> = [];
  for (const m of gapMinors)
    for (let p = 0; p <= maxPatch.get(m)!; p++) {
      const v = `${m}.${p}`;
      if (!known.has(v)) wanted.push({ v, probed: !listed.has(v) });
    }
  await pool(wanted, opts.concurrency ?? 6, async ({ v, probed }) => {
    const date = await info(v);
    if (date) found(v, date, probed);
    else if (!probed)
      throw new GoProxyError(`${proxy}/${MODULE}/@v/v${v}.info: listed but not served (HTTP 403/404/410)`);
  });

  // 2. Patches after the newest known on those minors, then new minors (.0, .1, …) until the proxy says no.
  const probeFrom = async (minor: string, from: number): Promise<number> => {
    let p = from;
    for (; p < from + MAX_PROBE; p++) {
      const date = await info(`${minor}.${p}`);
      if (!date) break;
      found(`${minor}.${p}`, date, true);
    }
    return p - from;
  };
  await pool([...new Set([...active, ...gapMinors])], opts.concurrency ?? 6, async (m) => {
    await probeFrom(m, (maxPatch.get(m) ?? -1) + 1);
  });
  const newest = [...maxPatch.keys(), ...releases.map((r) => minorOf(r.version))].sort(compareMinors).at(-1);
  if (newest) {
    const [major, minor] = newest.split('.').map(Number);
    for (let next = minor + 1; (await probeFrom(`${major}.${next}`, 0)) > 0; next++) {
      /* a new minor was found: look for the one after it too */
    }
  }
  return { proxy, releases: sortReleases(releases), listed: listed.size, probedFound: [...new Set(probedFound)] };
}

const minorOf = (v: string): string => v.split('.').slice(0, 2).join('.');
const patchOf = (v: string): number => Number(v.split('.')[2]);
const hasKnownMinor = (known: ReadonlySet<string>, minor: string): boolean =>
  [...known].some((v) => minorOf(v) === minor);

function sortReleases(rs: GoProxyRelease[]): GoProxyRelease[] {
  const unique = new Map(rs.map((r) => [r.version, r]));
  return [...unique.values()].sort(
    (a, b) => compareMinors(minorOf(a.version), minorOf(b.version)) || patchOf(a.version) - patchOf(b.version),
  );
}
