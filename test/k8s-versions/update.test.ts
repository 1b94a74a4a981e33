import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { AddressInfo } from 'net';
import { CACHE_FILE, loadVersionData } from '../../src/k8s-versions/data';
import { UpdateError, updateVersionData } from '../../src/k8s-versions/update';

/** A local stand-in for the upstream sources, answering with upstream-shaped documents. */
function serve(routes: Record<string, unknown>, hits: string[] = []): Promise<{ base: string; close: () => void }> {
  const server = http.createServer((req, res) => {
    hits.push(req.url!);
    if (req.url === '/flaky' && hits.filter((h) => h === '/flaky').length < 2) {
      res.statusCode = 503;
      res.end();
      return;
    }
    const body = routes[req.url!];
    if (body === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve({ base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() });
    }),
  );
}

const routes = {
  '/releases': {
    releases: {
      '1.41.0': { date: '2026-12-01' },
      '1.41.1': { date: '2026-12-20' },
      '1.41.0-rc.1': { date: '2026-11-20' },
      '1.40.9': { date: '2026-12-20' },
    },
  },
  '/flaky': { releases: { '1.41.0': { date: '2026-12-01' } } },
  '/branches': [
    { cycle: '1.41', releaseDate: '2026-12-01', eol: '2028-02-28', support: '2027-12-28' },
    { cycle: '1.40', releaseDate: '2026-08-01', eol: '2027-10-28', support: false },
    { cycle: '1.39', releaseDate: '2026-04-01', eol: '2027-06-28' },
  ],
  '/feed': {
    version: 'https://jsonfeed.org/version/1.1',
    items: [{ id: 'CVE-2026-9999', url: 'x' }, { id: 'CVE-2026-1111' }, { id: 'not-a-cve' }],
  },
  '/cve/CVE-2026-9999': {
    cveMetadata: { cveId: 'CVE-2026-9999' },
    containers: {
      cna: {
        datePublic: '2026-12-21',
        metrics: [{ cvssV3_1: { version: '3.1', baseScore: 8.8 } }],
        affected: [
          {
            product: 'kube-apiserver',
            versions: [
              { version: '1.41.0', lessThan: '1.41.1' },
              { version: 'odd', status: 'affected' },
            ],
          },
        ],
      },
    },
  },
};

const tmpCache = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-cache-'));

test('update writes a loadable cache from the sources, skipping pre-releases and unreadable entries', async () => {
  const srv = await serve(routes);
  const dir = tmpCache();
  try {
    const r = await updateVersionData({
      cacheDir: dir,
      now: new Date('2026-12-22T10:00:00Z'),
      retries: 0,
      goproxy: 'off',
      sources: {
        releases: `${srv.base}/releases`,
        branches: `${srv.base}/branches`,
        cveFeed: `${srv.base}/feed`,
        cveRecord: `${srv.base}/cve/{id}`,
      },
    });
    // Merged with the previous (bundled) data: two new branches, three new patches.
    const bundled = loadVersionData({ bundledOnly: true });
    const bundledPatches = bundled.branches.reduce((n, b) => n + b.patches.length, 0);
    expect(r).toMatchObject({ dataAsOf: '2026-12-22', cvesKept: false, cves: 1 });
    expect([r.branches, r.patches]).toEqual([bundled.branches.length + 2, bundledPatches + 3]);
    expect(r.problems.join('\n')).toMatch(/CVE-2026-9999 affected\[0\]\.versions\[1\]: version "odd" is unreadable/);
    expect(r.problems.join('\n')).toMatch(/CVE-2026-1111: .*HTTP 404/);
    const data = loadVersionData({ cacheDir: dir });
    expect(data.origin).toBe(path.join(dir, CACHE_FILE));
    expect(data.branchByMinor.get('1.41')!.patches.map((p) => p.version)).toEqual(['1.41.0', '1.41.1']);
    expect(data.cves[0]).toMatchObject({ id: 'CVE-2026-9999', cvss: { score: 8.8 }, fixedIn: ['1.41.1'] });
  } finally {
    srv.close();
  }
});

test('a failing request is retried', async () => {
  const hits: string[] = [];
  const srv = await serve(routes, hits);
  try {
    await expect(
      updateVersionData({
        cacheDir: tmpCache(),
        retries: 2,
        goproxy: 'off',
        sources: {
          releases: `${srv.base}/flaky`,
          branches: `${srv.base}/branches`,
          cveFeed: `${srv.base}/feed`,
          cveRecord: `${srv.base}/cve/{id}`,
        },
      }),
    ).resolves.toMatchObject({ dataAsOf: expect.any(String) });
    expect(hits.filter((h) => h === '/flaky')).toHaveLength(2);
  } finally {
    srv.close();
  }
});

test('offline: a clear message, no cache written, the bundled data stays in use', async () => {
  const dir = tmpCache();
  const srv = await serve({});
  srv.close(); // nothing listens there any more
  const err = await updateVersionData({
    cacheDir: dir,
    retries: 1,
    timeoutMs: 2000,
    goproxy: `${srv.base}/goproxy`,
    sources: { releases: `${srv.base}/releases` },
  }).catch((e) => e);
  expect(err).toBeInstanceOf(UpdateError);
  expect(err.message).toMatch(/^no release source answered \(offline, or a firewall in the way\? a reachable GOPROXY/);
  expect(err.message).toMatch(/the previous data \(as of \d{4}-\d{2}-\d{2}, bundled\) stays in use/);
  expect(err.message).toMatch(/release-data: cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  expect(err.message).toMatch(/Go module proxy: .*\/goproxy\/k8s\.io\/kubernetes\/@v\/list: ECONNREFUSED/);
  expect(fs.readdirSync(dir)).toEqual([]);
  expect(loadVersionData({ cacheDir: dir }).origin).toBe('bundled');
});

test('a broken or older cache is never fatal', () => {
  const dir = tmpCache();
  fs.writeFileSync(path.join(dir, CACHE_FILE), '{"schema": "nope"');
  const d = loadVersionData({ cacheDir: dir });
  expect(d.origin).toBe('bundled');
  expect(d.warnings[0]).toMatch(/ignoring .*k8s-versions\.json: .*run `cskit versions update` again or delete it/);
  const bundled = loadVersionData({ bundledOnly: true });
  fs.writeFileSync(path.join(dir, CACHE_FILE), JSON.stringify({ ...bundled.file, dataAsOf: '2020-01-01' }));
  expect(loadVersionData({ cacheDir: dir }).origin).toBe('bundled');
});
