/**
 * Synth benchmark (issue "Foundation"): wall time of `cdk8s synth`, of the in-process synth of the default
 * set, and of N stacks for scaling. Anchors: in-process default set ≤ 300 ms, `cdk8s synth` ≤ 2 s, cost linear
 * in the number of stacks. Run: `npm run bench:synth`.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { definitions } from '../classes';
import { LockFile, readLock } from '../src/model/lock';
import { synthesize, writeStacks } from '../src/synth/synth';

const root = path.join(__dirname, '..', '..');
process.chdir(root);

function time<T>(fn: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const r = fn();
  return [r, Number(process.hrtime.bigint() - t0) / 1e6];
}
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A lock with `n` stack versions: the shipped definitions over as many minors as needed. */
function lockOf(n: number): LockFile {
  const stacks: Record<string, Record<string, any>> = {};
  for (let i = 0; i < n; i++) {
    const def = definitions[i % definitions.length];
    const id = `${def.provider}-${def.stack}`;
    const minor = 20 + Math.floor(i / definitions.length);
    (stacks[id] ??= {})[`1.${minor}`] = {
      kubernetesVersion: `1.${minor}.0`,
      version: 'v1',
      hash: `sha256:${'0'.repeat(64)}`,
    };
  }
  return { lockVersion: 1, stacks };
}

const lock = readLock();
const defaultCount = Object.values(lock.stacks).reduce((n, m) => n + Object.keys(m).length, 0);
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-bench-'));
synthesize(lock); // warm-up (module loading, JIT)

const inProcess = median(
  [1, 2, 3, 4, 5].map(() => time(() => writeStacks(synthesize(lock).stacks, path.join(out, 'd')))[1]),
);
const noLockCheck = median([1, 2, 3].map(() => time(() => synthesize(lock, { checkLock: false }))[1]));
const scaling = [defaultCount, 20, 40].map((n) => {
  const l = lockOf(n);
  return { n, ms: median([1, 2, 3].map(() => time(() => synthesize(l, { checkLock: false }))[1])) };
});
const cli = median(
  [1, 2, 3].map(
    () =>
      time(() =>
        execFileSync('npx', ['cdk8s', 'synth', '--output', path.join(out, 'cli')], {
          cwd: root,
          env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
          stdio: 'ignore',
        }),
      )[1],
  ),
);

const rows: Array<[string, string, string]> = [
  [
    `in-process synth + write, default set (${defaultCount} stacks, lock check on)`,
    `${inProcess.toFixed(0)} ms`,
    `${(inProcess / 300).toFixed(2)}× of 300 ms target`,
  ],
  [
    `in-process synth, default set, lock check off`,
    `${noLockCheck.toFixed(0)} ms`,
    `${(noLockCheck / 300).toFixed(2)}× of 300 ms target`,
  ],
  ['`npx cdk8s synth` (CLI, compiled app)', `${cli.toFixed(0)} ms`, `${(cli / 2000).toFixed(2)}× of 2 s target`],
  ...scaling.map(({ n, ms }): [string, string, string] => [
    `in-process synth, ${n} stacks`,
    `${ms.toFixed(0)} ms`,
    `${(ms / n).toFixed(1)} ms/stack; ${(ms / n / (scaling[0].ms / scaling[0].n)).toFixed(2)}× per-stack cost of ${scaling[0].n}`,
  ]),
];
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`${'measurement'.padEnd(w)}  ${'median'.padStart(8)}  ratio`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w)}  ${b.padStart(8)}  ${c}`);
fs.rmSync(out, { recursive: true, force: true });
