import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LockFile, parseLock, readLock, serializeLock, validateLock, writeLock } from '../../src/model/lock';

const hash = `sha256:${'a'.repeat(64)}`;
const lock: LockFile = {
  lockVersion: 1,
  stacks: {
    'openstack-scs': {
      '1.36': { kubernetesVersion: '1.36.4', version: 'v2', hash },
      '1.9': { kubernetesVersion: '1.9.1', version: 'v1', hash },
    },
    'docker-scs': { '1.36': { kubernetesVersion: '1.36.4', version: 'v1', hash } },
  },
};

test('serialization is stable: stacks by id, minors numerically, trailing newline', () => {
  const text = serializeLock(lock);
  expect(text.endsWith('}\n')).toBe(true);
  expect(text.indexOf('docker-scs')).toBeLessThan(text.indexOf('openstack-scs'));
  const openstack = text.slice(text.indexOf('openstack-scs'));
  expect(openstack.indexOf('"1.9"')).toBeLessThan(openstack.indexOf('"1.36"'));
  expect(parseLock(text)).toEqual(JSON.parse(text));
});

test('write is atomic and round-trips', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-lock-')), 'stacks.lock.json');
  writeLock(lock, file);
  expect(readLock(file)).toEqual(JSON.parse(serializeLock(lock)));
  expect(fs.readdirSync(path.dirname(file))).toEqual(['stacks.lock.json']);
});

test.each([
  [{ lockVersion: 2, stacks: {} }, /lockVersion: expecting 1, found 2/],
  [{ lockVersion: 1 }, /stacks: expecting an object/],
  [
    { lockVersion: 1, stacks: { x: { '1.36': { kubernetesVersion: '1.35.1', version: 'v1', hash } } } },
    /stacks\.x\["1\.36"\]\.kubernetesVersion: 1\.35\.1 is not in minor 1\.36/,
  ],
  [
    { lockVersion: 1, stacks: { x: { '1.36': { kubernetesVersion: '1.36', version: 'v1', hash } } } },
    /kubernetesVersion: expecting a patch version/,
  ],
  [
    { lockVersion: 1, stacks: { x: { '1.36': { kubernetesVersion: '1.36.1', version: 'one', hash } } } },
    /\.version: invalid stack version "one"/,
  ],
  [
    { lockVersion: 1, stacks: { x: { '1.36': { kubernetesVersion: '1.36.1', version: 'v1', hash: 'md5:x' } } } },
    /\.hash: expecting "sha256:<64 hex digits>"/,
  ],
  [
    { lockVersion: 1, stacks: { x: { latest: { kubernetesVersion: '1.36.1', version: 'v1', hash } } } },
    /key must be a Kubernetes minor/,
  ],
])('invalid lock %#: %s', (data, err) => {
  expect(validateLock(data).join('\n')).toMatch(err);
  expect(() => parseLock(JSON.stringify(data), 'my.lock')).toThrow(/^my\.lock: /);
});

test('broken JSON and a missing file say how to recover', () => {
  expect(() => parseLock('{', 'stacks.lock.json')).toThrow(/stacks\.lock\.json: not valid JSON .*restore it from git/);
  // line and column, not JavaScript's character offset
  expect(() => parseLock('{\n  "lockVersion": 1,\n}\n', 'l.json')).toThrow(
    /^l\.json: not valid JSON at line 3, column 1 \(expected double-quoted property name\); restore it/,
  );
  expect(() => parseLock('', 'l.json')).toThrow(/^l\.json: not valid JSON at line 1, column 1 \(unexpected end\)/);
  expect(() => readLock('/nonexistent/stacks.lock.json')).toThrow(/not found; run cskit from the project root/);
});
