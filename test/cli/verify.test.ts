import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseLock } from '../../src/model/lock';
import { synthesize, writeStacks } from '../../src/synth/synth';
import { runCli } from '../support/cli';
import { parseXml } from '../verify/static/xml';
import { definitions } from '../../classes';

const root = path.join(__dirname, '..', '..');
const repoLock = path.join(root, 'stacks.lock.json');
const fixtures = path.join(root, 'test', 'fixtures', 'verify');
// our own stacks, as `npx cdk8s synth` writes them to dist/
const dist = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-verify-cli-')), 'dist');
writeStacks(synthesize(parseLock(fs.readFileSync(repoLock, 'utf8')), definitions).stacks, dist);
const openstack = fs
  .readdirSync(dist)
  .filter((d) => d.startsWith('openstack-'))
  .map((d) => path.join(dist, d));

const cskit = (...args: string[]) => runCli(args);

test('our OpenStack stacks pass, lock included, in the documented JSON form', async () => {
  const r = await cskit('verify', ...openstack, '--at', '2026-11-29', '--lock', repoLock, '-o', 'json');
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout);
  expect(report).toMatchObject({
    schemaVersion: 1,
    at: '2026-11-29',
    strict: false,
    result: 'PASS',
    errors: 0,
    warnings: 1,
  });
  // The one warning is true: only the CVE data is old (2026-08-21); the release data is of 2026-11-29.
  expect(report.findings.filter((f: { severity: string }) => f.severity === 'warning')).toEqual([
    expect.objectContaining({
      rule: 'scs-0210/data-stale',
      message: expect.stringMatching(/^CVE data is as of 2026-08-21/),
    }),
  ]);
  expect(report.stacks).toEqual(openstack.map((p) => path.basename(p)));
  for (const f of report.findings)
    expect(Object.keys(f)).toEqual(expect.arrayContaining(['rule', 'severity', 'stack', 'message']));
});

test('a changed released stack fails lock/immutable against the lock; --no-lock skips the check', async () => {
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-verify-cli-')), path.basename(openstack[0]));
  fs.cpSync(openstack[0], copy, { recursive: true });
  const cc = path.join(copy, 'cluster-class.yaml');
  fs.writeFileSync(cc, fs.readFileSync(cc, 'utf8').replace('default: SCS-4V-8', 'default: SCS-8V-16'));
  const r = await cskit('verify', copy, '--lock', repoLock, '--rules', 'capi/,lock/');
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(
    new RegExp(
      /ERROR lock\/immutable: openstack-scs-1-3\d-v\d+ is recorded in .*stacks\.lock\.json with sha256:[0-9a-f]{64} /
        .source +
        /but its content hashes to sha256:[0-9a-f]{64}.*fix: never change a released stack: run `cskit bump`/.source,
    ),
  );
  expect((await cskit('verify', copy, '--no-lock', '--rules', 'capi/,lock/')).code).toBe(0);
  // a rule that did not run is not reported as a passed testcase
  const junit = parseXml((await cskit('verify', copy, '--no-lock', '--rules', 'lock/', '-o', 'junit')).stdout);
  const names = Array.from(junit.getElementsByTagName('testcase')).map((c) => c.getAttribute('name'));
  expect(names).toContain('lock/class-name-unique');
  expect(names).not.toContain('lock/immutable');
});

test('-o junit on a fixture: its rule fails, every other rule passes, exit 1', async () => {
  const r = await cskit(
    'verify',
    path.join(fixtures, 'capi-patch-op--move'),
    '-o',
    'junit',
    '--rules',
    'capi/,scs-0211/',
  );
  expect(r.code).toBe(1);
  const doc = parseXml(r.stdout);
  const all = Array.from(doc.getElementsByTagName('testcase'));
  const cases = all.filter((c) => c.getAttribute('classname') !== '(standards)');
  expect(cases.length).toBeGreaterThan(25);
  // the standards' verdicts: scs-0210 left out by --rules, scs-0211 passed with its evidence
  const standards = all.filter((c) => c.getAttribute('classname') === '(standards)');
  expect(standards.map((c) => [c.getAttribute('name'), c.getElementsByTagName('skipped').length])).toEqual([
    ['scs-0210-v2 version-policy-check', 1],
    ['scs-0211-v1 default-storage-class-check', 0],
  ]);
  expect(cases.filter((c) => c.getElementsByTagName('failure').length).map((c) => c.getAttribute('name'))).toEqual([
    'capi/patch-op',
  ]);
  expect(cases.every((c) => /^(capi|scs-0211)\//.test(c.getAttribute('name')!))).toBe(true);
});

test('a warning fails only with --strict (table and junit)', async () => {
  const dir = path.join(fixtures, 'scs-0211-unknown-provisioner--vendor-driver');
  const loose = await cskit('verify', dir, '--rules', 'scs-0211/');
  expect(loose.code).toBe(0);
  expect(loose.stdout).toMatch(
    /WARN {2}scs-0211\/unknown-provisioner: block\.csi\.example\.com is not known as network-backed .*; fix: /,
  );
  expect((await cskit('verify', dir, '--rules', 'scs-0211/', '--strict')).code).toBe(1);
  const strict = await cskit('verify', dir, '--rules', 'scs-0211/', '--strict', '-o', 'junit');
  expect(parseXml(strict.stdout).getElementsByTagName('failure')[0].getAttribute('type')).toBe('warning');
});

test('a lock file that is missing or broken is one clear line, not a stack trace', async () => {
  const missing = await cskit('verify', path.join(fixtures, 'clean'), '--lock', path.join(fixtures, 'nope.json'));
  expect(missing.code).toBe(2);
  expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  expect(missing.stderr).toMatch(
    /--lock .*nope\.json: no such file; give the path of a stacks\.lock\.json, or --no-lock/,
  );
  const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-verify-cli-')), 'lock.json');
  fs.writeFileSync(bad, '{"lockVersion": 2}');
  const broken = await cskit('verify', path.join(fixtures, 'clean'), '--lock', bad);
  expect(broken.code).toBe(2);
  expect(broken.stderr).toMatch(/lock\.json: lockVersion: expecting 1/);
});

test('a missing path says how to get one', async () => {
  const cwd = process.cwd();
  process.chdir(fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-verify-cli-')));
  try {
    const r = await cskit('verify');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cskit: verify: dist: no such file or directory; .*npx cdk8s synth/);
  } finally {
    process.chdir(cwd);
  }
});

test('YAML without any Kubernetes object is an input error naming the file, not a list of rule findings', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-verify-noobj-')), 'values.yaml');
  fs.writeFileSync(file, 'replicas: 3\nimage: nginx\n');
  const r = await cskit('verify', file);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/values\.yaml; pass rendered manifests or a stack folder\n$/);
  expect(r.stdout).toBe('');
});
