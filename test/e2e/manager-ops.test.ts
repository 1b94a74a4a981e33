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
import { ownClusters } from './support/env';
import { addCluster, callHook, must, setCluster, setupManagement, sleep, until } from './support/manager-world';

// The manager's operations on real API servers of the testenv, without CAPI controllers (cheaper; what is tested
// here does not need them): one management API server and two workload API servers. Pause (what clusterctl move
// sets), sharding and leader election. Deployments are rolled out by kwok's stages (a fake node).
const env = ownClusters(['mgmt', 'wl-a', 'wl-b']);
const NS = 'ops-e2e';
const kubeconfigOf = (name: string) => {
  const c = env()?.clusters[name];
  if (!c) throw new Error(`testenv cluster ${name} not started`);
  return c.kubeconfig;
};

describe('cskit manager operations on real API servers', () => {
  let api: KubeApi;
  const wl: Record<string, KubeApi> = {};
  const tls = makeServingCert(fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-ops-e2e-')), ['127.0.0.1']);
  const addons = (name: string) => api.get(CLUSTER_ADDONS, name, NS) as Promise<ClusterAddons | undefined>;
  const condition = async (name: string, type: string) =>
    (await addons(name))?.status?.conditions?.find((c) => c.type === type);

  beforeAll(async () => {
    api = await setupManagement(kubeconfigOf('mgmt'), NS);
    for (const n of ['wl-a', 'wl-b']) wl[n] = KubeApi.connect({ kubeconfig: kubeconfigOf(n) });
  }, 180_000);

  afterAll(() => {
    api?.close();
    for (const c of Object.values(wl)) c.close();
  });

  test(
    'pause: spec.paused (as clusterctl move sets it) stops repair and hook decisions, Paused=True in status; ' +
      'unpaused, the deleted object comes back',
    async () => {
      let manager: RunningManager | undefined;
      try {
        await addCluster(api, { ns: NS, name: 'p1', workloadKubeconfig: kubeconfigOf('wl-a') });
        manager = await startManager({
          management: api,
          bundles: clusterBundles(api),
          kubeconfigSecret: '{cluster}-kubeconfig',
          hooks: { ...tls, host: '127.0.0.1', port: 0 },
          resyncMs: 1000,
          log: () => undefined,
        });
        await until('p1 Ready', async () => ((await condition('p1', 'Ready'))?.status === 'True' ? true : undefined));
        expect(await condition('p1', 'Paused')).toMatchObject({ status: 'False', reason: 'NotPaused' });

        await setCluster(api, { ns: NS, name: 'p1', spec: { paused: true } });
        await until('p1 Paused=True', async () =>
          (await condition('p1', 'Paused'))?.status === 'True' ? true : undefined,
        );
        expect((await condition('p1', 'Paused'))?.message).toMatch(/spec.paused is true/);
        const cms = (await wl['wl-a'].resource('', 'ConfigMap')) as ResourceInfo;
        await wl['wl-a'].delete(cms, 'settings', 'demo-addon');
        const hook = await callHook(String(manager.hookUrl), tls.ca, 'BeforeClusterUpgrade', {
          name: 'p1',
          namespace: NS,
        });
        expect(hook).toMatchObject({ status: 'Success', retryAfterSeconds: 5 });
        expect(String(hook.message)).toMatch(/is paused/);
        // Unpaused, the same deletion is repaired within one resync period (1 s): 5 s without it is the pause.
        await sleep(5000);
        expect(await wl['wl-a'].get(cms, 'settings', 'demo-addon')).toBeUndefined();

        await setCluster(api, { ns: NS, name: 'p1', spec: {} });
        const back = await until('ConfigMap settings put back', () => wl['wl-a'].get(cms, 'settings', 'demo-addon'));
        expect(back.data).toEqual({ cluster: 'p1' });
        await until('p1 Paused=False', async () =>
          (await condition('p1', 'Paused'))?.status === 'False' ? true : undefined,
        );
      } finally {
        await manager?.stop();
        const clusters = await must(api, 'cluster.x-k8s.io', 'Cluster');
        await api.delete(clusters, 'p1', NS);
      }
    },
    180_000,
  );
});
