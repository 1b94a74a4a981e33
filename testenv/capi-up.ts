/**
 * `npm run build && node lib/testenv/capi-up.js [--workload-clusters N]`: a test management cluster with real
 * Cluster API (RuntimeSDK gate on) and CAPD (in-memory backend) in the foreground, plus N workload API servers
 * (real kube-apiservers of the same testenv, no Cluster API in them) for trying stacks and the addon manager by hand.
 * Prints `kubeconfig: <path>` for the management cluster and `workload kubeconfig: <path>` per workload API server;
 * Ctrl-C stops everything.
 */
import { ensureBinaries, startEnv, stopEnv } from './harness';
import { ensureFakeNodes } from './nodes';
import { missingCapdBinary, missingCapiBinaries, startCapi, stopCapi } from './capi';

const USAGE = 'usage: node lib/testenv/capi-up.js [--workload-clusters N]   (N: 0–20, default 0)';

/** The number after --workload-clusters (also `--workload-clusters=N`); a clear error for anything else. */
export function parseArgs(argv: string[]): { workloadClusters: number } {
  let workloadClusters = 0;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (flag !== '--workload-clusters') throw new Error(`unknown argument ${JSON.stringify(argv[i])}; ${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined || !/^\d+$/.test(value) || Number(value) > 20)
      throw new Error(`--workload-clusters: ${JSON.stringify(value ?? '')} is not a number from 0 to 20; ${USAGE}`);
    workloadClusters = Number(value);
  }
  return { workloadClusters };
}

async function main(): Promise<number> {
  const { workloadClusters } = parseArgs(process.argv.slice(2));
  ensureBinaries();
  const missing = [...missingCapiBinaries(), ...missingCapdBinary()];
  if (missing.length) {
    console.error(`capi-up: missing ${missing.join(', ')}; build them with: bash testenv/build.sh`);
    return 1;
  }
  const workloads = Array.from({ length: workloadClusters }, (_, i) => `workload-${i + 1}`);
  const env = await startEnv(['mgmt', ...workloads]);
  try {
    // One fake node per Machine of a docker-scs Cluster (control plane + worker), as testenv/nodes.ts explains.
    for (const w of workloads) await ensureFakeNodes(env.clusters[w].kubeconfig, 2);
    const capi = await startCapi(env.clusters.mgmt, { capd: true });
    console.log(
      `Kubernetes ${env.kubernetesVersion} with Cluster API ${capi.versions.capi} (RuntimeSDK on), CAPD ` +
        `${capi.versions.capd} (in-memory backend) and CAPO ${capi.versions.capo} CRDs`,
    );
    console.log(`kubeconfig: ${env.clusters.mgmt.kubeconfig}`);
    for (const m of capi.managers) {
      const health = `http://127.0.0.1:${m.healthPort}/readyz`;
      console.log(`  ${m.name}: webhooks https://127.0.0.1:${m.webhookPort}, health ${health}, log ${m.log}`);
    }
    for (const w of workloads) console.log(`workload kubeconfig: ${env.clusters[w].kubeconfig}`);
    console.log('Ctrl-C stops it.');
    // Signal handlers alone do not keep Node's event loop alive; the interval does.
    const alive = setInterval(() => undefined, 1 << 30);
    await new Promise<void>((resolve) => {
      process.on('SIGINT', resolve);
      process.on('SIGTERM', resolve);
    });
    clearInterval(alive);
    await stopCapi(capi);
  } finally {
    await stopEnv(env);
  }
  return 0;
}

if (require.main === module) {
  main().then(
    (c) => {
      process.exitCode = c;
    },
    (e) => {
      console.error(`capi-up: ${(e as Error).message}`);
      process.exitCode = 1;
    },
  );
}
