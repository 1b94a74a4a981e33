/**
 * The in-cluster deployment on a real API server that enforces RBAC: `cskit manager manifests` passes a server-side
 * dry run and applies with `cskit apply`; then the manager process runs AUTHENTICATED AS ITS ServiceAccount (a
 * TokenRequest token in a kubeconfig, nothing else) with the synthesized roles, through install, hook answers,
 * drift repair, an upgrade held at BeforeClusterUpgrade, and BeforeClusterDelete cleanup; and each rule of the
 * ClusterRole is dropped in turn to show it is needed: the manager names the missing permission (ClusterAddons
 * status, an Event, or its log where neither can be written) and recovers once the rule is back, never crashing.
 * No CAPI controllers run: Cluster and control plane status are written through their status subresources, as CAPI
 * would; the workload cluster is the same API server (the admin kubeconfig in the Cluster's Secret).
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BundledAddon } from '../../src/model/addon-bundle';
import { KubeApi } from '../../src/kube/api';
import { ResourceInfo } from '../../src/kube/apply-types';
import { loadKubeconfig } from '../../src/kube/kubeconfig';
import { Transport } from '../../src/kube/transport';
import { KObject } from '../../src/model/object';
import { makeServingCert } from '../../src/manager/certs';
import { ClusterAddons } from '../../src/manager/crd';
import { Hook } from '../../src/manager/hooks';
import { managerArgs, managerManifests } from '../../src/manager/deploy/manifests';
import { RULES } from '../../src/manager/deploy/rbac';
import { CLUSTER_ADDONS } from '../../src/manager/state';
import { capiCrds } from '../apply/support/capi-crds';
import { cskit, ownCluster } from './support/env';
import { TestKube } from './support/kube';
import { certManagerCrds, missingCertManagerCrds } from '../../testenv/clusterctl';
import { repoRoot } from '../../testenv/harness';
import { freePort } from '../../testenv/supervisor';
import { testWith } from '../support/prerequisite';
import { FM, addCluster, applyClass, callHook, setCluster, until, webDeployment } from './support/manager-world';

const current = ownCluster();
const NS = 'rbac-e2e';
const MANAGER_NS = 'cskit-system';
const dataOf = (o: KObject | undefined) => o?.data as Record<string, string> | undefined;
const cliMain = path.join(__dirname, '..', '..', 'lib', 'src', 'cli', 'main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-rbac-e2e-'));

async function must(api: KubeApi, group: string, kind: string): Promise<ResourceInfo> {
  const r = await until(`${kind} served`, async () => {
    const probe = KubeApi.connect({ kubeconfig: current().kubeconfig });
    try {
      return await probe.resource(group, kind);
    } finally {
      probe.close();
    }
  });
  return (await api.resource(group, kind)) ?? r;
}

const addon = (name: string, upgrade: BundledAddon['upgrade'], order: number, manifests: KObject[]): BundledAddon => ({
  name,
  order,
  version: '1.0.0',
  phase: order === 1 ? 'cni' : 'metrics',
  upgrade,
  namespace: 'rbac-addon',
  dependsOn: [],
  inputs: [],
  healthChecks: manifests
    .filter((m) => m.kind === 'Deployment')
    .map((m) => ({
      type: 'rollout' as const,
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: String(m.metadata?.name),
      namespace: 'rbac-addon',
    })),
  manifests,
});

const addons: BundledAddon[] = [
  addon('web', 'BeforeClusterUpgrade', 1, [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'rbac-addon' } },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'early', namespace: 'rbac-addon' },
      data: { version: '{{cluster.version}}' },
    },
    webDeployment('rbac-addon'),
  ]),
  addon('late', 'AfterClusterUpgrade', 2, [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'late', namespace: 'rbac-addon' },
      data: { version: '{{cluster.version}}' },
    },
  ]),
];

/** The manager as a child process, its log kept for assertions while it runs. */
class ManagerProcess {
  readonly child: ChildProcess;
  log = '';
  exited?: number | null;
  constructor(args: string[]) {
    this.child = spawn(process.execPath, [cliMain, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (d) => (this.log += d));
    this.child.stderr?.on('data', (d) => (this.log += d));
    this.child.on('exit', (code) => (this.exited = code));
  }
  async stop(): Promise<number | null> {
    if (this.exited !== undefined) return this.exited;
    const done = new Promise<number | null>((r) => this.child.once('exit', (c) => r(c)));
    this.child.kill('SIGTERM');
    return done;
  }
}

describe('cskit manager deployed with its manifests, running as its ServiceAccount', () => {
  let admin: KubeApi;
  let kube: TestKube;
  let manager: ManagerProcess | undefined;
  let clusters: ResourceInfo;
  let kcps: ResourceInfo;
  let saKubeconfig: string;
  const out = path.join(tmp, 'manifests');
  const tls = makeServingCert(path.join(tmp, 'tls'), ['127.0.0.1']);
  let hookUrl = '';
  let managerCommand: string[] = [];

  const clusterApiVersion = () => `cluster.x-k8s.io/${clusters.version}`;
  const statusOf = async (name: string) => (await admin.get(CLUSTER_ADDONS, name, NS)) as ClusterAddons | undefined;
  const condition = async (name: string, type: string) =>
    (await statusOf(name))?.status?.conditions?.find((c) => c.type === type);

  /** A Cluster whose control plane (a KubeadmControlPlane with its status.version) is initialized at `version`. */
  async function makeCluster(name: string, version = 'v1.36.4'): Promise<void> {
    await admin.apply(
      kcps,
      {
        apiVersion: `controlplane.cluster.x-k8s.io/${kcps.version}`,
        kind: 'KubeadmControlPlane',
        metadata: { name: `${name}-cp`, namespace: NS },
        spec: {
          version,
          machineTemplate: {
            spec: {
              infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DevMachineTemplate', name: 'x' },
            },
          },
        },
      },
      FM,
    );
    await admin.applyStatus(
      kcps,
      {
        apiVersion: `controlplane.cluster.x-k8s.io/${kcps.version}`,
        kind: 'KubeadmControlPlane',
        metadata: { name: `${name}-cp`, namespace: NS },
        status: { version },
      },
      FM,
    );
    await addCluster(admin, {
      ns: NS,
      name,
      workloadKubeconfig: current().kubeconfig,
      spec: {
        topology: { classRef: { name: 'rbac-class' }, version },
        controlPlaneRef: { apiGroup: 'controlplane.cluster.x-k8s.io', kind: 'KubeadmControlPlane', name: `${name}-cp` },
      },
    });
  }

  /** The ClusterRole and Role as synthesized, maybe without one rule (applied as `cskit apply` does it: cskit). */
  async function clusterRole(without?: string): Promise<void> {
    const synthesized = managerManifests({ version: '0', withoutRules: without ? [without] : [] });
    for (const kind of ['ClusterRole', 'Role']) {
      const role = synthesized.find((o) => o.kind === kind) as KObject;
      const res = (await admin.resource('rbac.authorization.k8s.io', kind)) as ResourceInfo;
      const { labels: _labels, ...metadata } = role.metadata ?? {};
      void _labels;
      await admin.apply(res, { ...role, metadata }, { fieldManager: 'cskit', force: true });
    }
  }

  const hook = (hookName: Hook, name: string) => callHook(hookUrl, tls.ca, hookName, { name, namespace: NS });

  beforeAll(async () => {
    const { kubeconfig } = current();
    admin = KubeApi.connect({ kubeconfig });
    kube = new TestKube(kubeconfig);
    const crds = (await admin.resource('apiextensions.k8s.io', 'CustomResourceDefinition')) as ResourceInfo;
    for (const crd of capiCrds(['clusters', 'clusterclasses', 'kubeadmcontrolplanes', 'extensionconfigs']) as KObject[])
      await admin.apply(crds, crd, FM);
    clusters = await must(admin, 'cluster.x-k8s.io', 'Cluster');
    kcps = await must(admin, 'controlplane.cluster.x-k8s.io', 'KubeadmControlPlane');
    await must(admin, 'runtime.cluster.x-k8s.io', 'ExtensionConfig');
  }, 180_000);

  afterAll(async () => {
    await manager?.stop();
    admin?.close();
  });

  test('the manifests pass a server-side dry run, then apply with cskit apply', async () => {
    const { kubeconfig } = current();
    // cert-manager is not installed in the testenv: the Secret-mode manifests (no Issuer/Certificate).
    const w = await cskit(['manager', 'manifests', '-o', out, '--tls', 'secret']);
    expect(w.code).toBe(0);
    const dry = await cskit(['apply', out, '--kubeconfig', kubeconfig, '--dry-run', 'server']);
    expect({ code: dry.code, stderr: dry.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    // Objects in a Namespace the same input creates cannot be checked by a dry run; with the Namespace there, all are.
    const ns = (await admin.resource('', 'Namespace')) as ResourceInfo;
    await admin.apply(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: MANAGER_NS } }, FM);
    const full = await cskit(['apply', out, '--kubeconfig', kubeconfig, '--dry-run', 'server', '-o', 'json']);
    expect({ code: full.code, stderr: full.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const report = JSON.parse(full.stdout) as {
      dryRun: boolean;
      objects: Array<{ kind: string; name: string; action: string; message?: string }>;
    };
    expect(report.dryRun).toBe(true);
    const synthesized = managerManifests({ version: '0', tls: 'secret' });
    expect(report.objects.map((o) => `${o.kind} ${o.name}`).sort()).toEqual(
      synthesized.map((o) => `${o.kind} ${o.metadata?.name}`).sort(),
    );
    // Every object went through the API server's validation and admission (no "not checked" note), none failed.
    expect(report.objects.filter((o) => o.action === 'failed' || o.message)).toEqual([]);
    const sa = await admin.get(
      { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true },
      'cskit-manager',
      MANAGER_NS,
    );
    expect(sa).toBeUndefined(); // a dry run stores nothing
    const real = await cskit(['apply', out, '--applyset', 'cskit-manager', '--kubeconfig', kubeconfig]);
    expect({ code: real.code, stderr: real.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const ext = await kube.ok('GET', '/apis/runtime.cluster.x-k8s.io/v1beta2/extensionconfigs/cskit-addons');
    expect(ext.spec.clientConfig.service).toMatchObject({ name: 'cskit-manager', namespace: MANAGER_NS, port: 443 });
  }, 180_000);

  test('two shards of the manifests (--shard a, --shard b) pass a server-side dry run side by side', async () => {
    const { kubeconfig } = current();
    for (const shard of ['a', 'b']) {
      const dir = path.join(tmp, `manifests-shard-${shard}`);
      const sel = `shard=${shard}`;
      expect(
        (await cskit(['manager', 'manifests', '-o', dir, '--tls', 'secret', '--shard', shard, '--selector', sel])).code,
      ).toBe(0);
      const dry = await cskit(['apply', dir, '--kubeconfig', kubeconfig, '--dry-run', 'server', '-o', 'json']);
      expect({ code: dry.code, stderr: dry.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
      const objects = (
        JSON.parse(dry.stdout) as { objects: Array<{ kind: string; name: string; action: string; message?: string }> }
      ).objects;
      expect(objects.filter((o) => o.action === 'failed' || o.message)).toEqual([]);
      expect(objects.map((o) => `${o.kind} ${o.name}`)).toEqual(
        expect.arrayContaining([`Deployment cskit-manager-${shard}`, `ExtensionConfig cskit-addons-${shard}`]),
      );
    }
  }, 60_000);

  testWith(
    { what: "cert-manager's CRDs", missing: missingCertManagerCrds(), fix: 'copy them with: bash testenv/build.sh' },
    "the default manifests (certificate by cert-manager) pass a server-side dry run against cert-manager's CRDs",
    async () => {
      const { kubeconfig } = current();
      // The CRDs `clusterctl init` installs with cert-manager, as on a real management cluster (no controller runs).
      const { version, crds } = certManagerCrds();
      // The schemas `cskit verify` bundles are of the same release (scripts/import-crds.sh): move the pin with CAPI.
      const bundled = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'src/schema/bundle.json'), 'utf8')).sources;
      expect(bundled['github.com/cert-manager/cert-manager']).toBe(version);
      const crdRes = (await admin.resource('apiextensions.k8s.io', 'CustomResourceDefinition')) as ResourceInfo;
      for (const crd of crds) await admin.apply(crdRes, crd, FM);
      for (const kind of ['Issuer', 'Certificate'])
        await until(`cert-manager ${version} ${kind} served`, () => admin.resource('cert-manager.io', kind), {
          timeoutMs: 30_000,
        });
      const dir = path.join(tmp, 'manifests-cert-manager');
      const w = await cskit(['manager', 'manifests', '-o', dir]);
      expect(w.code).toBe(0);
      const dry = await cskit(['apply', dir, '--kubeconfig', kubeconfig, '--dry-run', 'server', '-o', 'json']);
      expect({ code: dry.code, stderr: dry.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
      const report = JSON.parse(dry.stdout) as {
        objects: Array<{ kind: string; name: string; action: string; message?: string }>;
      };
      const synthesized = managerManifests({ version: '0' });
      expect(
        synthesized
          .filter((o) => o.apiVersion?.startsWith('cert-manager.io/'))
          .map((o) => o.kind)
          .sort(),
      ).toEqual(expect.arrayContaining(['Certificate', 'Issuer']));
      expect(report.objects.map((o) => `${o.kind} ${o.name}`).sort()).toEqual(
        synthesized.map((o) => `${o.kind} ${o.metadata?.name}`).sort(),
      );
      // The Issuers and Certificates too went through the API server's validation against cert-manager's schema.
      expect(report.objects.filter((o) => o.action === 'failed' || o.message)).toEqual([]);
      // ... which the server enforces: the same Certificate with a wrongly typed field is refused.
      const cert = synthesized.find((o) => o.kind === 'Certificate') as KObject;
      const certs = (await admin.resource('cert-manager.io', 'Certificate')) as ResourceInfo;
      await expect(
        admin.create(certs, { ...cert, spec: { ...cert.spec, isCA: 'yes' } }, { dryRun: true }),
      ).rejects.toThrow(/isCA/);
    },
    60_000,
  );

  test('as its ServiceAccount the manager installs, answers hooks, repairs drift, upgrades, cleans up', async () => {
    // A token for the ServiceAccount (TokenRequest) in a kubeconfig of its own: the manager has nothing else.
    const token = await kube.ok('POST', `/api/v1/namespaces/${MANAGER_NS}/serviceaccounts/cskit-manager/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 3600 },
    });
    const cfg = loadKubeconfig({ kubeconfig: current().kubeconfig });
    saKubeconfig = path.join(tmp, 'sa.kubeconfig');
    fs.writeFileSync(
      saKubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'c', cluster: { server: cfg.server, 'certificate-authority-data': cfg.ca?.toString('base64') } },
        ],
        users: [{ name: 'sa', user: { token: token.status.token } }],
        // As in the pod: the manager's namespace is the context's (where its Lease lives).
        contexts: [{ name: 'sa', context: { cluster: 'c', user: 'sa', namespace: MANAGER_NS } }],
        'current-context': 'sa',
      }),
      { mode: 0o600 },
    );
    // The same token as a pod sees it: no kubeconfig anywhere, the in-cluster config (THE reader) against this server.
    const saDir = path.join(tmp, 'serviceaccount');
    fs.mkdirSync(saDir);
    fs.writeFileSync(path.join(saDir, 'token'), token.status.token, { mode: 0o600 });
    fs.writeFileSync(path.join(saDir, 'ca.crt'), cfg.ca ?? '');
    fs.writeFileSync(path.join(saDir, 'namespace'), MANAGER_NS);
    const url = new URL(cfg.server);
    const inCluster = loadKubeconfig(
      {},
      {
        env: { KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port },
        home: path.join(tmp, 'no-home'),
        serviceAccountDir: saDir,
      },
    );
    expect([inCluster.source, inCluster.namespace]).toEqual(['in-cluster config', MANAGER_NS]);
    const pod = new KubeApi(new Transport(inCluster));
    try {
      expect(await pod.allowed({ verb: 'watch', group: 'cluster.x-k8s.io', resource: 'clusters' })).toBe(true);
      expect(await pod.list(clusters)).toEqual([]);
    } finally {
      pod.close();
    }
    const sa = KubeApi.connect({ kubeconfig: saKubeconfig });
    try {
      // The token is the ServiceAccount's, and RBAC holds it to the synthesized roles.
      expect(await sa.allowed({ verb: 'get', group: '', resource: 'secrets', namespace: NS })).toBe(true);
      expect(await sa.allowed({ verb: 'list', group: '', resource: 'secrets', namespace: NS })).toBe(false);
      expect(await sa.allowed({ verb: 'create', group: '', resource: 'secrets', namespace: MANAGER_NS })).toBe(false);
      expect(await sa.allowed({ verb: 'delete', group: 'cluster.x-k8s.io', resource: 'clusters' })).toBe(false);
    } finally {
      sa.close();
    }

    await applyClass(admin, {
      ns: NS,
      name: 'rbac-class',
      id: 'rbac',
      addons,
      classes: await must(admin, 'cluster.x-k8s.io', 'ClusterClass'),
      bundles: await must(admin, 'addons.cskit.io', 'AddonBundle'),
    });
    await makeCluster('demo');

    const port = await freePort();
    hookUrl = `https://127.0.0.1:${port}`;
    for (const [f, pem] of [
      ['tls.crt', tls.cert],
      ['tls.key', tls.key],
      ['ca.crt', tls.ca],
    ])
      fs.writeFileSync(path.join(tmp, f), pem, { mode: 0o600 });
    // The Deployment's own arguments, with the pod's paths and address replaced by this machine's; --leader-elect
    // stays once the CLI has it (wt/ops), so the Lease rule is exercised too.
    const help = await cskit(['manager', '--help']);
    const local: Record<string, string> = {
      '--hook-host': '127.0.0.1',
      '--hook-port': String(port),
      '--tls-cert-file': path.join(tmp, 'tls.crt'),
      '--tls-key-file': path.join(tmp, 'tls.key'),
      '--tls-ca-file': path.join(tmp, 'ca.crt'),
    };
    const args = managerArgs()
      .map((a, i, all) => local[all[i - 1]] ?? a)
      .filter((a) => a !== '--leader-elect' || help.stdout.includes('--leader-elect'));
    managerCommand = [...args, '--kubeconfig', saKubeconfig, '--resync', '2s', '--metrics-bind-address', '127.0.0.1:0'];
    manager = new ManagerProcess(managerCommand);
    const m = manager;
    const configMaps = (await admin.resource('', 'ConfigMap')) as ResourceInfo;
    const deployments = (await admin.resource('apps', 'Deployment')) as ResourceInfo;
    const fail = (e: unknown) => new Error(`${(e as Error).message}\nmanager log:\n${m.log}`);
    try {
      // Install.
      const ready = await until('demo Ready', async () =>
        (await condition('demo', 'Ready'))?.status === 'True' ? statusOf('demo') : undefined,
      );
      expect(ready?.status?.applied).toEqual({ className: 'rbac-class', kubernetesVersion: 'v1.36.4' });
      expect((await admin.get(deployments, 'web', 'rbac-addon'))?.status?.availableReplicas).toBe(1);
      expect((await admin.get(configMaps, 'late', 'rbac-addon'))?.data).toEqual({ version: 'v1.36.4' });
      expect(await hook('BeforeClusterUpgrade', 'demo')).toMatchObject({ status: 'Success', retryAfterSeconds: 0 });

      // Drift: a hand-deleted object comes back.
      await admin.delete(configMaps, 'early', 'rbac-addon');
      await until('ConfigMap early back', () => admin.get(configMaps, 'early', 'rbac-addon'), { timeoutMs: 30_000 });

      // Upgrade: the BeforeClusterUpgrade addon moves at once, the AfterClusterUpgrade one waits for CAPI.
      await setCluster(admin, {
        ns: NS,
        name: 'demo',
        spec: {
          topology: { classRef: { name: 'rbac-class' }, version: 'v1.36.5' },
          controlPlaneRef: { apiGroup: 'controlplane.cluster.x-k8s.io', kind: 'KubeadmControlPlane', name: 'demo-cp' },
        },
      });
      await until('early at v1.36.5', async () =>
        dataOf(await admin.get(configMaps, 'early', 'rbac-addon'))?.version === 'v1.36.5' ? true : undefined,
      );
      await until('BeforeClusterUpgrade lets CAPI go', async () => {
        const r = await hook('BeforeClusterUpgrade', 'demo');
        return r.status === 'Success' && r.retryAfterSeconds === 0 ? r : undefined;
      });
      expect(dataOf(await admin.get(configMaps, 'late', 'rbac-addon'))?.version).toBe('v1.36.4');
      expect((await statusOf('demo'))?.status?.applied?.kubernetesVersion).toBe('v1.36.4');
      // CAPI upgrades the control plane and the workers (written here as CAPI would).
      await admin.applyStatus(
        kcps,
        {
          apiVersion: `controlplane.cluster.x-k8s.io/${kcps.version}`,
          kind: 'KubeadmControlPlane',
          metadata: { name: 'demo-cp', namespace: NS },
          status: { version: 'v1.36.5' },
        },
        FM,
      );
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      await admin.applyStatus(
        clusters,
        {
          apiVersion: clusterApiVersion(),
          kind: 'Cluster',
          metadata: { name: 'demo', namespace: NS },
          status: {
            initialization: { controlPlaneInitialized: true },
            conditions: [
              {
                type: 'TopologyReconciled',
                status: 'True',
                reason: 'ReconcileSucceeded',
                message: '',
                lastTransitionTime: now,
              },
            ],
          },
        },
        FM,
      );
      await until('demo applied at v1.36.5', async () =>
        (await statusOf('demo'))?.status?.applied?.kubernetesVersion === 'v1.36.5' ? true : undefined,
      );
      expect(dataOf(await admin.get(configMaps, 'late', 'rbac-addon'))?.version).toBe('v1.36.5');

      // Delete: a LoadBalancer Service in the workload cluster is gone before the Cluster may go.
      const services = (await admin.resource('', 'Service')) as ResourceInfo;
      await admin.apply(
        services,
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'lb', namespace: 'rbac-addon' },
          spec: { type: 'LoadBalancer', ports: [{ port: 80 }], selector: { app: 'web' } },
        },
        FM,
      );
      await admin.apply(
        clusters,
        {
          apiVersion: clusterApiVersion(),
          kind: 'Cluster',
          metadata: { name: 'demo', namespace: NS, finalizers: ['e2e.cskit.io/hold'] },
        },
        { fieldManager: 'e2e-finalizer', force: true },
      );
      await admin.delete(clusters, 'demo', NS);
      const cleaned = await until('cleanup Done', async () => {
        const s = (await statusOf('demo'))?.status?.cleanup;
        return s?.state === 'Done' ? s : undefined;
      });
      expect(cleaned.message).toMatch(/^no LoadBalancer Services or provisioned volumes left/);
      expect(await admin.get(services, 'lb', 'rbac-addon')).toBeUndefined();
      expect(await hook('BeforeClusterDelete', 'demo')).toMatchObject({ status: 'Success', retryAfterSeconds: 0 });
      await admin.apply(
        clusters,
        { apiVersion: clusterApiVersion(), kind: 'Cluster', metadata: { name: 'demo', namespace: NS, finalizers: [] } },
        { fieldManager: 'e2e-finalizer', force: true },
      );
      expect(m.exited).toBeUndefined();
      expect(m.log).not.toMatch(/forbidden/);
    } catch (e) {
      throw fail(e);
    }
  }, 300_000);

  /**
   * Where a dropped rule shows: the ClusterAddons status when the manager can still write it, an Event on the Cluster
   * when it cannot write status, its log when it can write neither (Events, or the Cluster itself unreadable).
   * Leases (Role in the manager's namespace) last: without them the leader loses its Lease, and a manager that
   * starts is refused at once by its start check (exit 2 naming the permission).
   */
  const DROPPED: Record<string, { seen: 'status' | 'event' | 'log'; names: RegExp }> = {
    // The open watch still brings the new Cluster; reading it (or listing again) is refused.
    clusters: { seen: 'log', names: /may not (get|list|watch) clusters\.cluster\.x-k8s\.io/ },
    clusterclasses: { seen: 'status', names: /may not get clusterclasses\.cluster\.x-k8s\.io in namespace rbac-e2e/ },
    kubeadmcontrolplanes: {
      seen: 'status',
      names: /may not get kubeadmcontrolplanes\.controlplane\.cluster\.x-k8s\.io in namespace rbac-e2e/,
    },
    addonbundles: { seen: 'status', names: /may not list addonbundles\.addons\.cskit\.io in namespace rbac-e2e/ },
    clusteraddons: {
      seen: 'event',
      names: /may not (get|create) clusteraddons\.addons\.cskit\.io in namespace rbac-e2e/,
    },
    'clusteraddons-status': {
      seen: 'event',
      names: /may not patch clusteraddons\/status\.addons\.cskit\.io in namespace rbac-e2e/,
    },
    events: { seen: 'log', names: /may not create events in namespace rbac-e2e/ },
    secrets: { seen: 'status', names: /may not get secrets in namespace rbac-e2e/ },
  };
  const NOT_YET = ['leases', 'lease']; // proven by their own test below

  test('every rule is needed: dropped, the manager names the permission, and recovers once it is back', async () => {
    expect([...Object.keys(DROPPED), ...NOT_YET].sort()).toEqual(RULES.map((r) => r.id).sort());
    const m = manager;
    if (!m) throw new Error('the lifecycle test did not start the manager');
    const sa = KubeApi.connect({ kubeconfig: saKubeconfig });
    const events = (await admin.resource('', 'Event')) as ResourceInfo;
    const allowed = (id: string) => {
      const r = RULES.find((x) => x.id === id)!;
      return sa.allowed({ verb: r.verbs[0], group: r.apiGroup, resource: r.resource, namespace: NS });
    };
    try {
      for (const [id, { seen, names }] of Object.entries(DROPPED)) {
        const name = `r-${id}`.replace(/[^a-z0-9-]/g, '-');
        await clusterRole(id);
        await until(`RBAC without ${id}`, async () => ((await allowed(id)) ? undefined : true));
        const logFrom = m.log.length;
        await makeCluster(name);
        const found = await until(`${id}: the missing permission named (${seen})`, async () => {
          if (seen === 'log') return names.test(m.log.slice(logFrom)) ? true : undefined;
          if (seen === 'status') {
            const d = await condition(name, 'Degraded');
            return d?.reason === 'PermissionDenied' && names.test(d.message) ? d : undefined;
          }
          const evs = await admin.list(events, { namespace: NS });
          return evs.find(
            (e) =>
              (e.involvedObject as { name?: string } | undefined)?.name === name &&
              e.reason === 'AddonsPermissionDenied' &&
              names.test(String(e.message)),
          );
        });
        expect(found).toBeTruthy();
        expect(m.exited).toBeUndefined();
        // Back: the same Cluster becomes Ready (touched, as a fix to RBAC does not touch the Cluster).
        await clusterRole();
        await until(`RBAC with ${id}`, async () => ((await allowed(id)) ? true : undefined));
        await admin.apply(
          clusters,
          {
            apiVersion: clusterApiVersion(),
            kind: 'Cluster',
            metadata: { name, namespace: NS, annotations: { 'e2e.cskit.io/touch': String(Date.now()) } },
          },
          { fieldManager: 'e2e-touch', force: true },
        );
        await until(`${name} Ready after ${id} is back`, async () =>
          (await condition(name, 'Ready'))?.status === 'True' ? true : undefined,
        );
      }
      expect(m.exited).toBeUndefined();
    } catch (e) {
      throw new Error(`${(e as Error).message}\nmanager log:\n${m.log}`, { cause: e });
    } finally {
      sa.close();
    }
    expect(await m.stop()).toBe(0);
    manager = undefined;
  }, 300_000);

  test.each([
    ['leases', 'create', undefined, /may not create leases\.coordination\.k8s\.io in namespace cskit-system/],
    [
      'lease',
      'get',
      'cskit-manager',
      /may not get leases\.coordination\.k8s\.io cskit-manager in namespace cskit-system/,
    ],
  ])(
    'without the Lease rule %s a starting manager is refused: exit 2 naming %s of the Lease',
    async (id, verb, name, names) => {
      expect(managerCommand).toContain('--leader-elect');
      await clusterRole(id);
      const sa = KubeApi.connect({ kubeconfig: saKubeconfig });
      try {
        const lease = { verb, group: 'coordination.k8s.io', resource: 'leases', namespace: MANAGER_NS, name };
        await until(`RBAC without ${id}`, async () => ((await sa.allowed(lease)) ? undefined : true));
        const refused = new ManagerProcess(managerCommand);
        const code = await until('the manager exits', async () => (refused.exited !== undefined ? refused : undefined));
        expect(code.exited).toBe(2);
        expect(refused.log).toMatch(names);
        expect(refused.log).not.toMatch(/\n\s+at /); // no stack trace
      } finally {
        await clusterRole();
        sa.close();
      }
    },
    60_000,
  );
});
