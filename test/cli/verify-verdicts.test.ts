// Issue 14/15: a standard's verdict needs the evidence of rules that ran, in every output format, and a --rules
// prefix that selects nothing is a usage error, not an empty PASS.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../support/cli';
import { parseXml } from '../verify/static/xml';

const fixtures = path.join(__dirname, '..', 'fixtures', 'verify');
const clean = path.join(fixtures, 'clean');
const cskit = (...args: string[]) => runCli(args);

/** A stack folder with only its class and metadata: no addon, so no StorageClass at all. */
function classOnly(): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-verdict-')), 'fixture-mini-1-36-v1');
  fs.mkdirSync(dir);
  for (const f of ['cluster-class.yaml', 'metadata.yaml']) fs.copyFileSync(path.join(clean, f), path.join(dir, f));
  return dir;
}

describe('a stack folder without any StorageClass fails scs-0211 in every format', () => {
  const dir = classOnly();
  test('scs', async () => {
    const r = await cskit('verify', dir, '--no-lock', '-o', 'scs');
    expect(r.stdout).toMatch(/^default-storage-class-check: FAIL \(scs-0211-v1: scs-0211\/default-count\)$/m);
    expect(r.code).toBe(1);
  });
  test('table', async () => {
    const r = await cskit('verify', dir, '--no-lock');
    expect(r.stdout).toMatch(/ERROR scs-0211\/default-count: the stack ships no StorageClass/);
    expect(r.stdout).toMatch(/^scs-0211-v1 default-storage-class-check: FAIL \(scs-0211\/default-count\)$/m);
    expect(r.code).toBe(1);
  });
  test('json', async () => {
    const r = await cskit('verify', dir, '--no-lock', '-o', 'json');
    const s = JSON.parse(r.stdout).standards.find((x: { standard: string }) => x.standard === 'scs-0211');
    expect(s).toMatchObject({ version: 'v1', check: 'default-storage-class-check', verdict: 'FAIL' });
  });
  test('junit', async () => {
    const doc = parseXml((await cskit('verify', dir, '--no-lock', '-o', 'junit')).stdout);
    const tc = Array.from(doc.getElementsByTagName('testcase')).find(
      (c) => c.getAttribute('name') === 'scs-0211-v1 default-storage-class-check',
    )!;
    expect(tc.getElementsByTagName('failure')).toHaveLength(1);
  });
});

describe('--rules that leave a standard out say NOT CHECKED for it, never PASS', () => {
  test('scs, table, json and junit agree', async () => {
    const scs = await cskit('verify', clean, '--rules', 'scs-0211/', '-o', 'scs');
    expect(scs.stdout).toMatch(
      /^version-policy-check: NOT CHECKED \(scs-0210-v2: --rules left out all of its rules\)$/m,
    );
    expect(scs.stdout).toMatch(/^default-storage-class-check: PASS \(scs-0211-v1\)$/m);
    expect(scs.code).toBe(0);
    const table = await cskit('verify', clean, '--rules', 'scs-0211/');
    expect(table.stdout).toMatch(/^scs-0210-v2 version-policy-check: NOT CHECKED/m);
    const json = JSON.parse((await cskit('verify', clean, '--rules', 'scs-0211/', '-o', 'json')).stdout);
    expect(json.standards.map((s: { verdict: string }) => s.verdict)).toEqual(['NOT CHECKED', 'PASS']);
    const doc = parseXml((await cskit('verify', clean, '--rules', 'scs-0211/', '-o', 'junit')).stdout);
    const tc = Array.from(doc.getElementsByTagName('testcase')).find(
      (c) => c.getAttribute('name') === 'scs-0210-v2 version-policy-check',
    )!;
    expect(tc.getElementsByTagName('skipped')).toHaveLength(1);
  });
  test('part of a standard is not the standard: --rules scs-0211/rwo gives NOT CHECKED for scs-0211', async () => {
    const r = await cskit('verify', clean, '--rules', 'scs-0211/rwo', '-o', 'scs');
    expect(r.stdout).toMatch(/^default-storage-class-check: NOT CHECKED \(scs-0211-v1: --rules left out scs-0211\//m);
  });
});

test('an unknown --rules prefix is a usage error listing the known families', async () => {
  for (const bad of ['nosuch/', 'scs-211/']) {
    const r = await cskit('verify', clean, '--rules', bad);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/selects no rule; known prefixes: schema\/, capi\/, lock\/, scs-0211\/, scs-0210\//);
  }
});

test('an unknown --scs-0211 version is a usage error', async () => {
  const r = await cskit('verify', clean, '--scs-0211', 'v3');
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--scs-0211 <version>' argument 'v3' is invalid. Allowed choices are v1, v2/);
});

test('JUnit: class rules on a stack without any ClusterClass are skipped (not checked), not passed', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-verdict-')), 'addon.yaml');
  fs.copyFileSync(path.join(clean, 'addons', '01-storage.yaml'), file);
  const doc = parseXml((await cskit('verify', file, '--rules', 'capi/,scs-0211/', '-o', 'junit')).stdout);
  const cases = Array.from(doc.getElementsByTagName('testcase'));
  const patchOp = cases.find((c) => c.getAttribute('name') === 'capi/patch-op')!;
  expect(patchOp.getElementsByTagName('skipped')[0].getAttribute('message')).toBe(
    'not checked: no ClusterClass in the stack',
  );
  // the storage rules had their evidence there: not skipped
  const count = cases.find((c) => c.getAttribute('name') === 'scs-0211/default-count')!;
  expect(count.getElementsByTagName('skipped')).toHaveLength(0);
});
