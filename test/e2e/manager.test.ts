import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubeApi } from '../../src/kube/api';
import { ResourceInfo } from '../../src/kube/apply-types';
import { clusterBundles } from '../../src/manager/bundles';
import { makeServingCert } from '../../src/manager/certs';
import { ClusterAddons } from '../../src/manager/crd';
import { RunningManager, startManager } from '../../src/manager/run';
import { CLUSTER_ADDONS } from '../../src/manager/state';
import { cskit, ownCluster } from './support/env';
import { freePort } from '../../testenv/supervisor';
import { addCluster, callHook, setupManagement, until } from './support/manager-world';

// The manager against a real kube-apiserver of the testenv, used as both management and workload cluster (a
// second API server as workload cluster comes with wt/capd). No CAPI controllers run: the Cluster's control plane
// is marked initialized through its status subresource, as CAPI would. The Deployment is rolled out by the
// testenv's kube-controller-manager, scheduler and kwok stages (a fake node): "rolled out" here means kwok's stages.
// The management world (CRDs, ClusterClass demo-class and its one-addon bundle) is support/manager-world.ts.
const current = ownCluster();
const NS = 'mgr-e2e';

describe('cskit manager on a real API server', () => {
  let api: KubeApi;
  let manager: RunningManager | undefined;
  const tls = makeServingCert(fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-mgr-e2e-')), ['127.0.0.1']);

  beforeAll(async () => {
    api = await setupManagement(current().kubeconfig, NS);
  }, 180_000);

  afterAll(async () => {
    await manager?.stop();
    api?.close();
  });

  test(
    'installs a bundle into the workload API server; Ready only once kwok stages roll the Deployment out; ' +
      'the hook answers Success; a hand-deleted object comes back',
    async () => {
      const cluster = await addCluster(api, { ns: NS, name: 'demo', workloadKubeconfig: current().kubeconfig });
      expect(cluster.metadata?.uid).toBeTruthy();
      manager = await startManager({
        management: api,
        bundles: clusterBundles(api),
        kubeconfigSecret: '{cluster}-kubeconfig',
        installCrd: false,
        hooks: { ...tls, host: '127.0.0.1', port: 0 },
        resyncMs: 1000,
        log: () => undefined,
      });
      const deployments = (await api.resource('apps', 'Deployment')) as ResourceInfo;
      // Watch the status and the Deployment together: Ready must never come before the rollout.
      const seen = await until('ClusterAddons demo Ready', async () => {
        const ca = (await api.get(CLUSTER_ADDONS, 'demo', NS)) as ClusterAddons | undefined;
        const ready = ca?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
        const dep = await api.get(deployments, 'web', 'demo-addon');
        if (ready) return { ca, dep };
        return undefined;
      });
      expect(seen.dep?.status?.availableReplicas).toBe(1);
      expect(seen.dep?.status?.observedGeneration).toBeGreaterThanOrEqual(Number(seen.dep?.metadata?.generation));
      expect(seen.ca?.status?.applied).toEqual({ className: 'demo-class', kubernetesVersion: 'v1.36.4' });
      expect(seen.ca?.status?.addons?.[0]).toMatchObject({ name: 'web', version: '1.0.0', state: 'Ready' });
      expect(seen.ca?.status?.addons?.[0].contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
      const cms = (await api.resource('', 'ConfigMap')) as ResourceInfo;
      const cm = await api.get(cms, 'settings', 'demo-addon');
      expect(cm?.data).toEqual({ cluster: 'demo' });
      expect(cm?.metadata?.labels?.['applyset.kubernetes.io/part-of']).toMatch(/^applyset-/);

      const answer = await callHook(String(manager.hookUrl), tls.ca, 'BeforeClusterUpgrade', {
        name: 'demo',
        namespace: NS,
      });
      expect(answer).toMatchObject({ status: 'Success', retryAfterSeconds: 0 });

      await api.delete(cms, 'settings', 'demo-addon');
      const back = await until('ConfigMap settings put back', () => api.get(cms, 'settings', 'demo-addon'), {
        timeoutMs: 30_000,
      });
      expect(back.data).toEqual({ cluster: 'demo' });
      await manager.stop();
      manager = undefined;
    },
    240_000,
  );

  test('the CLI: cskit manager reconciles another Cluster, addons status shows it Ready, SIGTERM ends it', async () => {
    const { kubeconfig } = current();
    // The kubeconfig Secret has a name only the --kubeconfig-secret template below can find.
    await addCluster(api, { ns: NS, name: 'demo2', workloadKubeconfig: kubeconfig, secret: 'demo2-wl' });
    const port = await freePort();
    let pid: number | undefined;
    const run = cskit(
      [
        'manager',
        '--kubeconfig',
        kubeconfig,
        '--kubeconfig-secret',
        '{cluster}-wl',
        '--hook-host',
        '127.0.0.1',
        '--hook-port',
        String(port),
        '--resync',
        '2s',
      ],
      { onStart: (p) => (pid = p), timeoutMs: 180_000 },
    );
    try {
      const status = await until('cskit addons status: demo2 Ready', async () => {
        const r = await cskit(['addons', 'status', '--kubeconfig', kubeconfig, '-n', NS, '-o', 'json']);
        expect(r.code).toBe(0);
        const out = JSON.parse(r.stdout) as { clusters: Array<{ cluster: string; ready: string; addons: unknown[] }> };
        const c = out.clusters.find((x) => x.cluster === 'demo2');
        return c?.ready === 'True' ? c : undefined;
      });
      expect(status.addons).toEqual([expect.objectContaining({ name: 'web', state: 'Ready', version: '1.0.0' })]);
      const table = await cskit(['addons', 'status', '--kubeconfig', kubeconfig, '-n', NS]);
      expect(table.stdout).toMatch(/mgr-e2e\/demo2\s+True\s+web\s+1\.0\.0\s+Ready/);
    } catch (e) {
      if (pid) process.kill(pid, 'SIGTERM');
      throw new Error(`${(e as Error).message}; the manager said:\n${(await run).stderr}`, { cause: e });
    }
    if (pid) process.kill(pid, 'SIGTERM');
    const done = await run;
    expect(done.code).toBe(0);
    expect(done.stderr).toMatch(/hook server listening on https:\/\/127\.0\.0\.1:/);
  }, 240_000);
});
