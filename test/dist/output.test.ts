import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkOutputDir, writeOutputDir } from '../../src/dist/output';
import { InputError } from '../../src/util/errors';
import { runCli } from '../support/cli';

const repoLock = path.join(__dirname, '..', '..', 'stacks.lock.json');
const emptyLock = '{"lockVersion": 1, "stacks": {}}\n';
let tmp: string;
const cwd = process.cwd();

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-output-'));
});
afterEach(() => {
  process.chdir(cwd);
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Every file below `dir` with its content, to show that a refused run touched nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** A project folder as a user has it: the lock, sources, a dist/ written by synth. */
function project(): string {
  const dir = path.join(tmp, 'project');
  fs.mkdirSync(path.join(dir, 'dist', 'docker-scs-1-36-v1'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'stacks.lock.json'), fs.readFileSync(repoLock));
  fs.writeFileSync(path.join(dir, 'notes.md'), 'my notes\n');
  fs.writeFileSync(path.join(dir, 'dist', 'docker-scs-1-36-v1', 'metadata.yaml'), 'apiVersion: x\n');
  return dir;
}

describe('the -o rule (checkOutputDir)', () => {
  test('a new folder, an empty folder and an earlier output of the same kind may be replaced', () => {
    expect(checkOutputDir(path.join(tmp, 'new', 'dist'), 'dist')).toBe(0);
    fs.mkdirSync(path.join(tmp, 'empty'));
    expect(checkOutputDir(path.join(tmp, 'empty'), 'dist')).toBe(0);
    expect(checkOutputDir(path.join(project(), 'dist'), 'dist')).toBe(1);
  });

  test.each([
    ['the working directory', '.', /-o \.: is the working directory or contains it/],
    ['an empty path', '', /-o: empty path; give an output folder such as dist/],
    ['a folder above the working directory', '..', /-o \.\.: is the working directory or contains it/],
  ])('%s is refused', (_what, out, message) => {
    process.chdir(project());
    expect(() => checkOutputDir(out, 'dist')).toThrow(message);
  });

  test('an existing file, a folder of other things and an output of another kind are refused', () => {
    const dir = project();
    expect(() => checkOutputDir(path.join(dir, 'notes.md'), 'dist')).toThrow(/notes\.md: exists and is not a folder/);
    expect(() => checkOutputDir(dir, 'dist')).toThrow(
      /exists and is not an earlier cskit dist output .*holds dist\/, notes\.md, stacks\.lock\.json/,
    );
    expect(() => checkOutputDir(path.join(dir, 'dist'), 'addons')).toThrow(InputError);
    fs.mkdirSync(path.join(tmp, 'out', 'addons'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'out', 'crs.yaml'), '');
    fs.writeFileSync(path.join(tmp, 'out', 'addons', '01-cilium.yaml'), '');
    expect(checkOutputDir(path.join(tmp, 'out'), 'addons')).toBe(2);
    expect(() => checkOutputDir(path.join(tmp, 'out'), 'dist')).toThrow(/not an earlier cskit dist output/);
    fs.writeFileSync(path.join(tmp, 'out', 'addons', 'keep.txt'), '');
    expect(() => checkOutputDir(path.join(tmp, 'out'), 'addons')).toThrow(/not an earlier cskit addons output/);
  });

  test('a symbolic link and a path below a file are refused', () => {
    const dir = project();
    fs.symlinkSync(path.join(dir, 'dist'), path.join(tmp, 'link'));
    expect(() => checkOutputDir(path.join(tmp, 'link'), 'dist')).toThrow(/is a symbolic link/);
    expect(() => checkOutputDir(path.join(dir, 'notes.md', 'dist'), 'dist')).toThrow(/cannot be a folder \(ENOTDIR\)/);
  });
});

describe('writeOutputDir', () => {
  test('replaces an earlier output with exactly the new files', () => {
    const dist = path.join(project(), 'dist');
    writeOutputDir(dist, 'dist', [{ path: 'docker-scs-1-36-v2/metadata.yaml', content: 'v: 2\n' }]);
    expect(snapshot(dist)).toEqual({ 'docker-scs-1-36-v2/metadata.yaml': 'v: 2\n' });
    expect(fs.readdirSync(path.dirname(dist)).sort()).toEqual(['dist', 'notes.md', 'stacks.lock.json']);
  });

  test('an empty result does not empty an existing output unless forced', () => {
    const dist = path.join(project(), 'dist');
    const before = snapshot(dist);
    expect(() => writeOutputDir(dist, 'dist', [])).toThrow(
      /the result is empty and would delete the 1 entries there; .*pass --force to empty it/,
    );
    expect(snapshot(dist)).toEqual(before);
    writeOutputDir(dist, 'dist', [], { force: true });
    expect(fs.readdirSync(dist)).toEqual([]);
  });

  test('a file path that leaves the output folder is refused and nothing is written', () => {
    const dist = path.join(project(), 'dist');
    const before = snapshot(path.dirname(dist));
    expect(() => writeOutputDir(dist, 'dist', [{ path: '../escape.yaml', content: 'x' }])).toThrow(
      /refusing to write "\.\.\/escape\.yaml" .*leaves its folder/,
    );
    expect(snapshot(path.dirname(dist))).toEqual(before);
  });
});

describe('every -o goes through the rule (CLI)', () => {
  test('cskit synth -o . and -o "" leave the project untouched, exit 2', async () => {
    const dir = project();
    const before = snapshot(dir);
    process.chdir(dir);
    for (const out of ['.', '', dir]) {
      const r = await runCli(['synth', '-o', out, '--lock', 'stacks.lock.json']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^cskit: -o\b.*(working directory|empty path)/);
    }
    expect(snapshot(dir)).toEqual(before);
  });

  test('cskit synth -o <existing file> leaves the file as it was, exit 2', async () => {
    const dir = project();
    const r = await runCli(['synth', '-o', path.join(dir, 'notes.md'), '--lock', path.join(dir, 'stacks.lock.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/notes\.md: exists and is not a folder/);
    expect(fs.readFileSync(path.join(dir, 'notes.md'), 'utf8')).toBe('my notes\n');
  });

  test('a lock without stacks does not empty dist/ unless --force', async () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'empty.lock.json'), emptyLock);
    const dist = path.join(dir, 'dist');
    const before = snapshot(dist);
    const r = await runCli(['synth', '-o', dist, '--lock', path.join(dir, 'empty.lock.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/result is empty .*--force/);
    expect(snapshot(dist)).toEqual(before);
    const forced = await runCli(['synth', '-o', dist, '--lock', path.join(dir, 'empty.lock.json'), '--force']);
    expect(forced.code).toBe(0);
    expect(fs.readdirSync(dist)).toEqual([]);
  });

  test('addons render -o into the working directory or a foreign folder is refused before reading input', async () => {
    const dir = project();
    const before = snapshot(dir);
    process.chdir(dir);
    // The stack and Cluster need not exist: the output rule is checked first.
    const r = await runCli(['addons', 'render', 'x-y-1-36-v1', '--cluster', 'c.yaml', '-o', '.']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/-o \.: is the working directory/);
    const foreign = await runCli(['addons', 'render', 'x-y-1-36-v1', '--cluster', 'c.yaml', '-o', 'dist']);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/-o dist: exists and is not an earlier cskit addons output/);
    expect(snapshot(dir)).toEqual(before);
  });
});
