/**
 * `npm run testenv -- build|up|down|status`: the test control plane by hand.
 *   build   build or reuse the binaries (cached outside the repo)
 *   up      start a cluster in the foreground, print its kubeconfig path, stop on Ctrl-C
 */
import * as path from 'path';
import { ensureBinaries, startEnv, stopEnv } from './harness';

async function main(cmd: string | undefined): Promise<number> {
  if (cmd === 'build') {
    console.log(ensureBinaries());
    return 0;
  }
  if (cmd === 'up') {
    ensureBinaries();
    const state = await startEnv(['workload']);
    const c = state.clusters.workload;
    console.log(`Kubernetes ${state.kubernetesVersion} is up at ${c.server}`);
    console.log(`kubeconfig: ${c.kubeconfig}`);
    console.log(`try: npx cskit verify cluster --kubeconfig ${c.kubeconfig}`);
    console.log('Ctrl-C stops it.');
    // Signal handlers alone do not keep Node's event loop alive; the interval does (the supervisor stops with us).
    const alive = setInterval(() => undefined, 1 << 30);
    await new Promise<void>((resolve) => {
      process.on('SIGINT', resolve);
      process.on('SIGTERM', resolve);
    });
    clearInterval(alive);
    await stopEnv(state);
    return 0;
  }
  console.error(
    `usage: npm run testenv -- build|up   (logs and kubeconfigs live under ${path.join('/tmp', 'cskit-testenv-*')})`,
  );
  return 2;
}

main(process.argv[2]).then(
  (c) => {
    process.exitCode = c;
  },
  (e) => {
    console.error(`testenv: ${(e as Error).message}`);
    process.exitCode = 1;
  },
);
