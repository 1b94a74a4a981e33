/**
 * Jest globalSetup of the e2e project: builds the control plane if needed, starts one "workload" cluster for
 * the whole run, and tells the tests where its state is. Set CSKIT_E2E_KUBECONFIG to test against an existing
 * cluster instead (scenarios that change the cluster then run there).
 */

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { STATE_ENV, ensureBinaries, startEnv } from './harness';

export default async function setup(): Promise<void> {
  if (process.env.CSKIT_E2E_KUBECONFIG) return;
  ensureBinaries();
  const state = await startEnv(['workload'], { dir: fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-e2e-')) });
  process.env[STATE_ENV] = path.join(state.dir, 'state.json');
  process.stderr.write(`\ntestenv: Kubernetes ${state.kubernetesVersion} ready (${state.dir})\n`);
}
