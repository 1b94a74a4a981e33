import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { CapiEnv, missingCapiBinaries, startCapi, stopCapi } from '../../testenv/capi';
import { repoRoot, startEnv, stopEnv } from '../../testenv/harness';
import type { EnvState } from '../../testenv/supervisor';
import { Prerequisite, describeWith } from '../support/prerequisite';
import { cskit } from './support/env';
import { TestKube } from './support/kube';
import { readLock } from '../../src/model/lock';

// Our synthesized stacks against the real Cluster API managers (v1.14; built from the Go module proxy by
// testenv/build.sh): the webhooks accept every class, the ClusterClass controller resolves its templates and
// variables, and the topology controller turns a Cluster's variables into provider objects through our patches.
// This file runs its own API server: it installs CRDs and cluster-wide webhooks.

// Our own synth of every stack (v1beta2, the default, and v1beta1), as `npx cdk8s synth` writes dist/: the shared
// dist/ may be rewritten by a parallel run at any moment. Done at load time because test.each needs the list.
const missing = missingCapiBinaries();
// The stacks the shipped lock pins; the topology tests use the 1.36 OpenStack stack (name and version from the lock).
const lock = readLock(path.join(repoRoot(), 'stacks.lock.json'));
const lockedStacks = Object.entries(lock.stacks).flatMap(([id, minors]) =>
  Object.entries(minors).map(([minor, e]) => `${id}-${minor.replace('.', '-')}-${e.version}`),
);
const os136 = lock.stacks['openstack-scs']['1.36'];
const stack136 = `openstack-scs-1-36-${os136.version}`;
const k8s136 = `v${os136.kubernetesVersion}`;
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-capi-e2e-'));
const dist = path.join(out, 'dist');
const distV1beta1 = path.join(out, 'dist-v1beta1');
const synthErrors: string[] = [];
for (const [dir, version] of missing.length
  ? []
  : [
      [dist, 'v1beta2'],
      [distV1beta1, 'v1beta1'],
    ]) {
  try {
    execFileSync(
      process.execPath,
      [path.join(repoRoot(), 'lib', 'src', 'cli', 'main.js'), 'synth', '--capi-api-version', version, '-o', dir],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } },
    );
  } catch (e) {
    synthErrors.push(
      `cskit synth --capi-api-version ${version}: ${(e as { stderr?: Buffer }).stderr ?? (e as Error).message}`,
    );
  }
}
const listStacks = (d: string) =>
  fs.existsSync(d)
    ? fs
        .readdirSync(d)
        .filter((s) => fs.existsSync(path.join(d, s, 'cluster-class.yaml')))
        .sort()
    : [];
const stacks = listStacks(dist);
if (missing.length) fs.rmSync(out, { recursive: true, force: true });
// `.ci/run` builds the managers (testenv/build.sh), so under CI they are never missing; locally the summary says so.
const capiBuilt: Prerequisite = {
  what: 'Cluster API managers',
  missing,
  fix: 'build them with: bash testenv/build.sh',
};

const CC = '/apis/cluster.x-k8s.io/v1beta2';
// CAPI objects read back from the server and compared deep
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** Polls until `probe` returns a value; on timeout the error shows the last thing seen. */
async function eventually<T>(
  what: string,
  probe: () => Promise<{ value?: T; seen: unknown }>,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let seen: unknown;
  for (;;) {
    const r = await probe();
    if (r.value !== undefined) return r.value;
    seen = r.seen;
    if (Date.now() > end)
      throw new Error(`${what}: not reached in ${timeoutMs / 1000} s; last seen: ${JSON.stringify(seen, null, 1)}`);
    await new Promise((res) => setTimeout(res, 500));
  }
}

const plural = (kind: string) => kind.toLowerCase() + (kind.endsWith('s') ? 'es' : 's');
const condition = (obj: Obj | undefined, type: string) =>
  (obj?.status?.conditions ?? []).find((c: Obj) => c.type === type);

describeWith(capiBuilt, 'Cluster API e2e (real core, kubeadm bootstrap and control-plane managers)', () => {
  let env: EnvState;
  let capi: CapiEnv;
  let kube: TestKube;
  let kubeconfig: string;

  beforeAll(async () => {
    env = await startEnv(['mgmt']);
    capi = await startCapi(env.clusters.mgmt, { dir: path.join(env.dir, 'capi') });
    kubeconfig = env.clusters.mgmt.kubeconfig;
    kube = new TestKube(kubeconfig);
  }, 300_000);

  afterAll(async () => {
    if (capi) await stopCapi(capi);
    if (env) await stopEnv(env, { keepDir: !!process.env.CSKIT_KEEP_TESTENV });
    fs.rmSync(out, { recursive: true, force: true });
  });

  async function namespace(name: string): Promise<string> {
    const r = await kube.request('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
    if (r.status !== 201 && r.status !== 409) throw new Error(`namespace ${name}: HTTP ${r.status}`);
    return name;
  }

  /** `cskit apply <stack folder> --wait`, as the issue's "Done when" says; returns its report. */
  async function applyStack(stack: string, ns: string, from = dist): Promise<string> {
    const r = await cskit([
      'apply',
      path.join(from, stack),
      '--kubeconfig',
      kubeconfig,
      '-n',
      ns,
      '--wait',
      '--timeout',
      '60s',
    ]);
    if (r.code !== 0) throw new Error(`cskit apply ${stack} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }
  const getUrl = (o: Obj, ns: string) => `/apis/${o.apiVersion}/namespaces/${ns}/${plural(o.kind)}/${o.metadata.name}`;

  const readClass = (stack: string): Obj[] =>
    parseAllDocuments(fs.readFileSync(path.join(dist, stack, 'cluster-class.yaml'), 'utf8'))
      .map((d) => d.toJS())
      .filter((o) => o?.kind);

  // With CSKIT_TESTENV_CAPI (an older management cluster, testenv/capi-manifests.ts OLDER_MANAGEMENT): that version.
  test('the managers are the Cluster API version our typed imports come from (scripts/import-crds.sh)', () => {
    const pinned = /^CAPI_VERSION=(v[\d.]+)/m.exec(
      fs.readFileSync(path.join(repoRoot(), 'scripts', 'import-crds.sh'), 'utf8'),
    )?.[1];
    expect(capi.versions.capi).toBe(process.env.CSKIT_TESTENV_CAPI ?? pinned);
    expect(capi.managers.map((m) => m.name)).toEqual([
      'capi-manager',
      'capi-kubeadm-bootstrap',
      'capi-kubeadm-control-plane',
    ]);
    for (const m of capi.managers) expect(m.args).toContain('--feature-gates=ClusterTopology=true,RuntimeSDK=true');
  });

  test('synth writes every stack of the lock (OpenStack and Docker), for v1beta2 and v1beta1', () => {
    expect(synthErrors).toEqual([]);
    expect(stacks).toEqual([...lockedStacks].sort());
    expect(listStacks(distV1beta1)).toEqual(stacks);
  });

  describe('every synthesized class is accepted and reconciled', () => {
    const ns = 'cskit-capi-classes';
    beforeAll(async () => {
      await namespace(ns);
    });

    test.each(stacks)(
      '%s',
      async (stack) => {
        const objects = readClass(stack);
        const name = objects.find((o) => o.kind === 'ClusterClass')!.metadata.name;
        const report = await applyStack(stack, ns);
        expect(report).toContain(`ClusterClass ${ns}/${name}: reconciled`);
        expect(report).toMatch(/^ +VariablesReady=True/m);
        // Everything of the folder now exists: the webhooks admitted it.
        for (const o of objects) expect((await kube.request('GET', getUrl(o, ns))).status).toBe(200);
        const cc = await eventually(`ClusterClass ${name} reconciled`, async () => {
          const c = await kube.ok('GET', `${CC}/namespaces/${ns}/clusterclasses/${name}`);
          const done =
            c.status?.observedGeneration === c.metadata.generation && condition(c, 'VariablesReady')?.status === 'True';
          return { value: done ? c : undefined, seen: c.status };
        });
        expect(condition(cc, 'RefVersionsUpToDate')?.status).toBe('True');
        // The controller read our variable schemas: every variable of the class is in the status, from the class.
        const declared = cc.spec.variables.map((v: Obj) => v.name).sort();
        expect(cc.status.variables.map((v: Obj) => v.name).sort()).toEqual(declared);
        expect(cc.status.variables.every((v: Obj) => v.definitions[0].from === 'inline')).toBe(true);
        // The real defaulting webhooks change nothing we wrote: a second apply writes nothing.
        expect(await applyStack(stack, ns)).toMatch(/: 8 objects, 0 changed/);
      },
      120_000,
    );

    test('v1beta1 clients get the class through the core conversion webhook', async () => {
      const name = stack136;
      await applyStack(name, ns);
      const old = await kube.ok('GET', `/apis/cluster.x-k8s.io/v1beta1/namespaces/${ns}/clusterclasses/${name}`);
      expect(old.apiVersion).toBe('cluster.x-k8s.io/v1beta1');
      expect(old.spec.infrastructure.ref).toMatchObject({
        kind: 'OpenStackClusterTemplate',
        name: `${name}-cluster`,
        namespace: ns,
      });
      // Only CAPI's converter keeps the v1beta2-only fields in this annotation (strategy None would not).
      expect(old.metadata.annotations['cluster.x-k8s.io/conversion-data']).toContain('"templateRef"');
    });

    test('a broken class is rejected by the ClusterClass webhook', async () => {
      const cc = readClass(stack136).find((o) => o.kind === 'ClusterClass')!;
      const selector = cc.spec.patches[0].definitions[0].selector;
      const broken = {
        ...cc,
        metadata: { name: 'cskit-broken-class', namespace: ns },
        spec: {
          ...cc.spec,
          patches: [
            ...cc.spec.patches,
            {
              name: 'usesUndefined',
              definitions: [
                {
                  selector,
                  jsonPatches: [
                    { op: 'add', path: '/spec/template/spec/networkMTU', valueFrom: { variable: 'cskitNotDefined' } },
                  ],
                },
              ],
            },
          ],
        },
      };
      const r = await kube.request('POST', `${CC}/namespaces/${ns}/clusterclasses`, broken);
      expect(r.status).toBe(422);
      expect(r.body.message).toMatch(
        /admission webhook "validation\.clusterclass\.cluster\.x-k8s\.io" denied the request/,
      );
      expect(r.body.message).toMatch(/cskitNotDefined.*cannot be found/);
      expect((await kube.request('GET', `${CC}/namespaces/${ns}/clusterclasses/cskit-broken-class`)).status).toBe(404);
      // cskit apply passes the webhook's field error on.
      const folder = path.join(out, 'broken');
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(
        path.join(folder, 'cluster-class.yaml'),
        stringify({ ...broken, metadata: { name: 'cskit-broken-class' } }),
      );
      const run = await cskit(['apply', folder, '--kubeconfig', kubeconfig, '-n', ns]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/HTTP 422/);
      expect(run.stdout).toMatch(/valueFrom\.variable: Invalid value: "cskitNotDefined"/);
      expect((await kube.request('GET', `${CC}/namespaces/${ns}/clusterclasses/cskit-broken-class`)).status).toBe(404);
    });
  });

  describe('v1beta1 output (`synth --capi-api-version v1beta1`) survives conversion to v1beta2 storage', () => {
    const ns = 'cskit-capi-v1beta1';
    /** Same meaning, independent of API version: apiVersion groups only, named lists (args) sorted by name. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks arbitrary objects read back from the server
    const normal = (v: any): any => {
      if (Array.isArray(v)) {
        const items = v.map(normal);
        return items.every((i) => i && typeof i === 'object' && typeof i.name === 'string' && 'value' in i)
          ? [...items].sort((a, b) => a.name.localeCompare(b.name))
          : items;
      }
      if (v && typeof v === 'object') {
        return Object.fromEntries(
          Object.entries(v).map(([k, x]) => [
            k,
            k === 'apiVersion' && typeof x === 'string' ? x.split('/')[0] : normal(x),
          ]),
        );
      }
      return v;
    };

    beforeAll(async () => {
      await namespace(ns);
    });

    test.each(stacks)(
      '%s',
      async (stack) => {
        const file = path.join(distV1beta1, stack, 'cluster-class.yaml');
        expect(await applyStack(stack, ns, distV1beta1)).toMatch(/^ +VariablesReady=True/m);
        const v1 = parseAllDocuments(fs.readFileSync(file, 'utf8'))
          .map((d) => d.toJS())
          .filter((o) => o?.kind);
        expect(v1.find((o) => o.kind === 'ClusterClass').apiVersion).toBe('cluster.x-k8s.io/v1beta1');
        // Read back at v1beta2 (through the core, bootstrap and control-plane conversion webhooks), everything
        // equals what we synthesize for v1beta2; only defaults the webhooks add (KCP rollout) may come on top.
        // Patches are the exception: they address the template fields of the version they were written for
        // (extraArgs/<name> in v1beta1 maps, extraArgs/- in v1beta2 lists), and conversion keeps them as they are.
        const v1Patches = v1.find((o) => o.kind === 'ClusterClass').spec.patches;
        for (const want of readClass(stack)) {
          if (want.kind === 'ClusterClass') want.spec.patches = v1Patches;
          const url = getUrl(want, ns);
          const live = await kube.ok('GET', url);
          expect({ url, spec: normal(live.spec) }).toMatchObject({ url, spec: normal(want.spec) });
        }
        const name = v1.find((o) => o.kind === 'ClusterClass').metadata.name;
        await eventually(`ClusterClass ${name} (v1beta1) reconciled`, async () => {
          const c = await kube.ok('GET', `${CC}/namespaces/${ns}/clusterclasses/${name}`);
          return {
            value:
              c.status?.observedGeneration === c.metadata.generation &&
              condition(c, 'VariablesReady')?.status === 'True'
                ? true
                : undefined,
            seen: c.status,
          };
        });
      },
      120_000,
    );
  });

  // The same Cluster on the class synthesized for v1beta2 and for v1beta1 (whose patches address v1beta1 fields).
  describe.each([
    ['v1beta2', dist],
    ['v1beta1', distV1beta1],
  ])('topology (%s class): Cluster variables reach the provider objects through our patches', (version, from) => {
    const ns = `cskit-capi-topology-${version}`;
    const stack = stack136;
    // Values differ from the class defaults, so finding them proves the patches ran.
    const values = {
      workerFlavor: 'SCS-8V-16',
      controlPlaneFlavor: 'SCS-4V-8-50',
      nodeCIDR: '10.42.0.0/22',
      apiServerLoadBalancer: 'octavia-amphora',
      oidcConfig: { clientID: 'kubectl-e2e', issuerURL: 'https://issuer.example.com/realms/e2e', groupsClaim: 'roles' },
    };
    const selector = (extra = '') =>
      `labelSelector=${encodeURIComponent(`cluster.x-k8s.io/cluster-name=topo${extra}`)}`;
    const INFRA = '/apis/infrastructure.cluster.x-k8s.io/v1beta1';

    beforeAll(async () => {
      await namespace(ns);
      await applyStack(stack, ns, from);
      await eventually('class reconciled', async () => {
        const c = await kube.ok('GET', `${CC}/namespaces/${ns}/clusterclasses/${stack}`);
        return {
          value:
            condition(c, 'VariablesReady')?.status === 'True' && c.status.observedGeneration === c.metadata.generation
              ? true
              : undefined,
          seen: c.status,
        };
      });
      await kube.ok('POST', `${CC}/namespaces/${ns}/clusters`, {
        apiVersion: 'cluster.x-k8s.io/v1beta2',
        kind: 'Cluster',
        metadata: { name: 'topo', namespace: ns },
        spec: {
          clusterNetwork: { pods: { cidrBlocks: ['192.168.0.0/16'] } },
          topology: {
            classRef: { name: stack },
            version: k8s136,
            controlPlane: { replicas: 1 },
            workers: { machineDeployments: [{ class: 'default-worker', name: 'md-0', replicas: 1 }] },
            variables: Object.entries(values).map(([name, value]) => ({ name, value })),
          },
        },
      });
    }, 120_000);

    const one = async (what: string, listPath: string) =>
      eventually(what, async () => {
        const l = await kube.ok('GET', listPath);
        return { value: l.items.length === 1 ? l.items[0] : undefined, seen: l.items.map((i: Obj) => i.metadata.name) };
      });
    const osmt = (name: string) => kube.ok('GET', `${INFRA}/namespaces/${ns}/openstackmachinetemplates/${name}`);

    test('the topology controller reconciles the Cluster', async () => {
      const c = await eventually('TopologyReconciled', async () => {
        const cl = await kube.ok('GET', `${CC}/namespaces/${ns}/clusters/topo`);
        return {
          value: condition(cl, 'TopologyReconciled')?.status === 'True' ? cl : undefined,
          seen: cl.status?.conditions,
        };
      });
      expect(c.spec.infrastructureRef).toMatchObject({ kind: 'OpenStackCluster' });
      expect(c.spec.controlPlaneRef).toMatchObject({ kind: 'KubeadmControlPlane' });
    });

    test('OpenStackCluster: node subnet from nodeCIDR, amphora load balancer from apiServerLoadBalancer', async () => {
      const osc = await one('OpenStackCluster', `${INFRA}/namespaces/${ns}/openstackclusters?${selector()}`);
      expect(osc.spec.managedSubnets).toEqual([
        { cidr: '10.42.0.0/22', dnsNameservers: ['9.9.9.9', '149.112.112.112'] },
      ]);
      expect(osc.spec.apiServerLoadBalancer).toEqual({ enabled: true, provider: 'amphora' });
    });

    test('KubeadmControlPlane: OIDC flags from oidcConfig (unset fields defaulted), control-plane flavor', async () => {
      const kcp = await one(
        'KubeadmControlPlane',
        `/apis/controlplane.cluster.x-k8s.io/v1beta2/namespaces/${ns}/kubeadmcontrolplanes?${selector()}`,
      );
      expect(kcp.spec.version).toBe(k8s136);
      const args = kcp.spec.kubeadmConfigSpec.clusterConfiguration.apiServer.extraArgs;
      expect(args).toEqual(
        expect.arrayContaining([
          { name: 'oidc-client-id', value: 'kubectl-e2e' },
          { name: 'oidc-issuer-url', value: 'https://issuer.example.com/realms/e2e' },
          { name: 'oidc-groups-claim', value: 'roles' },
          { name: 'oidc-username-claim', value: 'preferred_username' },
          { name: 'oidc-username-prefix', value: 'oidc:' },
          { name: 'oidc-groups-prefix', value: 'oidc:' },
        ]),
      );
      const ref = kcp.spec.machineTemplate.spec.infrastructureRef;
      expect(ref.kind).toBe('OpenStackMachineTemplate');
      const cpTemplate = await osmt(ref.name);
      expect(cpTemplate.spec.template.spec.flavor).toBe('SCS-4V-8-50');
      expect(cpTemplate.spec.template.spec.image).toEqual({ filter: { name: `ubuntu-capi-image-${k8s136}` } });
    });

    test('MachineDeployment: worker flavor, kubeadm bootstrap template, version', async () => {
      const md = await one(
        'MachineDeployment',
        `${CC}/namespaces/${ns}/machinedeployments?${selector(',topology.cluster.x-k8s.io/deployment-name=md-0')}`,
      );
      expect(md.spec.template.spec.version).toBe(k8s136);
      const boot = md.spec.template.spec.bootstrap.configRef;
      expect(boot.kind).toBe('KubeadmConfigTemplate');
      await kube.ok(
        'GET',
        `/apis/bootstrap.cluster.x-k8s.io/v1beta2/namespaces/${ns}/kubeadmconfigtemplates/${boot.name}`,
      );
      const worker = await osmt(md.spec.template.spec.infrastructureRef.name);
      expect(worker.spec.template.spec.flavor).toBe('SCS-8V-16');
    });

    test('changing workerFlavor rolls the worker machine template to the new flavor', async () => {
      // Read-modify-write; the controllers update the Cluster's status meanwhile, so a 409 means: read again.
      await eventually(
        'Cluster updated',
        async () => {
          const cl = await kube.ok('GET', `${CC}/namespaces/${ns}/clusters/topo`);
          const variables = cl.spec.topology.variables.map((v: Obj) =>
            v.name === 'workerFlavor' ? { ...v, value: 'SCS-16V-32' } : v,
          );
          const r = await kube.request('PUT', `${CC}/namespaces/${ns}/clusters/topo`, {
            ...cl,
            spec: { ...cl.spec, topology: { ...cl.spec.topology, variables } },
          });
          if (r.status !== 200 && r.status !== 409) throw new Error(`PUT Cluster: HTTP ${r.status} ${r.body?.message}`);
          return { value: r.status === 200 ? true : undefined, seen: r.status };
        },
        30_000,
      );
      const flavor = await eventually('worker template with the new flavor', async () => {
        const md = await one('MachineDeployment', `${CC}/namespaces/${ns}/machinedeployments?${selector()}`);
        const f = (await osmt(md.spec.template.spec.infrastructureRef.name)).spec.template.spec.flavor;
        return { value: f === 'SCS-16V-32' ? f : undefined, seen: f };
      });
      expect(flavor).toBe('SCS-16V-32');
    });
  });
});
