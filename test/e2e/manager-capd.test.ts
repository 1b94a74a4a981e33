/**
 * The addon manager's lifecycle on real Cluster API (issue 11): CAPI v1.14 with the RuntimeSDK gate fires the hooks,
 * CAPD's in-memory backend gives each Cluster a real KubeadmControlPlane lifecycle, and the addons go into real
 * kube-apiservers of the testenv (each with kwok) through `{cluster}-wl` Secrets. The manager is the real CLI in a
 * child process. Every scenario asserts on the workload API server's objects AND on the ClusterAddons status.
 * Runs under the e2e flock (CAPD binds fixed ports).
 */
import { connect } from '../../src/kube/client';
import type { ClusterClient } from '../../src/kube/types';
import type { KObject } from '../../src/model/object';
import { describeWith } from '../support/prerequisite';
import {
  CapdManagerEnv,
  ManagerProcess,
  capdBuilt,
  clusterObject,
  condition,
  dockerStack,
  manager,
  ready,
  startCapdManagerEnv,
  stopCapdManagerEnv,
  waitAddons,
  waitCluster,
  writeWorkloadSecret,
} from './support/capd-manager';
import * as fs from 'fs';

const NS = 'default';
const { stack, version } = dockerStack();
const ts = (s: unknown) => Date.parse(String(s));

describeWith(capdBuilt, 'cskit manager on Cluster API (CAPD in-memory, workload API servers)', () => {
  let e: CapdManagerEnv;
  let m: ManagerProcess;
  let wl1: ClusterClient;

  beforeAll(async () => {
    e = await startCapdManagerEnv({ workloadClusters: 2 });
    wl1 = connect({ kubeconfig: e.workloads[0].kubeconfig });
  }, 420_000);

  afterAll(async () => {
    await stopCapdManagerEnv(e);
  }, 60_000);

  test(
    'a Cluster created before the manager started gets its addons after ControlPlaneInitialized, in bundle ' +
      'order, each Ready only once kwok rolled it out',
    async () => {
      await writeWorkloadSecret(e, NS, 'early', fs.readFileSync(e.workloads[0].kubeconfig, 'utf8'));
      await e.client.create(clusterObject('early', NS, stack, version));
      const init = await waitCluster(e, NS, 'early', 'ControlPlaneInitialized', (c) =>
        condition(c, 'ControlPlaneInitialized')?.status === 'True' ? c : undefined,
      );
      // Nothing is installed before the control plane is initialized (no manager runs yet either).
      expect(await wl1.get('apps/v1', 'DaemonSet', 'cilium', 'kube-system')).toBeUndefined();
      m = await manager(e);
      await m.start();
      const ca = await waitAddons(e, NS, 'early', 'Ready', (x) => (ready(x) ? x : undefined), 240_000);
      expect(ca.status?.addons?.map((a) => [a.name, a.state])).toEqual([
        ['cilium', 'Ready'],
        ['dev-storage', 'Ready'],
        ['metrics-server', 'Ready'],
      ]);
      const initAt = ts(condition(init, 'ControlPlaneInitialized')?.lastTransitionTime);
      const ds = await wl1.get('apps/v1', 'DaemonSet', 'cilium', 'kube-system');
      const sc = await wl1.get('storage.k8s.io/v1', 'StorageClass', 'standard');
      const ms = await wl1.get('apps/v1', 'Deployment', 'metrics-server', 'kube-system');
      for (const o of [ds, sc, ms] as KObject[])
        expect(ts(o.metadata?.creationTimestamp)).toBeGreaterThanOrEqual(initAt);
      expect(ds?.status?.numberAvailable).toBe(1);
      expect(ms?.status?.availableReplicas).toBe(1);
    },
    600_000,
  );
});
