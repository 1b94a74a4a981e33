/**
 * Synth benchmark (issues "Foundation" and 14): wall time of the in-process synth of the default set, of
 * `cdk8s synth`, of N stacks for scaling, and the peer anchor against `helm template` of the SCS `scs2`
 * cluster-class chart once per minor (SCS renders its stacks with helm), side by side in one run. That chart renders
 * the ClusterClass and its templates only (SCS ships the addons in a separate chart), so the anchor ratio is the same
 * work on our side: our openstack class, templates and metadata for the lock's minors with every class check
 * (bench/synth-class.ts, a process of its own like helm); the full `cskit synth` of the same stacks (addons, lock
 * check) is printed beside it. Anchors: in-process default set ≤ 300 ms, `cdk8s synth` ≤ 2 s, cost linear in the
 * number of stacks, class + templates ≤ 1.0× helm (wall).
 *
 * Run: `npm run bench:synth` (builds first). The helm anchor needs a checkout of SovereignCloudStack/cluster-stacks
 * in $SCS_CLUSTER_STACKS_DIR (read only, never copied into the repo) and Go: helm is built once from the Go module
 * proxy into <cskit cache>/bench/bin. Without the checkout the anchor is reported as not measured. Env RUNS (default
 * 5) sets the number of alternating runs per side.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { definitions } from '../classes';
import { LockEntry, LockFile, readLock } from '../src/model/lock';
import { compareMinor } from '../src/model/naming';
import { StackDefinition } from '../src/model/stack';
import { synthesize, writeStacks } from '../src/synth/synth';
import { goTool } from './go-tool';

const HELM = 'helm.sh/helm/v3/cmd/helm';
const HELM_VERSION = 'v3.22.0';
const SCS_CHART = 'providers/openstack/scs2/cluster-class';
const RUNS = Number(process.env.RUNS ?? 5);
const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'bin/cskit'); // what users run (it turns Node's compile cache on)
const classOnly = path.join(root, 'lib/bench/synth-class.js');

function time<T>(fn: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const r = fn();
  return [r, Number(process.hrtime.bigint() - t0) / 1e6];
}
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** CPU time (ms) of the children this process has waited for, from /proc (Linux); undefined elsewhere. */
function childrenCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[13]) + Number(f[14])) * 1000) / 100; // cutime + cstime, in USER_HZ (100 on Linux)
  } catch {
    return undefined;
  }
}

/** Runs a command to completion; its wall and CPU time in ms. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { wall: number; cpu?: number } {
  const cpu0 = childrenCpuMs();
  const [, wall] = time(() => execFileSync(cmd, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] }));
  const cpu1 = childrenCpuMs();
  return { wall, cpu: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0 };
}

/**
 * A lock with `n` stack versions over the lock's own minors (addons only know real Kubernetes releases): beyond
 * the shipped definitions × minors, copies of the definitions under other stack names (`scs2`, `scs3`, …).
 */
function lockOf(base: LockFile, n: number): { lock: LockFile; defs: StackDefinition[] } {
  const minors = new Map<string, LockEntry>();
  for (const m of Object.values(base.stacks)) for (const [minor, e] of Object.entries(m)) minors.set(minor, e);
  const sorted = [...minors.keys()].sort(compareMinor);
  const stacks: Record<string, Record<string, LockEntry>> = {};
  const defs: StackDefinition[] = [];
  for (let i = 0; i < n; i++) {
    const copy = Math.floor(i / (definitions.length * sorted.length));
    const d = definitions[Math.floor(i / sorted.length) % definitions.length];
    const def = copy ? { ...d, stack: `${d.stack}${copy + 1}` } : d;
    const id = `${def.provider}-${def.stack}`;
    if (!stacks[id]) {
      stacks[id] = {};
      defs.push(def);
    }
    const e = minors.get(sorted[i % sorted.length])!;
    stacks[id][sorted[i % sorted.length]] = { ...e, version: 'v1' };
  }
  return { lock: { lockVersion: 1, stacks }, defs };
}

/**
 * Our openstack-scs class and templates (every class check; and the full `cskit synth`) for the lock's minors vs
 * `helm template` of the SCS scs2 chart once per minor.
 */
function helmAnchor(lock: LockFile, out: string): string[] {
  const scs = process.env.SCS_CLUSTER_STACKS_DIR;
  if (!scs)
    return [
      'helm anchor: NOT MEASURED: set SCS_CLUSTER_STACKS_DIR to a checkout of ' +
        'https://github.com/SovereignCloudStack/cluster-stacks (outside this repo) to compare with `helm template`',
    ];
  const chart = path.join(path.resolve(scs), SCS_CHART);
  if (!fs.existsSync(path.join(chart, 'Chart.yaml')))
    throw new Error(`SCS_CLUSTER_STACKS_DIR=${scs}: no ${SCS_CHART}/Chart.yaml there; check out its main branch`);
  const ours = { lockVersion: 1, stacks: { 'openstack-scs': lock.stacks['openstack-scs'] } } satisfies LockFile;
  const minors = Object.keys(ours.stacks['openstack-scs'] ?? {}).sort(compareMinor);
  if (!minors.length) throw new Error('stacks.lock.json has no openstack-scs entry to compare with helm');
  const lockFile = path.join(out, 'openstack.lock.json');
  fs.writeFileSync(lockFile, JSON.stringify(ours));
  const helm = goTool('helm', HELM, HELM_VERSION);
  const env = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };
  const cskitRun = () => run(process.execPath, [cli, 'synth', '--lock', lockFile, '-o', path.join(out, 'cskit')], env);
  const classRun = () => run(process.execPath, [classOnly, lockFile, path.join(out, 'class')], env);
  const helmRun = () => {
    const r = { wall: 0, cpu: 0 as number | undefined };
    for (const minor of minors) {
      const release = `openstack-scs2-${minor.replace('.', '-')}`;
      const one = run(helm, ['template', release, chart, '--output-dir', path.join(out, 'helm', release)]);
      r.wall += one.wall;
      r.cpu = r.cpu === undefined || one.cpu === undefined ? undefined : r.cpu + one.cpu;
    }
    return r;
  };
  cskitRun(); // warm-up: file cache, Node's compile cache (Node ≥ 22.1)
  classRun();
  helmRun();
  const a: Array<{ wall: number; cpu?: number }> = [];
  const b: Array<{ wall: number; cpu?: number }> = [];
  const full: Array<{ wall: number; cpu?: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(classRun());
    b.push(helmRun());
    full.push(cskitRun());
  }
  const wall = (xs: typeof a) => median(xs.map((x) => x.wall));
  const cpu = (xs: typeof a) => (xs.every((x) => x.cpu !== undefined) ? median(xs.map((x) => x.cpu!)) : undefined);
  const ratio = wall(a) / wall(b);
  const cpuA = cpu(a);
  const cpuB = cpu(b);
  const cpuFull = cpu(full);
  const fmt = (w: number, c?: number) => `${w.toFixed(0)} ms wall${c === undefined ? '' : `, ${c.toFixed(0)} ms CPU`}`;
  const label1 =
    `cskit class + templates, openstack-scs ${minors.join(', ')} (${minors.length} stacks; ` +
    'validation and class rules, no addons, so no lock check)';
  const label2 = `helm ${HELM_VERSION} template of the SCS scs2 cluster-class chart × ${minors.length}`;
  const label3 = `full \`cskit synth\` of the same ${minors.length} stacks (addons, every check, lock check)`;
  const pad = Math.max(label1.length, label2.length, label3.length);
  const load = `Node ${process.version}; ${os.cpus().length} CPUs; load average ${os.loadavg()[0].toFixed(2)}`;
  const cpuRatio = (c: number | undefined) => (c !== undefined && cpuB ? `, ${(c / cpuB).toFixed(2)}× CPU` : '');
  return [
    `helm anchor, the same work (median of ${RUNS} runs each, alternating; ${load}):`,
    `  ${label1.padEnd(pad)}  ${fmt(wall(a), cpuA)}`,
    `  ${label2.padEnd(pad)}  ${fmt(wall(b), cpuB)}`,
    `  ratio cskit/helm: ${ratio.toFixed(2)}× wall` +
      cpuRatio(cpuA) +
      `; target ≤ 1.00× wall: ${ratio <= 1 ? 'MET' : 'NOT MET'}`,
    `  ${label3.padEnd(pad)}  ${fmt(wall(full), cpuFull)}`,
    `  ratio full synth/helm: ${(wall(full) / wall(b)).toFixed(2)}× wall${cpuRatio(cpuFull)} ` +
      '(more work than the chart)',
  ];
}

function main(): void {
  process.chdir(root);
  const lock = readLock();
  const defaultCount = Object.values(lock.stacks).reduce((n, m) => n + Object.keys(m).length, 0);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-bench-'));
  try {
    synthesize(lock, definitions); // warm-up (module loading, JIT)
    const inProcess = median(
      [1, 2, 3, 4, 5].map(() => time(() => writeStacks(synthesize(lock, definitions).stacks, path.join(out, 'd')))[1]),
    );
    const noLockCheck = median([1, 2, 3].map(() => time(() => synthesize(lock, definitions, { checkLock: false }))[1]));
    const scaling = [defaultCount, 20, 40].map((n) => {
      const { lock: l, defs } = lockOf(lock, n);
      return {
        n,
        ms: median([1, 2, 3].map(() => time(() => synthesize(l, defs, { checkLock: false }))[1])),
      };
    });
    const cdk8s = median(
      [1, 2, 3].map(
        () =>
          run('npx', ['cdk8s', 'synth', '--no-check-upgrade', '--output', path.join(out, 'cli')], {
            ...process.env,
            CDK8S_CHECK_UPGRADE: 'false',
          }).wall,
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
      [
        '`npx cdk8s synth` (CLI, compiled app)',
        `${cdk8s.toFixed(0)} ms`,
        `${(cdk8s / 2000).toFixed(2)}× of 2 s target`,
      ],
      ...scaling.map(({ n, ms }): [string, string, string] => [
        `in-process synth, ${n} stacks`,
        `${ms.toFixed(0)} ms`,
        `${(ms / n).toFixed(1)} ms/stack; ${(ms / n / (scaling[0].ms / scaling[0].n)).toFixed(2)}× ` +
          `per-stack cost of ${scaling[0].n}`,
      ]),
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log(`${'measurement'.padEnd(w)}  ${'median'.padStart(8)}  ratio`);
    for (const [a, b, c] of rows) console.log(`${a.padEnd(w)}  ${b.padStart(8)}  ${c}`);
    for (const line of helmAnchor(lock, out)) console.log(line);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  console.error(`bench:synth: ${(e as Error).message}`);
  process.exitCode = 1;
}
