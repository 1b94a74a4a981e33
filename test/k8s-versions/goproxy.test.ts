/**
 * The Go module proxy source against a local HTTP server speaking the GOPROXY protocol (never the real internet):
 * GOPROXY lists and fallbacks, partial lists, and every bad answer (garbage, 404/410, timeout) as a clear error.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { AddressInfo } from 'net';
import { CACHE_FILE, loadVersionData } from '../../src/k8s-versions/data';
import { GoProxyError, fetchGoProxyReleases, parseGoproxy } from '../../src/k8s-versions/goproxy';
import { UpdateError, updateVersionData } from '../../src/k8s-versions/update';

type Route = string | number | 'hang';

/** A Go module proxy for k8s.io/kubernetes: `list` is the @v/list body, `infos` the dated versions it serves. */
function proxy(opts: { list?: Route; infos?: Record<string, string>; info?: Record<string, Route> }) {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url!);
    const m = /^\/k8s\.io\/kubernetes\/@v\/(list|(v[^/]+)\.info)$/.exec(req.url!);
    let route: Route | undefined;
    if (m?.[1] === 'list') route = opts.list ?? Object.keys(opts.infos ?? {}).join('\n');
    else if (m?.[2]) {
      route = opts.info?.[m[2]];
      const t = opts.infos?.[m[2]];
      if (route === undefined && t) route = JSON.stringify({ Version: m[2], Time: `${t}T12:00:00Z` });
    }
    if (route === 'hang') return; // never answers
    if (route === undefined || typeof route === 'number') {
      res.statusCode = typeof route === 'number' ? route : 404;
      res.end('not found');
      return;
    }
    res.end(route);
  });
  return new Promise<{ url: string; hits: string[]; close: () => void }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        hits,
        close: () => {
          server.closeAllConnections();
          server.close();
        },
      }),
    ),
  );
}

const infos = {
  'v1.36.4': '2026-08-20',
  'v1.36.5': '2026-09-23',
  'v1.37.0': '2026-08-26',
  'v1.37.1': '2026-09-23',
  'v1.37.2': '2026-10-27',
};

test('parseGoproxy follows the go command: comma and pipe lists, off and direct end the proxies', () => {
  expect(parseGoproxy('https://a.example,https://b.example|https://c.example,direct')).toEqual({
    proxies: [
      { url: 'https://a.example', fallBackOnAnyError: false },
      { url: 'https://b.example', fallBackOnAnyError: true },
      { url: 'https://c.example', fallBackOnAnyError: false },
    ],
    stop: 'direct',
  });
  expect(parseGoproxy('off')).toEqual({ proxies: [], stop: 'off' });
  expect(parseGoproxy(undefined).proxies[0].url).toBe('https://proxy.golang.org');
  expect(() => parseGoproxy('proxy.example')).toThrow(/GOPROXY entry "proxy.example" is not an http\(s\) URL/);
});

test('a partial list is completed by .info: gaps below listed patches, later patches and minors', async () => {
  // The list names only v1.37.2 and v1.36.4; the proxy serves more.
  const p = await proxy({ list: 'v1.36.4\nv1.37.2\nv1.38.0-beta.0\n', infos });
  try {
    const r = await fetchGoProxyReleases({
      goproxy: p.url,
      known: new Set(['1.36.4']),
      activeMinors: ['1.36'],
      oldestMinor: '1.36',
      timeoutMs: 2000,
    });
    expect(r.releases).toEqual([
      { version: '1.36.5', date: '2026-09-23' },
      { version: '1.37.0', date: '2026-08-26' },
      { version: '1.37.1', date: '2026-09-23' },
      { version: '1.37.2', date: '2026-10-27' },
    ]);
    expect(r.probedFound.sort()).toEqual(['1.36.5', '1.37.0', '1.37.1']);
    expect(p.hits).toContain('/k8s.io/kubernetes/@v/v1.38.0.info'); // a new minor is looked for, and absent
    expect(p.hits).not.toContain('/k8s.io/kubernetes/@v/v1.36.4.info'); // known versions are not asked again
  } finally {
    p.close();
  }
});

test('an empty list still finds the patches and minors after the known ones; alone it is an error', async () => {
  const p = await proxy({ list: '', infos });
  try {
    const r = await fetchGoProxyReleases({
      goproxy: p.url,
      known: new Set(['1.36.4']),
      activeMinors: ['1.36'],
      timeoutMs: 2000,
    });
    expect(r.releases.map((x) => x.version)).toEqual(['1.36.5', '1.37.0', '1.37.1', '1.37.2']);
    const err = await fetchGoProxyReleases({ goproxy: p.url, timeoutMs: 2000 }).catch((e) => e);
    expect(err.message).toMatch(/@v\/list: lists no Kubernetes release/);
  } finally {
    p.close();
  }
});

test.each([
  [
    'garbage in the list',
    { list: '<html>Oops</html>' },
    /@v\/list: not a Go module version list \(line 1: "<html>Oops<\/html>"\)/,
  ],
  ['a list entry cut off', { list: 'v1.37.2\nv1.37.' }, /line 2: "v1\.37\."/],
  ['404', { list: 404 }, /@v\/list: HTTP 404/],
  ['410', { list: 410 }, /@v\/list: HTTP 410/],
  ['a timeout', { list: 'hang' as Route }, /@v\/list: no answer within 300 ms/],
  [
    'garbage .info',
    { list: 'v1.37.2', info: { 'v1.37.2': '{"Version": "v1.37.2"}' } },
    /v1\.37\.2\.info: no valid "Time"/,
  ],
  [
    'an .info for another version',
    { list: 'v1.37.2', info: { 'v1.37.2': '{"Version":"v1.37.9","Time":"x"}' } },
    /answered for version "v1\.37\.9", not v1\.37\.2/,
  ],
  [
    'a listed version not served',
    { list: 'v1.37.2', info: { 'v1.37.2': 404 } },
    /v1\.37\.2\.info: listed but not served/,
  ],
])('%s: a GoProxyError naming the URL', async (_what, routes, message) => {
  const p = await proxy(routes as Parameters<typeof proxy>[0]);
  try {
    const err = await fetchGoProxyReleases({ goproxy: p.url, timeoutMs: 300 }).catch((e) => e);
    expect(err).toBeInstanceOf(GoProxyError);
    expect(err.message).toContain(p.url);
    expect(err.message).toMatch(message);
  } finally {
    p.close();
  }
});

test('GOPROXY fallback: after "," only on 404/410, after "|" on any error', async () => {
  const gone = await proxy({ list: 410 });
  const broken = await proxy({ list: 500 });
  const good = await proxy({ infos });
  try {
    const viaComma = await fetchGoProxyReleases({ goproxy: `${gone.url},${good.url}`, timeoutMs: 2000 });
    expect(viaComma.proxy).toBe(good.url);
    const viaPipe = await fetchGoProxyReleases({ goproxy: `${broken.url}|${good.url}`, timeoutMs: 2000 });
    expect(viaPipe.proxy).toBe(good.url);
    const err = await fetchGoProxyReleases({ goproxy: `${broken.url},${good.url}`, timeoutMs: 2000 }).catch((e) => e);
    expect(err.message).toMatch(/HTTP 500/);
    const off = await fetchGoProxyReleases({ goproxy: 'off' }).catch((e) => e);
    expect(off.message).toMatch(/GOPROXY names no proxy before "off"/);
  } finally {
    for (const p of [gone, broken, good]) p.close();
  }
});

const tmpCache = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-cache-'));
/** Upstream hosts that refuse connections at once (a port nobody listens on any more): only the Go proxy answers. */
let unreachable: { releases: string; branches: string; cveFeed: string; cveRecord: string };
beforeAll(async () => {
  const gone = await proxy({});
  gone.close();
  const u = gone.url;
  unreachable = {
    releases: `${u}/releases`,
    branches: `${u}/branches`,
    cveFeed: `${u}/feed`,
    cveRecord: `${u}/cve/{id}`,
  };
});

test('update with only a Go proxy: releases refreshed, EOL estimated, CVE data kept as it was', async () => {
  // A release newer than the bundled data, listed by the proxy.
  const p = await proxy({ list: 'v1.37.3', infos: { ...infos, 'v1.37.3': '2026-11-20' } });
  const dir = tmpCache();
  const log: string[] = [];
  try {
    const r = await updateVersionData({
      cacheDir: dir,
      goproxy: p.url,
      sources: unreachable,
      retries: 0,
      timeoutMs: 2000,
      now: new Date('2026-11-29T10:00:00Z'),
      log: (l) => log.push(l),
    });
    const bundled = loadVersionData({ bundledOnly: true });
    expect(r).toMatchObject({ dataAsOf: '2026-11-29', cvesKept: true, cvesAsOf: bundled.file.cvesAsOf });
    expect(log.join('\n')).toMatch(
      /CVE data stayed as it was \(as of 2026-08-21\): cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );
    expect(log.join('\n')).toMatch(/releases: release-data unavailable/);
    const data = loadVersionData({ cacheDir: dir });
    expect(data.origin).toBe(path.join(dir, CACHE_FILE));
    expect(data.cves).toEqual(bundled.cves);
    expect(data.cvesAsOf.toISOString().slice(0, 10)).toBe('2026-08-21');
    const b137 = data.branchByMinor.get('1.37')!;
    expect(b137.patches.at(-1)).toMatchObject({ version: '1.37.3', source: 'go-proxy' });
    expect(log.join('\n')).toMatch(/releases: Go module proxy http:\/\/127\.0\.0\.1:\d+: 1 new \(1\.37\.3\)/);
    expect(b137.endOfLifeEstimated).toBe(true);
  } finally {
    p.close();
  }
});

test('versions update when every release source fails: a message naming each, no cache written', async () => {
  const p = await proxy({ list: 'v1.37.2\n<garbage>' });
  const dir = tmpCache();
  try {
    const err = await updateVersionData({
      cacheDir: dir,
      goproxy: p.url,
      sources: unreachable,
      retries: 0,
      timeoutMs: 2000,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(UpdateError);
    expect(err.message).toMatch(
      /no release source answered .*the previous data \(as of \d{4}-\d{2}-\d{2}, bundled\) stays in use/,
    );
    expect(err.message).toMatch(/Go module proxy: .*@v\/list: not a Go module version list \(line 2: "<garbage>"\)/);
    expect(fs.readdirSync(dir)).toEqual([]);
  } finally {
    p.close();
  }
});
