import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../../src/cli/index';
import { readLock } from '../../src/model/lock';
import { capture } from '../support/capture';

const repoLock = path.join(__dirname, '..', '..', 'stacks.lock.json');

// The docker stack of the 1.36 minor, named as the shipped lock versions it.
const docker136 = `docker-scs-1-36-${readLock(repoLock).stacks['docker-scs']['1.36'].version}`;

test('cskit synth writes every locked stack and reports them', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-cli-'));
  const out = capture(process.stdout);
  const code = await run(['synth', '-o', path.join(dir, 'dist'), '--lock', repoLock, '--strict']);
  out.restore();
  expect(code).toBe(0);
  expect(out.text()).toMatch(/openstack-scs-1-36-v\d+\/ \(Kubernetes v1\.36\.\d+, \d+ files\)/);
  expect(fs.readdirSync(path.join(dir, 'dist'))).toContain(docker136);
});

test('a lock whose hash no longer matches fails with --strict and writes nothing', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-cli-'));
  const lock = JSON.parse(fs.readFileSync(repoLock, 'utf8'));
  lock.stacks['docker-scs']['1.36'].hash = `sha256:${'1'.repeat(64)}`;
  fs.writeFileSync(path.join(dir, 'lock.json'), JSON.stringify(lock));
  const err = capture(process.stderr);
  const code = await run(['synth', '-o', path.join(dir, 'dist'), '--lock', path.join(dir, 'lock.json'), '--strict']);
  err.restore();
  expect(code).toBe(1);
  expect(err.text()).toMatch(
    new RegExp(`error: ${docker136}: content differs from the hash in stacks\\.lock\\.json; .*cskit bump`),
  );
  expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
});

test('a broken lock file is one clear line and exit 2 (bad input)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-cli-'));
  fs.writeFileSync(
    path.join(dir, 'lock.json'),
    '{"lockVersion": 1, "stacks": {"docker-scs": {"1.36": {"kubernetesVersion": "1.36"}}}}',
  );
  const err = capture(process.stderr);
  const code = await run(['synth', '-o', path.join(dir, 'dist'), '--lock', path.join(dir, 'lock.json')]);
  err.restore();
  expect(code).toBe(2);
  expect(err.text().trim().split('\n')).toHaveLength(1);
  expect(err.text()).toMatch(
    /^cskit: .*lock\.json: stacks\.docker-scs\["1\.36"\]\.kubernetesVersion: expecting a patch version/,
  );
});

test('a missing lock file, whatever its name, is one line and exit 2 (bad input, no unexpected error)', async () => {
  const err = capture(process.stderr);
  const code = await run(['synth', '--lock', path.join(os.tmpdir(), 'no-such-stacks.json')]);
  err.restore();
  expect(code).toBe(2);
  expect(err.text()).toMatch(
    /^cskit: .*no-such-stacks\.json: not found; run cskit from the project root or create it with `cskit bump`\n$/,
  );
});

test('an invalid --capi-api-version is a usage error', async () => {
  const err = capture(process.stderr);
  const code = await run(['synth', '--capi-api-version', 'v1alpha1']);
  err.restore();
  expect(code).toBe(2);
  expect(err.text()).toMatch(/Allowed choices are v1beta2, v1beta1/);
});
