import * as fs from 'fs';
import * as path from 'path';
import type { CapiManagerState, CapiState } from './capi-supervisor';
import { CAPD_MANAGER, MANAGERS } from './capi-manifests';
import { capdBinDir, capiBinDir, spawnSupervisor, terminate } from './harness';
import type { ClusterState } from './supervisor';

/**
 * Real Cluster API on a test cluster: the core, kubeadm bootstrap and kubeadm control-plane managers built by
 * testenv/build.sh from the Go module proxy (wrapper module testenv/capi), their CRDs and webhooks, plus the
 * CAPO and CAPD CRDs. The work happens in a supervisor process (testenv/capi-supervisor.ts) that outlives no
 * one: it stops when stopCapi is called or when the process that started it dies.
 *
 *   const env = await startEnv(['mgmt']);
 *   const capi = await startCapi(env.clusters.mgmt, { dir: env.dir });   // { capd: true }: CAPD runs too
 *   …
 *   await stopCapi(capi); await stopEnv(env);
 */
export type { CapiManagerState } from './capi-supervisor';

export interface CapiEnv {
  /** Supervisor pid; it leads a process group holding the three managers. */
  readonly pid: number;
  /** Where the state file, certificates and manager logs (<manager>.log) are. */
  readonly dir: string;
  readonly kubeconfig: string;
  readonly versions: { capi: string; capo: string; capd: string };
  readonly managers: CapiManagerState[];
  /** CAPD (in-memory backend) runs: DevCluster/DevMachine objects get real infrastructure lifecycles. */
  readonly capd: boolean;
}

/** Binary names in the CAPI bin dir (capiBinDir; testenv/build.sh builds them with the rest). */
export const CAPI_BINARIES = MANAGERS.map((m) => m.name);

/** Manager binaries that are not built (empty when Cluster API can run). */
export function missingCapiBinaries(dir = capiBinDir()): string[] {
  return CAPI_BINARIES.filter((b) => !fs.existsSync(path.join(dir, b))).map((b) => path.join(dir, b));
}

/** The CAPD binary when it is not built (empty when startCapi can run it: `capd: true`). */
export function missingCapdBinary(dir = capdBinDir()): string[] {
  const bin = path.join(dir, CAPD_MANAGER.name);
  return fs.existsSync(bin) ? [] : [bin];
}

/**
 * Installs Cluster API on the cluster and starts its managers; resolves when the admission webhooks answer.
 * `dir` defaults to <cluster kubeconfig dir>/capi, so the logs sit next to the cluster's own.
 */
export async function startCapi(
  cluster: Pick<ClusterState, 'kubeconfig'>,
  opts: { dir?: string; parentPid?: number; timeoutMs?: number; capd?: boolean } = {},
): Promise<CapiEnv> {
  const dir = opts.dir ?? path.join(path.dirname(cluster.kubeconfig), 'capi');
  fs.mkdirSync(dir, { recursive: true });
  const stateFile = path.join(dir, 'capi-state.json');
  fs.rmSync(stateFile, { force: true });
  const state = await spawnSupervisor<CapiState>({
    what: 'Cluster API',
    script: 'capi-supervisor.js',
    dir,
    log: 'capi-supervisor.log',
    state: 'capi-state.json',
    timeoutMs: opts.timeoutMs ?? 240_000,
    args: [
      dir,
      capiBinDir(),
      String(opts.parentPid ?? process.pid),
      cluster.kubeconfig,
      ...(opts.capd ? [capdBinDir()] : []),
    ],
    onTimeout: (pid) => stopCapi({ pid }),
  });
  return {
    pid: state.pid,
    dir,
    kubeconfig: cluster.kubeconfig,
    versions: state.versions!,
    managers: state.managers!,
    capd: state.capdRunning === true,
  };
}

/**
 * Stops the managers (the supervisor first removes its webhook configurations from the cluster) and waits until
 * the whole process group is gone, killing what is left after 15 s.
 */
export async function stopCapi(env: Pick<CapiEnv, 'pid'>): Promise<void> {
  await terminate(env.pid);
  // Managers whose supervisor died without cleaning up share its process group.
  try {
    process.kill(-env.pid, 'SIGKILL');
  } catch {
    /* group empty */
  }
}
