/**
 * The addon manager's lifecycle on real Cluster API (issue 11): CAPI v1.14 with the RuntimeSDK gate fires the hooks,
 * CAPD's in-memory backend gives each Cluster a real KubeadmControlPlane lifecycle, and the addons go into real
 * kube-apiservers of the testenv (each with kwok) through `{cluster}-wl` Secrets. The manager is the real CLI in a
 * child process. Every scenario asserts on the workload API server's objects AND on the ClusterAddons status.
 * One environment for the whole file (starting CAPI costs ~1 min); the scenarios run in order on it.
 * Runs under the e2e flock (CAPD binds fixed ports).
 */
import * as fs from 'fs';
import * as https from 'https';
import { connect } from '../../src/kube/client';
import type { ClusterClient } from '../../src/kube/types';
import type { ClusterAddons } from '../../src/manager/crd';
import type { KObject } from '../../src/model/object';
import { describeWith } from '../support/prerequisite';
import {
  CapdManagerEnv,
  applyStack,
  ManagerProcess,
  capdBuilt,
  clusterObject,
  condition,
  dockerStack,
  explain,
  manager,
  ready,
  startCapdManagerEnv,
  stopCapdManagerEnv,
  waitAddons,
  waitCluster,
  writeWorkloadSecret,
} from './support/capd-manager';
import { until } from './support/until';
import { TestKube, storageClass } from './support/kube';

const NS = 'default';
const { stack, version } = dockerStack();
const ts = (s: unknown) => Date.parse(String(s));
const initialized = (c: KObject | undefined) =>
  condition(c, 'ControlPlaneInitialized')?.status === 'True' ? c : undefined;
const ADDONS = ['cilium', 'dev-storage', 'metrics-server'];

/** The first object of each addon, in bundle order, as the workload cluster has them. */
async function installed(wl: ClusterClient) {
  return {
    ds: await wl.get('apps/v1', 'DaemonSet', 'cilium', 'kube-system'),
    operator: await wl.get('apps/v1', 'Deployment', 'cilium-operator', 'kube-system'),
    sc: await wl.get('storage.k8s.io/v1', 'StorageClass', 'standard'),
    ms: await wl.get('apps/v1', 'Deployment', 'metrics-server', 'kube-system'),
    api: await wl.get('apiregistration.k8s.io/v1', 'APIService', 'v1beta1.metrics.k8s.io'),
  };
}

/** Asserts the workload cluster has every addon rolled out, and each step began only after the previous was up. */
async function expectInstalledInOrder(wl: ClusterClient, notBefore: number) {
  const o = await installed(wl);
  for (const x of [o.ds, o.operator, o.sc, o.ms] as KObject[])
    expect(ts(x.metadata?.creationTimestamp)).toBeGreaterThanOrEqual(notBefore);
  // Ready only once kwok's stages rolled them out (the controllers' status, not ours).
  expect(o.ds?.status).toMatchObject({ desiredNumberScheduled: 2, numberAvailable: 2 });
  expect(o.operator?.status?.availableReplicas).toBe(2);
  expect(o.ms?.status?.availableReplicas).toBe(1);
  expect(condition(o.api, 'Available')?.status).toBe('True');
  // Bundle order, each addon after the one before was healthy: cilium-operator became Available (the controller's
  // condition) no later than the next addon's first object was created; seconds are the API's resolution.
  const operatorUp = ts(condition(o.operator, 'Available')?.lastTransitionTime);
  expect(ts(o.ds?.metadata?.creationTimestamp)).toBeLessThanOrEqual(operatorUp);
  expect(operatorUp).toBeLessThanOrEqual(ts(o.sc?.metadata?.creationTimestamp));
  expect(ts(o.sc?.metadata?.creationTimestamp)).toBeLessThanOrEqual(ts(o.ms?.metadata?.creationTimestamp));
}

const addonStates = (ca: ClusterAddons) => ca.status?.addons?.map((a) => [a.name, a.state]);

/** The Events the manager wrote on a Cluster. */
async function events(e: CapdManagerEnv, cluster: string): Promise<KObject[]> {
  return (await e.client.list('v1', 'Event', { namespace: NS })).filter((ev) => {
    const { involvedObject, source } = ev as { involvedObject?: { name?: string }; source?: { component?: string } };
    return involvedObject?.name === cluster && source?.component === 'cskit-manager';
  });
}

describeWith(capdBuilt, 'cskit manager on Cluster API (CAPD in-memory, workload API servers)', () => {
  let e: CapdManagerEnv;
  let m: ManagerProcess;
  let wl1: ClusterClient;
  let wl2: ClusterClient;

  beforeAll(async () => {
    e = await startCapdManagerEnv({ workloadClusters: 2 });
    wl1 = connect({ kubeconfig: e.workloads[0].kubeconfig });
    wl2 = connect({ kubeconfig: e.workloads[1].kubeconfig });
  }, 420_000);

  afterAll(async () => {
    await stopCapdManagerEnv(e);
  }, 60_000);

  test(
    'a Cluster created before the manager started gets its addons, in bundle order, each Ready only once kwok ' +
      'rolled it out',
    async () => {
      await writeWorkloadSecret(e, NS, 'early', fs.readFileSync(e.workloads[0].kubeconfig, 'utf8'));
      await e.client.create(clusterObject('early', NS, stack, version));
      await waitCluster(e, NS, 'early', 'ControlPlaneInitialized', initialized);
      expect(await wl1.get('apps/v1', 'DaemonSet', 'cilium', 'kube-system')).toBeUndefined();
      m = await manager(e);
      const started = Date.now() - 1000;
      await m.start();
      const ca = await waitAddons(e, NS, 'early', 'Ready', (x) => (ready(x) ? x : undefined), 240_000);
      expect(addonStates(ca)).toEqual(ADDONS.map((a) => [a, 'Ready']));
      expect(ca.status?.applied).toEqual({ className: stack, kubernetesVersion: version });
      await expectInstalledInOrder(wl1, Math.floor(started / 1000) * 1000);
      expect((await events(e, 'early')).map((ev) => ev.reason)).toContain('AddonsReady');
    },
    420_000,
  );

  test(
    'with the manager running: addons go in only after ControlPlaneInitialized; an unreachable workload cluster ' +
      'is Degraded with the connection error while the other Cluster reaches Ready',
    async () => {
      await writeWorkloadSecret(e, NS, 'late', fs.readFileSync(e.workloads[1].kubeconfig, 'utf8'));
      // A kubeconfig whose server is a dead port (nothing listens on port 1 of 127.0.0.1).
      const dead = fs
        .readFileSync(e.workloads[1].kubeconfig, 'utf8')
        .replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:1');
      expect(dead).toContain('https://127.0.0.1:1\n');
      await writeWorkloadSecret(e, NS, 'lost', dead);
      await e.client.create(clusterObject('late', NS, stack, version));
      await e.client.create(clusterObject('lost', NS, stack, version));

      const waiting = await waitAddons(e, NS, 'late', 'waiting for the control plane', (x) =>
        condition(x, 'Ready')?.reason === 'WaitingForControlPlane' ? x : undefined,
      );
      expect(condition(waiting, 'Progressing')?.status).toBe('True');
      // Not an error: metrics-server's input (spec.controlPlaneEndpoint) only comes with the control plane.
      expect(condition(waiting, 'Degraded')?.status).toBe('False');
      expect(addonStates(waiting)).toEqual(ADDONS.map((a) => [a, 'Held']));
      expect(await wl2.get('apps/v1', 'DaemonSet', 'cilium', 'kube-system')).toBeUndefined();
      const init = await waitCluster(e, NS, 'late', 'ControlPlaneInitialized', initialized);
      const initAt = ts(condition(init, 'ControlPlaneInitialized')?.lastTransitionTime);

      const lost = await waitAddons(e, NS, 'lost', 'Degraded', (x) =>
        condition(x, 'Degraded')?.status === 'True' ? x : undefined,
      );
      expect(condition(lost, 'Degraded')?.message).toMatch(/^cilium: .*127\.0\.0\.1:1.*(ECONNREFUSED|refused)/i);
      expect(condition(lost, 'Ready')?.status).toBe('False');
      expect(lost.status?.addons?.[0]).toMatchObject({ name: 'cilium', state: 'Failed' });

      const late = await waitAddons(e, NS, 'late', 'Ready', (x) => (ready(x) ? x : undefined), 240_000);
      expect(addonStates(late)).toEqual(ADDONS.map((a) => [a, 'Ready']));
      await expectInstalledInOrder(wl2, Math.floor(initAt / 1000) * 1000);
      // CAPI itself called the hook (the reconciler does not wait for it: level-based).
      expect(m.log()).toMatch(/AfterControlPlaneInitialized \{"name":"late"[^\n]*: Success/);
      // Still Degraded: the other Cluster's progress did not depend on it.
      const stillLost = await e.client.get('addons.cskit.io/v1alpha1', 'ClusterAddons', 'lost', NS);
      expect(condition(stillLost, 'Degraded')?.status).toBe('True');
      expect((await events(e, 'lost')).map((ev) => ev.reason)).toContain('AddonsDegraded');
    },
    420_000,
  );

  test('drift: a managed object edited and one deleted by hand are put back, Drifted reported', async () => {
    const kube = new TestKube(e.workloads[0].kubeconfig);
    const cm = '/api/v1/namespaces/kube-system/configmaps/cilium-config';
    const before = (await kube.ok('GET', cm)).data['enable-policy'];
    expect(before).toBe('default');
    const r = await kube.request('PATCH', cm, { data: { 'enable-policy': 'never' } }, 'application/merge-patch+json');
    expect(r.status).toBe(200);
    await kube.ok('DELETE', '/apis/storage.k8s.io/v1/storageclasses/standard');
    const drifted = await waitAddons(
      e,
      NS,
      'early',
      'Drifted',
      (x) => (condition(x, 'Drifted')?.status === 'True' ? x : undefined),
      60_000,
    );
    expect(condition(drifted, 'Drifted')?.reason).toBe('DriftRepaired');
    expect(condition(drifted, 'Drifted')?.message).toMatch(/cilium: .*ConfigMap kube-system\/cilium-config/);
    expect(condition(drifted, 'Drifted')?.message).toMatch(/dev-storage: StorageClass standard/);
    expect((await kube.ok('GET', cm)).data['enable-policy']).toBe('default');
    const sc = await wl1.get('storage.k8s.io/v1', 'StorageClass', 'standard');
    expect(sc?.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class']).toBe('true');
    expect((await events(e, 'early')).map((ev) => ev.reason)).toContain('AddonsDrifted');
    // The next resync finds nothing to repair.
    await waitAddons(e, NS, 'early', 'Drifted back to False', (x) =>
      condition(x, 'Drifted')?.status === 'False' && ready(x) ? x : undefined,
    );
  }, 120_000);

  test(
    'a bundle needing a variable the Cluster lacks: the addon is Failed and the Cluster Degraded naming the ' +
      'variable (not the connection), with an Event; the addons after it wait',
    async () => {
      // The stack in a namespace of its own, its bundle changed to read a variable neither class nor Cluster has.
      await e.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bad' } });
      await applyStack(e, stack, 'bad');
      const kube = new TestKube(e.kubeconfig);
      const path = `/apis/addons.cskit.io/v1alpha1/namespaces/bad/addonbundles/${stack}`;
      const bundle = await kube.ok('GET', path);
      const cm = bundle.spec.addons[0].manifests.find((o: KObject) => o.kind === 'ConfigMap');
      cm.data.mtu = '{{variables.mtu}}';
      await kube.ok('PUT', path, bundle);
      // Its Secret names no live server (as for 'lost'): no other Cluster's workload cluster is touched.
      const dead = fs
        .readFileSync(e.workloads[1].kubeconfig, 'utf8')
        .replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:1');
      await writeWorkloadSecret(e, 'bad', 'novar', dead);
      await e.client.create(clusterObject('novar', 'bad', stack, version));
      const ca = await waitAddons(e, 'bad', 'novar', 'Degraded', (x) =>
        condition(x, 'Degraded')?.status === 'True' ? x : undefined,
      );
      expect(condition(ca, 'Degraded')?.message).toMatch(/^cilium: .*variable "variables\.mtu" is not set/);
      expect(condition(ca, 'Ready')?.status).toBe('False');
      expect(addonStates(ca)).toEqual([
        ['cilium', 'Failed'],
        ['dev-storage', 'Pending'],
        ['metrics-server', 'Pending'],
      ]);
      const warn = (await e.client.list('v1', 'Event', { namespace: 'bad' })).filter(
        (ev) => (ev as { reason?: string }).reason === 'AddonsDegraded',
      );
      expect(warn.map((ev) => (ev as { message?: string }).message)).toEqual([expect.stringMatching(/variables\.mtu/)]);
    },
    240_000,
  );

  test('a hook request for a Cluster the management cluster does not have is a Failure naming it', async () => {
    const ca = fs.readFileSync(m.tlsFiles.ca);
    const answer = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = https.request(
        `${m.hookUrl}/hooks.runtime.cluster.x-k8s.io/v1alpha1/beforeclusterupgrade/cskit-before-cluster-upgrade`,
        { method: 'POST', ca, headers: { 'Content-Type': 'application/json' } },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve(JSON.parse(body)));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ cluster: { metadata: { name: 'ghost', namespace: NS } } }));
    });
    expect(answer).toMatchObject({
      status: 'Failure',
      message: `Cluster ${NS}/ghost not found in the management cluster`,
    });
  }, 30_000);

  test(
    'deleting a Cluster: its LoadBalancer Service and bound provisioned PVC are gone from the workload cluster ' +
      'before CAPI removes the Cluster (BeforeClusterDelete)',
    async () => {
      const kube = new TestKube(e.workloads[0].kubeconfig);
      await kube.ok('POST', '/apis/storage.k8s.io/v1/storageclasses', {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        ...storageClass('csi', 'test.csi.cskit.io', false, { volumeBindingMode: 'Immediate' }),
      });
      await kube.ok('POST', '/api/v1/namespaces/default/persistentvolumeclaims', {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'csi', resources: { requests: { storage: '1Gi' } } },
      });
      await kube.ok('POST', '/api/v1/namespaces/default/services', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }] },
      });
      const bound = await until(
        'PVC default/data Bound by the test provisioner',
        async (last) => {
          const pvc = await wl1.get('v1', 'PersistentVolumeClaim', 'data', 'default');
          last(pvc?.status);
          return pvc?.status?.phase === 'Bound' ? pvc : undefined;
        },
        { timeoutMs: 60_000 },
      );
      const pvName = String(bound.spec?.volumeName);
      expect(pvName).toMatch(/^pvc-/);

      await e.client.delete('cluster.x-k8s.io/v1beta2', 'Cluster', 'early', NS);
      // Follow both sides: when the workload objects went, and when the Cluster went.
      let objectsGoneAt: number | undefined;
      let cleanup: unknown;
      const clusterGoneAt = await until(
        'Cluster default/early gone',
        async (last) => {
          const svc = await wl1.get('v1', 'Service', 'web', 'default');
          const pvc = await wl1.get('v1', 'PersistentVolumeClaim', 'data', 'default');
          if (!svc && !pvc && objectsGoneAt === undefined) objectsGoneAt = Date.now();
          const ca = await e.client.get('addons.cskit.io/v1alpha1', 'ClusterAddons', 'early', NS);
          if (ca?.status?.cleanup) cleanup = ca.status.cleanup;
          const c = await e.client.get('cluster.x-k8s.io/v1beta2', 'Cluster', 'early', NS);
          last({ svc: !!svc, pvc: !!pvc, cleanup, cluster: c?.status?.conditions });
          return c ? undefined : Date.now();
        },
        { timeoutMs: 180_000, everyMs: 250, explain: explain(e) },
      );
      expect(objectsGoneAt).toBeDefined();
      expect(objectsGoneAt!).toBeLessThanOrEqual(clusterGoneAt);
      expect(cleanup).toMatchObject({ state: 'Done', message: 'no LoadBalancer Services or provisioned volumes left' });
      // CAPI fired BeforeClusterDelete and was let go once the cleanup was done.
      expect(m.log()).toMatch(
        /BeforeClusterDelete \{"name":"early"[^\n]*: Success 0s no LoadBalancer Services or provisioned volumes left/,
      );
      // The provisioned volume went with its claim (reclaim policy Delete).
      await until('PV of the claim deleted', async () =>
        (await wl1.get('v1', 'PersistentVolume', pvName)) ? undefined : true,
      );
      expect((await events(e, 'early')).map((ev) => ev.reason)).toContain('AddonsCleanup');
    },
    240_000,
  );

  test('SIGTERM stops the manager with exit code 0', async () => {
    expect(await m.stop()).toBe(0);
    expect(m.log()).toMatch(/stopping/);
  }, 30_000);
});
