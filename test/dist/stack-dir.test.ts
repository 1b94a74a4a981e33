import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadInputs } from '../../src/apply/manifests';
import { parseAddonIndex } from '../../src/dist/addon-index';
import { isStackDir, listStacks, stackDirIn } from '../../src/dist/layout';
import { readStackDir } from '../../src/dist/stack-dir';
import { parseLock } from '../../src/model/lock';
import { synthesize, writeStacks } from '../../src/synth/synth';
import { loadStacks } from '../../src/verify/static/load';
import { runCli } from '../support/cli';
import { definitions } from '../../classes';

const root = path.join(__dirname, '..', '..');
const fixtures = path.join(root, 'test', 'fixtures', 'addons');
let tmp: string;
let dist: string;
let stack: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-stack-dir-'));
  dist = path.join(tmp, 'dist');
  writeStacks(
    synthesize(parseLock(fs.readFileSync(path.join(root, 'stacks.lock.json'), 'utf8')), definitions).stacks,
    dist,
  );
  stack = listStacks(dist).find((s) => s.startsWith('openstack-scs-1-36-'))!;
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of our synthesized openstack stack in its own dist folder, changed by `edit`. */
function brokenDist(name: string, edit: (dir: string) => void): string {
  const d = path.join(tmp, name);
  fs.cpSync(path.join(dist, stack), path.join(d, stack), { recursive: true });
  edit(path.join(d, stack));
  return d;
}

const cluster = () => {
  const f = path.join(tmp, 'cluster.yaml');
  fs.writeFileSync(
    f,
    fs.readFileSync(path.join(fixtures, 'cluster.yaml'), 'utf8').replace('openstack-scs-1-36-v1', stack),
  );
  return f;
};

const editIndex = (dir: string, fn: (text: string) => string) =>
  fs.writeFileSync(path.join(dir, 'addons.yaml'), fn(fs.readFileSync(path.join(dir, 'addons.yaml'), 'utf8')));

describe('readStackDir', () => {
  test('reads our synthesized stack: metadata, the index and every object, each file once', () => {
    const s = readStackDir(path.join(dist, stack));
    expect(s.name).toBe(stack);
    expect(s.metadata.versions?.clusterStack).toMatch(/^v\d+$/);
    expect(s.addonIndex?.addons.map((a) => a.name)).toEqual([
      'cilium',
      'openstack-ccm',
      'cinder-csi',
      'metrics-server',
    ]);
    expect(s.files.map((f) => f.path)).toEqual(expect.arrayContaining(['cluster-class.yaml', 'metadata.yaml']));
    expect(s.objects.filter((o) => o.obj.kind === 'ClusterClass').map((o) => o.path)).toEqual(['cluster-class.yaml']);
    expect(s.objects.some((o) => o.path === 'addons.yaml' || o.path === 'metadata.yaml')).toBe(false);
  });

  test('a stack folder is a folder with metadata.yaml, for every reader', () => {
    expect(isStackDir(path.join(dist, stack))).toBe(true);
    expect(isStackDir(dist)).toBe(false);
    expect(isStackDir(path.join(dist, stack, 'metadata.yaml'))).toBe(false);
  });
});

describe('paths from input files stay inside their folder', () => {
  test.each([
    ['a relative path out of the folder', '../../../../etc/hostname', /leaves its folder/],
    ['an absolute path', '/etc/hostname', /is absolute/],
    ['a file outside addons/', 'cluster-class.yaml', /is not a YAML file in addons\//],
  ])('addons.yaml naming %s is an error naming the file and field, nothing rendered', async (what, target, why) => {
    const d = brokenDist(`escape-${what.replace(/\W/g, '')}`, (dir) =>
      editIndex(dir, (t) => t.replace(/file: addons\/01-cilium\.yaml/, `file: ${target}`)),
    );
    const out = path.join(tmp, `out-${what.replace(/\W/g, '')}`);
    for (const args of [
      ['addons', 'list', stack, '--dist', d],
      ['addons', 'render', stack, '--dist', d, '--cluster', cluster(), '-o', out],
    ]) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(`addons\\.yaml: .*addons\\[0\\]\\.file: "${target.replace(/[./]/g, '\\$&')}" `),
      );
      expect(r.stderr).toMatch(why);
      expect(r.stderr).not.toContain('unexpected error');
    }
    expect(fs.existsSync(out)).toBe(false);
  });

  test('an addon name that is a path is refused (it names an output file of addons render)', () => {
    const d = brokenDist('name-path', (dir) => editIndex(dir, (t) => t.replace('name: cilium', 'name: ../../x')));
    expect(() => readStackDir(path.join(d, stack))).toThrow(/addons\[0\]\.name: expecting a DNS label/);
  });

  test('a symbolic link out of the stack folder is refused, not followed', () => {
    const d = brokenDist('symlink', (dir) => {
      fs.rmSync(path.join(dir, 'addons', '01-cilium.yaml'));
      fs.symlinkSync('/etc/hostname', path.join(dir, 'addons', '01-cilium.yaml'));
    });
    expect(() => readStackDir(path.join(d, stack))).toThrow(/01-cilium\.yaml: a symbolic link to .*outside the stack/);
  });

  test('a stack name that is a path is refused', () => {
    expect(() => stackDirIn(dist, `../${path.basename(dist)}/${stack}`)).toThrow(/invalid stack name .*not a path/);
    expect(() => stackDirIn(dist, '..')).toThrow(/invalid stack name/);
  });
});

describe('metadata.yaml is checked by every reader', () => {
  test.each([
    ['a list', '- apiVersion: x\n- versions: {}\n', /metadata\.yaml: expecting one mapping .*found a list/],
    ['a string', 'just text\n', /metadata\.yaml: expecting one mapping .*found the string "just text"/],
    ['two documents', 'a: 1\n---\nb: 2\n', /metadata\.yaml: expecting one mapping .*found 2 documents/],
    ['versions as a list', 'versions: [1]\n', /metadata\.yaml: versions: expecting a mapping/],
  ])('metadata.yaml that is %s is an error naming it (verify, apply, addons)', async (what, text, message) => {
    const d = brokenDist(`meta-${what.replace(/\W/g, '')}`, (dir) =>
      fs.writeFileSync(path.join(dir, 'metadata.yaml'), text),
    );
    expect(() => loadStacks([path.join(d, stack)])).toThrow(message);
    expect(() => loadInputs([path.join(d, stack)])).toThrow(message);
    const r = await runCli(['verify', d, '--no-lock']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    const list = await runCli(['addons', 'list', stack, '--dist', d]);
    expect(list.code).toBe(2);
    expect(list.stderr).toMatch(message);
  });
});

describe('every reader states the size limit of its kind of input', () => {
  const big = (mib: number) => `# ${'x'.repeat(mib * 1024 * 1024)}\n`;
  test.each([
    ['metadata.yaml', 1, 'metadata.yaml'],
    ['addons.yaml', 4, 'addon index'],
  ])('an oversized %s: exit 2 naming the file and the %s MiB limit', async (file, mib, what) => {
    const d = brokenDist(`big-${file}`, (dir) => fs.appendFileSync(path.join(dir, file), big(mib)));
    const r = await runCli(['addons', 'list', stack, '--dist', d]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`${file.replace('.', '\\.')}: .* larger than the ${mib} MiB cskit reads for a ${what}`),
    );
  });

  test('an oversized Cluster file and lock file', async () => {
    const c = path.join(tmp, 'big-cluster.yaml');
    fs.writeFileSync(c, fs.readFileSync(cluster(), 'utf8') + big(1));
    let r = await runCli(['addons', 'render', stack, '--dist', dist, '--cluster', c]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/big-cluster\.yaml: .* larger than the 1 MiB cskit reads for a Cluster file/);
    const lock = path.join(tmp, 'big.lock.json');
    fs.writeFileSync(lock, `${fs.readFileSync(path.join(root, 'stacks.lock.json'), 'utf8')}${' '.repeat(4 << 20)}`);
    r = await runCli(['verify', path.join(dist, stack), '--lock', lock]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/big\.lock\.json: .* larger than the 4 MiB cskit reads for a lock file/);
  });
});

describe('broken addon indexes', () => {
  test.each([
    ['invalid YAML', () => 'addons: [\n', /addons\.yaml:2:1: /],
    ['a list', () => '- a\n', /addons\.yaml: not an addon index/],
    [
      'a missing file',
      (t: string) => t.replace('addons/01-cilium.yaml', 'addons/09-gone.yaml'),
      /09-gone\.yaml not in/,
    ],
    ['an order twice', (t: string) => t.replace('order: 2', 'order: 1'), /addons\[1\]\.order: 1 is used twice/],
    ['a bad input type', (t: string) => t.replace('type: string', 'type: text'), /inputs\[0\]\.type: expecting one of/],
  ])('%s: exit 2 with the file, the field and the fix', async (what, edit, message) => {
    const d = brokenDist(`index-${what.replace(/\W/g, '')}`, (dir) => editIndex(dir, edit));
    const r = await runCli(['addons', 'list', stack, '--dist', d]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/addons\.yaml/);
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
  });

  test('the index synth writes is what the reader accepts (one type for both)', () => {
    const text = fs.readFileSync(path.join(dist, stack, 'addons.yaml'), 'utf8');
    const s = readStackDir(path.join(dist, stack));
    expect(parseAddonIndex(s.addonIndex, 'addons.yaml')).toEqual(s.addonIndex);
    expect(text).toContain('kind: AddonIndex');
  });
});

describe('inputs that are not what they should be: exit 2, the path, what and the fix', () => {
  test('cskit apply /dev/null', async () => {
    const r = await runCli(['apply', '/dev/null']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'cskit: /dev/null: not a regular file or folder; give dist/<stack> folders, folders of manifests or YAML files\n',
    );
  });

  test('cskit verify /dev/null', async () => {
    const r = await runCli(['verify', '/dev/null', '--no-lock']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cskit: verify: \/dev\/null: not a file or folder/);
  });

  test('--dist <file> and a missing --dist', async () => {
    const file = path.join(dist, stack, 'metadata.yaml');
    let r = await runCli(['addons', 'list', stack, '--dist', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `cskit: --dist ${file}: not a folder; give the folder \`cskit synth\` wrote (default: dist)\n`,
    );
    r = await runCli(['addons', 'render', stack, '--dist', path.join(tmp, 'nope'), '--cluster', cluster()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--dist .*nope: no such folder; run `cskit synth` first/);
  });

  test('--lock <dir> names the path (verify, synth, bump)', async () => {
    for (const [args, code] of [
      [['verify', path.join(dist, stack), '--lock', tmp], 2],
      [['synth', '-o', path.join(tmp, 'never'), '--lock', tmp], 2],
      [['bump', '--lock', tmp], 2],
    ] as const) {
      const r = await runCli([...args]);
      expect(r.code).toBe(code);
      expect(r.stderr).toContain(`${tmp}: is a directory; give the path of a lock file, not a folder`);
      expect(r.stderr).not.toContain('EISDIR');
    }
  });

  test('cskit bump refuses a lock that leaves stacks without versions unless --force', async () => {
    const lock = path.join(tmp, 'bump.lock.json');
    const text = fs.readFileSync(path.join(root, 'stacks.lock.json'), 'utf8');
    fs.writeFileSync(lock, text);
    const r = await runCli(['bump', '--lock', lock, '--at', '9999-12-31']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not written: the result leaves docker-scs, openstack-scs without any version .*--force/);
    expect(fs.readFileSync(lock, 'utf8')).toBe(text);
    const forced = await runCli(['bump', '--lock', lock, '--at', '9999-12-31', '--force']);
    expect(forced.code).toBe(0);
    expect(parseLock(fs.readFileSync(lock, 'utf8')).stacks).toEqual({ 'docker-scs': {}, 'openstack-scs': {} });
  });

  test('an unreadable file (EACCES) is exit 2 naming it, for verify and apply', () => {
    // A real permission error: root reads every file, so as root the compiled CLI runs in a new user namespace
    // (`unshare -U`), where root's capabilities no longer apply to the file but the paths to node and lib/ stay
    // readable (a `nobody` user could not reach a node binary or checkout under /root).
    const cli = path.join(root, 'lib', 'src', 'cli', 'main.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-eacces-'));
    fs.chmodSync(dir, 0o755);
    const file = path.join(dir, 'secret.yaml');
    fs.writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
    fs.chmodSync(file, 0o000);
    const asUser = process.getuid?.() === 0 ? ['unshare', '-U'] : [];
    try {
      for (const args of [
        ['verify', file, '--no-lock'],
        ['apply', file],
      ]) {
        const [cmd, ...rest] = [...asUser, process.execPath, cli, ...args];
        const r = spawnSync(cmd, rest, { encoding: 'utf8', cwd: dir });
        expect(r.status).toBe(2);
        expect(r.stderr).toContain(`${file}: permission denied; make the manifest file readable for this user`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
