import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { capdBuiltVersion } from './capi-manifests';
import { logTail, type EnvState } from './supervisor';

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

/** The Cluster API version the managers are built from (testenv/capi/go.mod), or $CSKIT_TESTENV_CAPI. */
export function capiVersion(): string {
  if (process.env.CSKIT_TESTENV_CAPI) return process.env.CSKIT_TESTENV_CAPI;
  const mod = fs.readFileSync(path.join(repo, 'testenv', 'capi', 'go.mod'), 'utf8');
  return /^\s*sigs\.k8s\.io\/cluster-api (v[\d.]+)/m.exec(mod)![1];
}

function cacheRoot(): string {
  return process.env.CSKIT_TESTENV_CACHE ?? path.join(os.homedir(), '.cache', 'cskit-testenv');
}

export function binDir(): string {
  if (process.env.CSKIT_TESTENV_BIN) return process.env.CSKIT_TESTENV_BIN;
  return path.join(cacheRoot(), kubernetesVersion(), 'bin');
}

/**
 * Where testenv/build.sh puts the Cluster API managers: a folder per CAPI version, so a checkout on another CAPI
 * version never overwrites the binaries a running test uses. $CSKIT_TESTENV_BIN holds all binaries when set.
 */
export function capiBinDir(): string {
  if (process.env.CSKIT_TESTENV_BIN) return process.env.CSKIT_TESTENV_BIN;
  return path.join(cacheRoot(), `capi-${capiVersion()}`, 'bin');
}

/** Where testenv/build.sh puts CAPD: a folder per CAPD version (testenv/capd/go.mod), like the CAPI managers. */
export function capdBinDir(): string {
  if (process.env.CSKIT_TESTENV_BIN) return process.env.CSKIT_TESTENV_BIN;
  return path.join(cacheRoot(), `capd-${capdBuiltVersion(repo)}`, 'bin');
}

/**
 * Where testenv/build.sh puts the real clusterctl (the `clusterctl move` e2e test): a folder per version, the CAPI
 * version its wrapper module testenv/clusterctl/go.mod pins (the managers' own).
 */
export function clusterctlBinDir(): string {
  if (process.env.CSKIT_TESTENV_BIN) return process.env.CSKIT_TESTENV_BIN;
  const mod = fs.readFileSync(path.join(repo, 'testenv', 'clusterctl', 'go.mod'), 'utf8');
  const v = /^\s*sigs\.k8s\.io\/cluster-api (v[\d.]+)/m.exec(mod)?.[1];
  if (!v) throw new Error('testenv/clusterctl/go.mod: no sigs.k8s.io/cluster-api requirement');
  return path.join(cacheRoot(), `clusterctl-${v}`, 'bin');
}

/** Builds the binaries that are missing or stale (cached; prints progress). */
export function ensureBinaries(): string {
  if (process.env.CSKIT_TESTENV_BIN) return process.env.CSKIT_TESTENV_BIN;
  execFileSync(path.join(repo, 'testenv', 'build.sh'), [], { stdio: ['ignore', 'inherit', 'inherit'] });
  return binDir();
}

/** Starts clusters (etcd shared, one API server each) and resolves once they are ready. */
export async function startEnv(
  clusters: string[],
  opts: { dir?: string; parentPid?: number; timeoutMs?: number; audit?: boolean } = {},
): Promise<EnvState> {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-testenv-'));
  const timeoutMs = opts.timeoutMs ?? 180_000;
  return spawnSupervisor<EnvState>({
    what: 'test control plane',
    script: 'supervisor.js',
    dir,
    log: 'supervisor.log',
    state: 'state.json',
    timeoutMs,
    args: [dir, binDir(), String(opts.parentPid ?? process.pid), ...(opts.audit ? ['--audit'] : []), ...clusters],
    onTimeout: (pid) => {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    },
  });
}

/**
 * Starts a compiled supervisor (lib/testenv/<script>, built by `npm test` / `npm run build`) as a detached
 * plain node process, so it leads its own process group, and waits for the state file it writes atomically
 * once everything is up (or failed). Shared by startEnv and startCapi.
 */
export async function spawnSupervisor<S extends { ready: boolean; error?: string }>(o: {
  what: string;
  script: string;
  args: string[];
  dir: string;
  log: string;
  state: string;
  timeoutMs: number;
  onTimeout: (pid: number) => void | Promise<void>;
}): Promise<S> {
  const stateFile = path.join(o.dir, o.state);
  const log = fs.openSync(path.join(o.dir, o.log), 'a');
  const child = spawn(process.execPath, [path.join(repo, 'lib', 'testenv', o.script), ...o.args], {
    stdio: ['ignore', log, log],
    detached: true,
  });
  child.unref();
  fs.closeSync(log);
  const until = Date.now() + o.timeoutMs;
  for (;;) {
    if (fs.existsSync(stateFile)) {
      const state: S = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
      if (!state.ready) throw new Error(`${o.what} failed to start: ${state.error} (logs in ${o.dir})`);
      return state;
    }
    if (child.exitCode !== null) {
      const log = path.join(o.dir, o.log);
      throw new Error(`${o.what} supervisor exited (${child.exitCode}); see ${log}: ${logTail(log)}`);
    }
    if (Date.now() > until) {
      await o.onTimeout(child.pid!);
      throw new Error(`${o.what} not ready after ${o.timeoutMs / 1000} s; logs in ${o.dir}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Sends SIGTERM to a supervisor and waits (at most `ms`) until it is gone; shared by stopEnv and stopCapi. */
export async function terminate(pid: number, ms = 15_000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  const until = Date.now() + ms;
  while (Date.now() < until && alive(pid)) await new Promise((r) => setTimeout(r, 100));
}

/** Stops every process of the environment and waits until they are gone. */
export async function stopEnv(state: Pick<EnvState, 'pid' | 'dir'>, opts: { keepDir?: boolean } = {}): Promise<void> {
  await terminate(state.pid);
  if (!opts.keepDir) fs.rmSync(state.dir, { recursive: true, force: true });
}
