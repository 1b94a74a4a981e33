/**
 * A management cluster set up for the addon manager's e2e tests without CAPI controllers: the Cluster, ClusterClass,
 * AddonBundle and ClusterAddons CRDs, a ClusterClass with a one-addon bundle, and Clusters whose control plane is
 * marked initialized through the status subresource (as CAPI would), each with a kubeconfig Secret naming a real
 * workload API server of the testenv. The addon is a ConfigMap (templated with the Cluster's name) and a Deployment
 * that kwok's stages roll out.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import { buildBundle } from '../../../src/bundle/build';
import { KubeApi } from '../../../src/kube/api';
import { ResourceInfo } from '../../../src/kube/apply-types';
import { clusterAddonsCrd } from '../../../src/manager/crd';
import { Hook, handlerName } from '../../../src/manager/hooks';
import { BundledAddon } from '../../../src/model/addon-bundle';
import { bundleCrd } from '../../../src/model/addon-bundle-crd';
import { KObject } from '../../../src/model/object';
import { capiCrds } from '../../apply/support/capi-crds';

export const FM = { fieldManager: 'cskit-e2e', force: true };
export const CLASS = 'demo-class';
import { until } from './until';

export { sleep, until } from './until';

export async function must(api: KubeApi, group: string, kind: string): Promise<ResourceInfo> {
  const r = await api.resource(group, kind);
  if (!r) throw new Error(`${kind} not served`);
  return r;
}

/** The Deployment `web` (one pause container) that kwok's stages roll out: the addons' health check. */
export function webDeployment(namespace: string): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10' }] },
      },
    },
  };
}

export const addon: BundledAddon = {
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
    webDeployment('demo-addon'),
  ],
};

/** Installs the CRDs, the namespace, the ClusterClass and its bundle; returns a client that sees the new kinds. */
export async function setupManagement(kubeconfig: string, ns: string): Promise<KubeApi> {
  const setup = KubeApi.connect({ kubeconfig });
  const crds = await must(setup, 'apiextensions.k8s.io', 'CustomResourceDefinition');
  for (const crd of [...(capiCrds(['clusters', 'clusterclasses']) as KObject[]), bundleCrd(), clusterAddonsCrd()])
    await setup.apply(crds, crd, FM);
  setup.close();
  // Discovery answers are cached per client: ask a fresh one until every kind is served.
  const api = await until('the CRDs served', async () => {
    const probe = KubeApi.connect({ kubeconfig });
    const kinds = [
      ['cluster.x-k8s.io', 'Cluster'],
      ['cluster.x-k8s.io', 'ClusterClass'],
      ['addons.cskit.io', 'AddonBundle'],
      ['addons.cskit.io', 'ClusterAddons'],
    ];
    for (const [g, k] of kinds)
      if (!(await probe.resource(g, k))) {
        probe.close();
        return undefined;
      }
    return probe;
  });
  await applyClass(api, {
    ns,
    name: CLASS,
    id: 'demo',
    addons: [addon],
    classes: await must(api, 'cluster.x-k8s.io', 'ClusterClass'),
    bundles: await must(api, 'addons.cskit.io', 'AddonBundle'),
  });
  return api;
}

/**
 * The namespace `ns`, a ClusterClass `name` in it (its templates are never read: no CAPI controllers run) and the
 * AddonBundle built from `addons` for it. `classes` and `bundles` are the served kinds, resolved by the caller.
 */
export async function applyClass(
  api: KubeApi,
  o: { ns: string; name: string; id: string; addons: BundledAddon[]; classes: ResourceInfo; bundles: ResourceInfo },
): Promise<void> {
  await api.apply(
    await must(api, '', 'Namespace'),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: o.ns } },
    FM,
  );
  const ref = (apiVersion: string, kind: string) => ({ templateRef: { apiVersion, kind, name: 'x' } });
  await api.apply(
    o.classes,
    {
      apiVersion: `cluster.x-k8s.io/${o.classes.version}`,
      kind: 'ClusterClass',
      metadata: { name: o.name, namespace: o.ns },
      spec: {
        infrastructure: ref('infrastructure.cluster.x-k8s.io/v1beta2', 'DevClusterTemplate'),
        controlPlane: ref('controlplane.cluster.x-k8s.io/v1beta2', 'KubeadmControlPlaneTemplate'),
      },
    },
    FM,
  );
  for (const part of buildBundle({ name: o.name, id: o.id, kubernetesVersion: '1.36.4' }, o.addons))
    await api.apply(o.bundles, { ...part, metadata: { ...part.metadata, namespace: o.ns } }, FM);
}

/**
 * A Cluster of the class, control plane initialized, whose Secret (`secret`, by default `<name>-kubeconfig`) holds
 * `workloadKubeconfig`. `spec` is merged into the Cluster's spec (e.g. `paused`). Returns the Cluster as applied.
 */
export async function addCluster(
  api: KubeApi,
  o: {
    ns: string;
    name: string;
    workloadKubeconfig: string;
    secret?: string;
    labels?: Record<string, string>;
    spec?: object;
  },
): Promise<KObject> {
  await api.apply(
    await must(api, '', 'Secret'),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: o.secret ?? `${o.name}-kubeconfig`, namespace: o.ns },
      data: { value: fs.readFileSync(o.workloadKubeconfig).toString('base64') },
    },
    FM,
  );
  const cluster = await setCluster(api, o);
  const clusters = await must(api, 'cluster.x-k8s.io', 'Cluster');
  await api.applyStatus(
    clusters,
    {
      apiVersion: `cluster.x-k8s.io/${clusters.version}`,
      kind: 'Cluster',
      metadata: { name: o.name, namespace: o.ns },
      status: { initialization: { controlPlaneInitialized: true } },
    },
    FM,
  );
  return cluster;
}

/** Applies the Cluster's metadata and spec (the test's field manager owns them); returns the Cluster as applied. */
export async function setCluster(
  api: KubeApi,
  o: { ns: string; name: string; labels?: Record<string, string>; spec?: object },
): Promise<KObject> {
  const clusters = await must(api, 'cluster.x-k8s.io', 'Cluster');
  const { object } = await api.apply(
    clusters,
    {
      apiVersion: `cluster.x-k8s.io/${clusters.version}`,
      kind: 'Cluster',
      metadata: { name: o.name, namespace: o.ns, ...(o.labels ? { labels: o.labels } : {}) },
      spec: { topology: { classRef: { name: CLASS }, version: 'v1.36.4' }, ...(o.spec ?? {}) },
    },
    FM,
  );
  return object;
}

/** Calls a hook of the manager's hook server as CAPI would. */
export function callHook(
  url: string,
  ca: string,
  hook: string,
  cluster: { name: string; namespace: string },
): Promise<Record<string, unknown>> {
  const handler = handlerName(hook as Hook);
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${url}/hooks.runtime.cluster.x-k8s.io/v1alpha1/${hook.toLowerCase()}/${handler}`,
      { method: 'POST', ca },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(JSON.parse(body)));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ cluster: { metadata: cluster } }));
  });
}

/** One line of a kube-apiserver audit log (the fields the tests read). */
export interface AuditEvent {
  readonly verb: string;
  readonly userAgent?: string;
  readonly objectRef?: { resource?: string; namespace?: string; name?: string; subresource?: string };
  readonly requestReceivedTimestamp: string;
  readonly stageTimestamp: string;
  readonly responseStatus?: { code?: number };
}

/** The completed write requests of an audit log whose User-Agent starts with `agentPrefix`. */
export function auditWrites(file: string, agentPrefix: string): AuditEvent[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEvent & { stage?: string })
    .filter((e) => e.stage === 'ResponseComplete' && (e.userAgent ?? '').startsWith(agentPrefix));
}

/** A `cskit` CLI process whose stderr lines can be waited for while it runs. */
export interface CliProcess {
  readonly pid: number;
  readonly lines: string[];
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startCli(args: string[]): CliProcess {
  const main = path.join(__dirname, '..', '..', '..', 'lib', 'src', 'cli', 'main.js');
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: string[] = [];
  let rest = '';
  child.stderr.on('data', (d: Buffer) => {
    const parts = (rest + d.toString('utf8')).split('\n');
    rest = parts.pop() ?? '';
    lines.push(...parts);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    pid: child.pid as number,
    lines,
    exited,
    waitFor: (re, timeoutMs = 60_000) =>
      until(
        `${re} in the manager's log`,
        async () => {
          for (const l of lines) {
            const m = re.exec(l);
            if (m) return m;
          }
          return undefined;
        },
        { timeoutMs },
      ),
  };
}
