// `versions --check` takes only what the one version parser accepts; anything else is a usage error (exit 2).

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../support/cli';

beforeAll(() => {
  process.env.CSKIT_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-nocache-'));
});

test.each([
  ['', 'it is empty'],
  ['v01.036.004', 'major "01" has a leading zero'],
  ['v1.36.123456789012345678901', 'is larger than'],
  [`1.36.${'9'.repeat(400)}`, 'longer than 128 characters'],
  ['1.36', 'expecting three numbers'],
  ['v1.36.4 ', 'after PATCH'],
])('versions --check %j is a usage error: %s', async (bad, why) => {
  const r = await runCli(['versions', '--check', bad, '--at', '2026-09-01']);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^cskit: --check: ".*" is not a Kubernetes version: /);
  expect(r.stderr).toContain(why);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
});

test.each([
  ['v1.36.4-gke.100', 0, 'PASS'],
  ['v1.36.0-rc.1', 1, 'FAIL'],
])(
  'versions --check %s (a vendor or pre-release build) is judged as its release: exit %d',
  async (v, code, verdict) => {
    const r = await runCli(['versions', '--check', v, '--at', '2026-09-01']);
    expect(r.code).toBe(code);
    expect(r.stdout).toMatch(new RegExp(`^${v.replace(/[.+]/g, '\\$&')}: ${verdict}`));
  },
);
