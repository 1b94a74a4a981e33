import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { replaceDirAtomic, unsafeRelativePath, writeFileAtomic } from '../../src/util/atomic-write';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-atomic-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('writeFileAtomic replaces the file and leaves no temporary file', () => {
  const f = path.join(tmp, 'stacks.lock.json');
  fs.writeFileSync(f, 'old');
  writeFileAtomic(f, 'new');
  expect(fs.readFileSync(f, 'utf8')).toBe('new');
  expect(fs.readdirSync(tmp)).toEqual(['stacks.lock.json']);
});

test('writeFileAtomic onto a folder fails, keeps the folder and leaves no temporary file', () => {
  fs.mkdirSync(path.join(tmp, 'lock'));
  fs.writeFileSync(path.join(tmp, 'lock', 'keep'), 'x');
  expect(() => writeFileAtomic(path.join(tmp, 'lock'), 'new')).toThrow();
  expect(fs.readdirSync(tmp)).toEqual(['lock']);
  expect(fs.readFileSync(path.join(tmp, 'lock', 'keep'), 'utf8')).toBe('x');
});

test('replaceDirAtomic: the folder holds exactly the new files; no temporary or old folder is left', () => {
  const out = path.join(tmp, 'dist');
  fs.mkdirSync(path.join(out, 'old-stack'), { recursive: true });
  fs.writeFileSync(path.join(out, 'old-stack', 'metadata.yaml'), 'old');
  replaceDirAtomic(out, [{ path: 'new-stack/addons/01-a.yaml', content: 'a' }]);
  expect(fs.readdirSync(out)).toEqual(['new-stack']);
  expect(fs.readFileSync(path.join(out, 'new-stack', 'addons', '01-a.yaml'), 'utf8')).toBe('a');
  expect(fs.readdirSync(tmp)).toEqual(['dist']);
});

test('replaceDirAtomic: a failed write leaves the old folder as it was', () => {
  const out = path.join(tmp, 'dist');
  fs.mkdirSync(path.join(out, 's'), { recursive: true });
  fs.writeFileSync(path.join(out, 's', 'metadata.yaml'), 'old');
  // a file and a folder at the same path: the second write fails after the first succeeded
  expect(() =>
    replaceDirAtomic(out, [
      { path: 'a', content: 'file' },
      { path: 'a/b.yaml', content: 'x' },
    ]),
  ).toThrow();
  expect(fs.readFileSync(path.join(out, 's', 'metadata.yaml'), 'utf8')).toBe('old');
  expect(fs.readdirSync(tmp)).toEqual(['dist']);
});

test.each([
  ['../x', 'leaves its folder (..)'],
  ['a/../../x', 'leaves its folder (..)'],
  ['/etc/hostname', 'is absolute'],
  ['a//b', 'has an empty or "." segment'],
  ['', 'is empty or holds a NUL character'],
])('unsafeRelativePath(%j): %s', (p, why) => {
  expect(unsafeRelativePath(p)).toBe(why);
});

test('unsafeRelativePath accepts a plain relative path', () => {
  expect(unsafeRelativePath('addons/01-cilium.yaml')).toBeUndefined();
});
