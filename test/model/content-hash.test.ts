import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { definitions } from '../../classes';
import { HASH_VERSION, stackContentHash } from '../../src/model/content-hash';
import { readLock } from '../../src/model/lock';
import { buildStack } from '../../src/synth/build';
import { hashStack } from '../../src/synth/hash';
import { synthesize, writeStacks } from '../../src/synth/synth';
import { loadStacks } from '../../src/verify/static/load';
import { lockFindings } from '../../src/verify/static/lock-rules';

// One content hash for synth (over what it built), verify (over a stack folder it read) and bump (a fresh build).
const lock = readLock(path.join(__dirname, '../../stacks.lock.json'));
const synth = synthesize(lock, definitions);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-hash-'));
writeStacks(synth.stacks, path.join(dir, 'dist'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const entries = Object.entries(lock.stacks).flatMap(([id, minors]) =>
  Object.values(minors).map((e) => [id, e] as const),
);
const def = (id: string) => definitions.find((d) => `${d.provider}-${d.stack}` === id)!;

test('synth, verify and bump compute the same hash for every shipped stack: the one the lock records', () => {
  expect(synth.stacks).toHaveLength(entries.length);
  const read = loadStacks([path.join(dir, 'dist')]);
  expect(read.map((s) => s.name).sort()).toEqual(synth.stacks.map((s) => s.ctx.name).sort());
  for (const s of synth.stacks) {
    const entry = lock.stacks[s.ctx.id][s.ctx.minor];
    expect(s.contentHash).toBe(entry.hash);
    expect(hashStack(def(s.ctx.id), s.ctx.kubernetesVersion)).toBe(entry.hash);
    const folder = read.find((r) => r.name === s.ctx.name)!;
    expect(stackContentHash(s.ctx.name, folder.files!)).toBe(entry.hash);
    expect(lockFindings(folder, lock)).toEqual([]);
  }
});

test('a changed file changes the hash, and verify reports the hash synth would compute', () => {
  const [folder] = loadStacks([path.join(dir, 'dist', synth.stacks[0].ctx.name)]);
  const files = folder.files!.map((f) =>
    f.path === 'cluster-class.yaml' ? { ...f, content: f.content.replace(/\n$/, '\n# changed\n') } : f,
  );
  const changed = stackContentHash(folder.name, files)!;
  expect(changed).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(changed).not.toBe(synth.stacks[0].contentHash);
  const findings = lockFindings({ ...folder, files }, lock);
  expect(findings.map((f) => f.message)).toEqual([expect.stringContaining(`content hashes to ${changed}`)]);
});

test.each(entries.slice(0, 2))(
  '%s: the hash does not depend on the stack version nor on the CAPI API version written',
  (id, entry) => {
    const v7 = buildStack(def(id), { ...entry, version: 'v7' });
    const v0 = buildStack(def(id), { ...entry, version: HASH_VERSION });
    expect(v7.files.find((f) => f.path === 'metadata.yaml')!.content).toMatch(/clusterStack: v7/);
    expect(v7.contentHash).toBe(v0.contentHash);
    expect(v7.contentHash).toBe(entry.hash);
    const v1beta1 = buildStack(def(id), entry, { capiApiVersion: 'v1beta1' });
    expect(v1beta1.files.find((f) => f.path === 'cluster-class.yaml')!.content).toMatch(/\/v1beta1\n/);
    expect(v1beta1.contentHash).toBe(entry.hash);
  },
);

test('a name that is not <provider>-<stack>-<maj>-<min>-v<N> has no content hash', () => {
  expect(stackContentHash('my-class', [{ path: 'cluster-class.yaml', content: 'x' }])).toBeUndefined();
});
