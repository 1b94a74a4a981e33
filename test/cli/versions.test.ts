import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../support/cli';
import { readLock } from '../../src/model/lock';

beforeAll(() => {
  process.env.CSKIT_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-nocache-'));
});

test('versions --at 2026-09-01 lists supported branches, what to offer and deadlines', async () => {
  const r = await runCli(['versions', '--at', '2026-09-01']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^1\.36 +2026-04-22 +2027-06-28 +yes +1\.36\.4 +2026-08-20 +release-data +2026-09-20/m);
  expect(r.stdout).toContain('To offer now: 1.34.11, 1.35.8, 1.36.4, 1.37.0');
  expect(r.stdout).toMatch(/CVE-2024-10220 \(8\.1/);
});

test('versions -o json is machine-readable', async () => {
  const r = await runCli(['versions', '--at', '2026-09-01', '-o', 'json']);
  const j = JSON.parse(r.stdout);
  expect(j.recommended.map((v: { version: string }) => v.version)).toEqual(['1.34.11', '1.35.8', '1.36.4', '1.37.0']);
  expect([j.dataAsOf, j.cvesAsOf]).toEqual(['2026-11-29', '2026-08-21']);
  expect(j.branches.find((b: { minor: string }) => b.minor === '1.37')).toMatchObject({
    endOfLife: '2027-10-28',
    endOfLifeEstimated: true,
    latestPatchSource: 'go-proxy',
  });
});

test('versions at today lists 1.37 with its source, an estimated end of life and the data dates', async () => {
  const r = await runCli(['versions', '--at', '2026-11-29']);
  expect(r.stdout).toContain('data as of 2026-11-29, CVE data as of 2026-08-21');
  expect(r.stdout).toMatch(/^1\.37 +2026-08-26 +~2027-10-28 +yes +1\.37\.2 +2026-10-27 +go-proxy /m);
  expect(r.stdout).toMatch(/WARN +CVE data is as of 2026-08-21, 100 days before 2026-11-29 \(release data is current/);
});

test.each([
  ['v1.36.4+k3s1', 0, /v1\.36\.4\+k3s1: PASS/],
  ['v1.36.2', 1, /FAIL +1\.36\.2 is outdated: 1\.36\.3 was released on 2026-07-22/],
])('versions --check %s exits %d', async (v, code, out) => {
  const r = await runCli(['versions', '--check', v, '--at', '2026-09-01']);
  expect(r.code).toBe(code);
  expect(r.stdout).toMatch(out);
});

test('an invalid --at is one line naming the option and the format', async () => {
  const r = await runCli(['versions', '--at', '2026-13-01']);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe('cskit: --at: invalid date "2026-13-01", expecting YYYY-MM-DD such as 2026-09-01\n');
});

test('bump of the August lock at 2026-11-29 drops EOL 1.34, moves 1.36, adds 1.37: the shipped lock', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-bump-'));
  const file = path.join(dir, 'stacks.lock.json');
  fs.copyFileSync(path.join(__dirname, '..', 'fixtures', 'locks', 'stacks-2026-08.lock.json'), file);
  const dry = await runCli(['bump', '--at', '2026-11-29', '--lock', file, '--dry-run']);
  expect(dry.stdout).toMatch(/openstack-scs 1\.34: - 1\.34\.11 v1: branch 1\.34 reached end of life on 2026-10-27/);
  expect(dry.stdout).toMatch(/openstack-scs 1\.36: 1\.36\.4 v1 -> 1\.36\.5 v2: 1\.36\.5 released 2026-09-23/);
  expect(dry.stdout).toMatch(/openstack-scs 1\.37: \+ 1\.37\.2 v1: branch 1\.37 is supported until ~2027-10-28/);
  expect(dry.stdout).toContain('dry run');
  expect(Object.keys(readLock(file).stacks['openstack-scs'])).toContain('1.34');
  const real = await runCli(['bump', '--at', '2026-11-29', '--lock', file]);
  expect(real.code).toBe(0);
  // Same minors, patches and content as the shipped lock; the shipped one has counted more vN since (content changed
  // after the November bump: CAPD Dev* templates, the addon bundle of issue 11), each a new version, no new patch.
  const strip = (l: ReturnType<typeof readLock>) =>
    Object.fromEntries(
      Object.entries(l.stacks).map(([id, ms]) => [
        id,
        Object.fromEntries(
          Object.entries(ms).map(([m, e]) => [m, { kubernetesVersion: e.kubernetesVersion, hash: e.hash }]),
        ),
      ]),
    );
  expect(strip(readLock(file))).toEqual(strip(readLock(path.join(__dirname, '..', '..', 'stacks.lock.json'))));
  const again = await runCli(['bump', '--at', '2026-11-29', '--lock', file]);
  expect(again.stdout).toContain('is up to date');
});

test('versions update --timeout takes a duration; a bad one is a usage error before any request', async () => {
  const r = await runCli(['versions', 'update', '--timeout', 'soon']);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(
    'cskit: --timeout: invalid duration "soon": expecting a number with a unit (ms, s, m, h) ' +
      'such as 90s, 5m or 1h30m, or whole seconds such as 300\n',
  );
});
