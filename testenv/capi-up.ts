/**
 * `npm run build && node lib/testenv/capi-up.js`: a test cluster with real Cluster API in the foreground, for trying
 * stacks by hand (kubectl, `cskit apply`, a topology Cluster). Prints the kubeconfig and where the manager logs are;
 * Ctrl-C stops everything.
 */
import { ensureBinaries, startEnv, stopEnv } from './harness';
import { missingCapiBinaries, startCapi, stopCapi } from './capi';

async function main(): Promise<number> {
  ensureBinaries();
  const missing = missingCapiBinaries();
  if (missing.length) {
    console.error(`capi-up: missing ${missing.join(', ')}; build them with: bash testenv/build.sh`);
    return 1;
  }
  const env = await startEnv(['mgmt']);
  try {
    const capi = await startCapi(env.clusters.mgmt);
    console.log(
      `Kubernetes ${env.kubernetesVersion} with Cluster API ${capi.versions.capi} (CAPO ${capi.versions.capo} ` +
        `and CAPD ${capi.versions.capd} CRDs)`,
    );
    console.log(`kubeconfig: ${env.clusters.mgmt.kubeconfig}`);
    for (const m of capi.managers)
      console.log(
        `  ${m.name}: webhooks https://127.0.0.1:${m.webhookPort}, health http://127.0.0.1:${m.healthPort}/readyz, log ${m.log}`,
      );
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

main().then(
  (c) => {
    process.exitCode = c;
  },
  (e) => {
    console.error(`capi-up: ${(e as Error).message}`);
    process.exitCode = 1;
  },
);
