import * as fs from 'fs';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { buildBundle } from '../../src/bundle/build';
import { bundleCrd } from '../../src/model/addon-bundle-crd';
import { BundledAddon } from '../../src/model/addon-bundle';
import { KubeApi } from '../../src/kube/api';
import { ResourceInfo } from '../../src/kube/apply-types';
import { KObject } from '../../src/model/object';
import { clusterBundles } from '../../src/manager/bundles';
import { makeServingCert } from '../../src/manager/certs';
import { ClusterAddons, clusterAddonsCrd } from '../../src/manager/crd';
import { RunningManager, startManager } from '../../src/manager/run';
import { CLUSTER_ADDONS } from '../../src/manager/state';
import { capiCrds } from '../apply/support/capi-crds';
import { cskit, ownCluster } from './support/env';

// The manager against a real kube-apiserver of the testenv, used as both management and workload cluster (a
// second API server as workload cluster comes with wt/capd). No CAPI controllers run: the Cluster's control plane
// is marked initialized through its status subresource, as CAPI would. The Deployment is rolled out by the
// testenv's kube-controller-manager, scheduler and kwok stages (a fake node): "rolled out" here means kwok's stages.
const current = ownCluster();
const NS = 'mgr-e2e';
const FM = { fieldManager: 'cskit-e2e', force: true };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

/** Waits until a kind is served, asking a fresh client each time (discovery answers are cached per client). */
async function served(kubeconfig: string, group: string, kind: string): Promise<ResourceInfo> {
  return until(`${kind} served`, async () => {
    const probe = KubeApi.connect({ kubeconfig });
    try {
      return await probe.resource(group, kind);
    } finally {
      probe.close();
    }
  });
}

async function must(api: KubeApi, group: string, kind: string): Promise<ResourceInfo> {
  const r = await api.resource(group, kind);
  if (!r) throw new Error(`${kind} not served`);
  return r;
}

const addon: BundledAddon = {
  name: 'web',
  order: 1,
  version: '1.0.0',
  phase: 'cni',
  upgrade: 'BeforeClusterUpgrade',
  namespace: 'demo-addon',
  dependsOn: [],
  inputs: [],
  healthChecks: [{ type: 'rollout', apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'demo-addon' }],
  manifests: [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo-addon' } },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'demo-addon' },
      data: { cluster: '{{cluster.name}}' },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'demo-addon' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10' }] },
        },
      },
    },
  ],
};

describe('cskit manager on a real API server', () => {
  let api: KubeApi;
  let manager: RunningManager | undefined;
  const tls = makeServingCert(fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-mgr-e2e-')), ['127.0.0.1']);

  beforeAll(async () => {
    const { kubeconfig } = current();
    const setup = KubeApi.connect({ kubeconfig });
    const crds = (await setup.resource('apiextensions.k8s.io', 'CustomResourceDefinition')) as ResourceInfo;
    for (const crd of [...(capiCrds(['clusters', 'clusterclasses']) as KObject[]), bundleCrd(), clusterAddonsCrd()])
      await setup.apply(crds, crd, FM);
    setup.close();
    for (const [g, k] of [
      ['cluster.x-k8s.io', 'Cluster'],
      ['cluster.x-k8s.io', 'ClusterClass'],
      ['addons.cskit.io', 'AddonBundle'],
      ['addons.cskit.io', 'ClusterAddons'],
    ])
      await served(kubeconfig, g, k);
    api = KubeApi.connect({ kubeconfig });
    const ns = (await api.resource('', 'Namespace')) as ResourceInfo;
    await api.apply(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, FM);
    const secrets = (await api.resource('', 'Secret')) as ResourceInfo;
    await api.apply(
      secrets,
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'demo-kubeconfig', namespace: NS },
        data: { value: fs.readFileSync(kubeconfig).toString('base64') },
      },
      FM,
    );
    const cc = await must(api, 'cluster.x-k8s.io', 'ClusterClass');
    await api.apply(
      cc,
      {
        apiVersion: `cluster.x-k8s.io/${cc.version}`,
        kind: 'ClusterClass',
        metadata: { name: 'demo-class', namespace: NS },
        spec: {
          infrastructure: {
            templateRef: {
              apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
              kind: 'DevClusterTemplate',
              name: 'x',
            },
          },
          controlPlane: {
            templateRef: {
              apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
              kind: 'KubeadmControlPlaneTemplate',
              name: 'x',
            },
          },
        },
      },
      FM,
    );
    const bundles = await must(api, 'addons.cskit.io', 'AddonBundle');
    for (const part of buildBundle({ name: 'demo-class', id: 'demo', kubernetesVersion: '1.36.4' }, [addon]))
      await api.apply(bundles, { ...part, metadata: { ...part.metadata, namespace: NS } }, FM);
  }, 180_000);

  afterAll(async () => {
    await manager?.stop();
    api?.close();
  });

  test(
    'installs a bundle into the workload API server; Ready only once kwok stages roll the Deployment out; ' +
      'the hook answers Success; a hand-deleted object comes back',
    async () => {
      const clusters = await must(api, 'cluster.x-k8s.io', 'Cluster');
      const cluster = await api.apply(
        clusters,
        {
          apiVersion: `cluster.x-k8s.io/${clusters.version}`,
          kind: 'Cluster',
          metadata: { name: 'demo', namespace: NS },
          spec: { topology: { classRef: { name: 'demo-class' }, version: 'v1.36.4' } },
        },
        FM,
      );
      expect(cluster.object.metadata?.uid).toBeTruthy();
      await api.applyStatus(
        clusters,
        {
          apiVersion: `cluster.x-k8s.io/${clusters.version}`,
          kind: 'Cluster',
          metadata: { name: 'demo', namespace: NS },
          status: { initialization: { controlPlaneInitialized: true } },
        },
        FM,
      );
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

      const answer = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const url =
          `${manager?.hookUrl}/hooks.runtime.cluster.x-k8s.io/v1alpha1/` +
          'beforeclusterupgrade/cskit-before-cluster-upgrade';
        const req = https.request(url, { method: 'POST', ca: tls.ca }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve(JSON.parse(body)));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ cluster: { metadata: { name: 'demo', namespace: NS } } }));
      });
      expect(answer).toMatchObject({ status: 'Success', retryAfterSeconds: 0 });

      await api.delete(cms, 'settings', 'demo-addon');
      const back = await until('ConfigMap settings put back', () => api.get(cms, 'settings', 'demo-addon'), 30_000);
      expect(back.data).toEqual({ cluster: 'demo' });
      await manager.stop();
      manager = undefined;
    },
    240_000,
  );

  test('the CLI: cskit manager reconciles another Cluster, addons status shows it Ready, SIGTERM ends it', async () => {
    const { kubeconfig } = current();
    const clusters = await must(api, 'cluster.x-k8s.io', 'Cluster');
    const apiVersion = `cluster.x-k8s.io/${clusters.version}`;
    const meta = { name: 'demo2', namespace: NS };
    await api.apply(
      clusters,
      {
        apiVersion,
        kind: 'Cluster',
        metadata: meta,
        spec: { topology: { classRef: { name: 'demo-class' }, version: 'v1.36.4' } },
      },
      FM,
    );
    await api.applyStatus(
      clusters,
      { apiVersion, kind: 'Cluster', metadata: meta, status: { initialization: { controlPlaneInitialized: true } } },
      FM,
    );
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const secrets = (await api.resource('', 'Secret')) as ResourceInfo;
    await api.apply(
      secrets,
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'demo2-wl', namespace: NS },
        data: { value: fs.readFileSync(kubeconfig).toString('base64') },
      },
      FM,
    );
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
