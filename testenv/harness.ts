import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { EnvState } from './supervisor';

/**
 * Starts and stops the test control plane (testenv/supervisor.ts) from tests and from `npm run testenv`.
 * Binaries: $CSKIT_TESTENV_BIN (a directory with kube-apiserver, kube-controller-manager, kube-scheduler, etcd,
 * kwok, e.g. built elsewhere), else the cache testenv/build.sh fills (built on first use).
 */
export type { EnvState, ClusterState } from './supervisor';

/** The repository root, whether this runs compiled (lib/testenv/) or from source under ts-jest (testenv/). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}
const repo = repoRoot();
export const STATE_ENV = 'CSKIT_TESTENV_STATE';

export function kubernetesVersion(): string {
  const mod = fs.readFileSync(path.join(repo, 'testenv', 'k8s', 'go.mod'), 'utf8');
  return /^require k8s\.io\/kubernetes (v[\d.]+)$/m.exec(mod)![1];
}

export function binDir(): string {
  if (process.env.CSKIT_TESTENV_BIN) return process.env.CSKIT_TESTENV_BIN;
  return path.join(process.env.CSKIT_TESTENV_CACHE ?? path.join(os.homedir(), '.cache', 'cskit-testenv'), kubernetesVersion(), 'bin');
}

/** Builds the binaries that are missing or stale (cached; prints progress). */
export function ensureBinaries(): string {
  if (process.env.CSKIT_TESTENV_BIN) return process.env.CSKIT_TESTENV_BIN;
  execFileSync(path.join(repo, 'testenv', 'build.sh'), [], { stdio: ['ignore', 'inherit', 'inherit'] });
  return binDir();
}

/** Starts clusters (etcd shared, one API server each) and resolves once they are ready. */
export async function startEnv(clusters: string[], opts: { dir?: string; parentPid?: number; timeoutMs?: number } = {}): Promise<EnvState> {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-testenv-'));
  const log = fs.openSync(path.join(dir, 'supervisor.log'), 'a');
  // Always the compiled supervisor: it runs as a plain node process (built by `npm test` / `npm run build`).
  const child = spawn(process.execPath, [path.join(repo, 'lib', 'testenv', 'supervisor.js'), dir, binDir(), String(opts.parentPid ?? process.pid), ...clusters],
    { stdio: ['ignore', log, log], detached: true });
  child.unref();
  const stateFile = path.join(dir, 'state.json');
  const until = Date.now() + (opts.timeoutMs ?? 180_000);
  for (;;) {
    if (fs.existsSync(stateFile)) {
      const state: EnvState = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
      if (!state.ready) throw new Error(`test control plane failed to start: ${state.error} (logs in ${dir})`);
      return state;
    }
    if (child.exitCode !== null) throw new Error(`test control plane supervisor exited (${child.exitCode}); see ${path.join(dir, 'supervisor.log')}`);
    if (Date.now() > until) {
      try { process.kill(child.pid!, 'SIGTERM'); } catch { /* gone */ }
      throw new Error(`test control plane not ready after ${(opts.timeoutMs ?? 180_000) / 1000} s; logs in ${dir}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Stops every process of the environment and waits until they are gone. */
export async function stopEnv(state: Pick<EnvState, 'pid' | 'dir'>, opts: { keepDir?: boolean } = {}): Promise<void> {
  try { process.kill(state.pid, 'SIGTERM'); } catch { /* already gone */ }
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    try { process.kill(state.pid, 0); } catch { break; }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!opts.keepDir) fs.rmSync(state.dir, { recursive: true, force: true });
}
