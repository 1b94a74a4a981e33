import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { STATE_ENV, repoRoot } from '../../../testenv/harness';
import type { EnvState } from '../../../testenv/supervisor';

/** The cluster the e2e globalSetup started (or CSKIT_E2E_KUBECONFIG): admin and restricted kubeconfigs. */
export function workload(): { kubeconfig: string; restrictedKubeconfig?: string } {
  if (process.env.CSKIT_E2E_KUBECONFIG) return { kubeconfig: process.env.CSKIT_E2E_KUBECONFIG };
  const file = process.env[STATE_ENV];
  if (!file) throw new Error(`${STATE_ENV} is not set: run e2e tests through jest's e2e project (npm test)`);
  const state: EnvState = JSON.parse(fs.readFileSync(file, 'utf8'));
  return state.clusters.workload;
}

// From the repository root: this file also runs compiled (lib/test/…), from bench:manager.
const cliMain = path.join(repoRoot(), 'lib', 'src', 'cli', 'main.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled CLI as a user would, in a child process. */
export function cskit(
  args: string[],
  opts: { onStart?: (pid: number) => void; timeoutMs?: number } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliMain, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CSKIT_CACHE_DIR: '/nonexistent-cskit-cache' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cskit ${args.join(' ')} did not finish\n${stderr}`));
    }, opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    opts.onStart?.(child.pid!);
  });
}

/** API servers of the test file's own (several: e.g. a management and two workload clusters). Top level only. */
export function ownClusters(names: string[], opts: { audit?: boolean } = {}): () => EnvState | undefined {
  let state: EnvState | undefined;
  beforeAll(async () => {
    const { startEnv } = await import('../../../testenv/harness');
    state = await startEnv(names, opts);
  }, 180_000);
  afterAll(async () => {
    if (!state) return;
    const { stopEnv } = await import('../../../testenv/harness');
    await stopEnv(state);
  });
  return () => state;
}

/**
 * A cluster of the test file's own (its own API server; etcd and binaries as the shared one), for tests that
 * change cluster-wide state while other files run in parallel. Call in the file's top level.
 */
export function ownCluster(): () => { kubeconfig: string; restrictedKubeconfig?: string } {
  let state: EnvState | undefined;
  beforeAll(async () => {
    if (process.env.CSKIT_E2E_KUBECONFIG) return;
    const { startEnv } = await import('../../../testenv/harness');
    state = await startEnv(['mgmt']);
  }, 120_000);
  afterAll(async () => {
    if (!state) return;
    const { stopEnv } = await import('../../../testenv/harness');
    await stopEnv(state);
  });
  return () => (state ? state.clusters.mgmt : workload());
}
