import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { readBundle } from '../../src/bundle/read';
import { CLASS_LABEL } from '../../src/model/addon-bundle';
import { buildRenderContext } from '../../src/render/context';
import { renderAddonObjects } from '../../src/render/render';
import { parseYaml } from '../../src/util/yaml';
import { capiCrds } from '../apply/support/capi-crds';
import { cskit, ownCluster } from './support/env';
import { TestKube } from './support/kube';

// The addon bundle on a real API server: `cskit apply` of a docker stack folder installs the AddonBundle CRD, the
// class and its bundle; a second apply changes nothing; the bundle read back from the server through the manager's
// reader renders (with the one renderer) exactly what `cskit addons render` writes for the same Cluster.
const current = ownCluster();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-bundle-e2e-'));
const dist = path.join(tmp, 'dist');
const NS = 't-bundle';
let kc: string;
let kube: TestKube;
let stack: string;

const apply = (...args: string[]) => cskit(['apply', '--kubeconfig', kc, ...args], { timeoutMs: 120_000 });

beforeAll(async () => {
  kc = current().kubeconfig;
  kube = new TestKube(kc);
  expect((await cskit(['synth', '-o', dist], { timeoutMs: 120_000 })).code).toBe(0);
  stack = fs.readdirSync(dist).find((d) => /^docker-scs-1-36-v\d+$/.test(d))!;
  expect(stack).toBeDefined();
  const crds = capiCrds([
    'clusters',
    'clusterclasses',
    'kubeadmconfigtemplates',
    'kubeadmcontrolplanetemplates',
    'devclustertemplates',
    'devmachinetemplates',
  ]);
  for (const crd of crds) await kube.ok('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
  for (let i = 0; i < 150; i++) {
    if ((await kube.request('GET', '/apis/cluster.x-k8s.io/v1beta2/clusterclasses')).status === 200) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await kube.ok('POST', '/api/v1/namespaces', { metadata: { name: NS } });
}, 240_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('apply of a docker stack creates the CRD, the class and its bundle; a second apply changes nothing', async () => {
  const first = await apply(path.join(dist, stack), '-n', NS, '-o', 'json');
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  const created = JSON.parse(first.stdout).objects.map((o: { kind: string; name: string; action: string }) => [
    o.kind,
    o.name,
    o.action,
  ]);
  expect(created).toEqual(
    expect.arrayContaining([
      ['CustomResourceDefinition', 'addonbundles.addons.cskit.io', 'created'],
      ['AddonBundle', stack, 'created'],
      ['ClusterClass', stack, 'created'],
    ]),
  );
  const crd = await kube.ok(
    'GET',
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/addonbundles.addons.cskit.io',
  );
  expect(crd.metadata.labels).toMatchObject({
    'clusterctl.cluster.x-k8s.io': '',
    'clusterctl.cluster.x-k8s.io/move': '',
  });
  const bundle = await kube.ok('GET', `/apis/addons.cskit.io/v1alpha1/namespaces/${NS}/addonbundles/${stack}`);
  // the bundle went out before the class: a manager never sees the class without its addons
  const cc = await kube.ok('GET', `/apis/cluster.x-k8s.io/v1beta2/namespaces/${NS}/clusterclasses/${stack}`);
  expect(Number(bundle.metadata.resourceVersion)).toBeLessThan(Number(cc.metadata.resourceVersion));

  const second = await apply(path.join(dist, stack), '-n', NS, '-o', 'json');
  expect(second.code).toBe(0);
  const report = JSON.parse(second.stdout);
  expect(report.changed).toBe(0);
  expect(report.counts.unchanged).toBe(report.objects.length);
  const again = await kube.ok('GET', `/apis/addons.cskit.io/v1alpha1/namespaces/${NS}/addonbundles/${stack}`);
  expect(again.metadata.resourceVersion).toBe(bundle.metadata.resourceVersion);
}, 240_000);

test('a changed bundle under a released name is refused like a changed class, and nothing is applied', async () => {
  const copy = path.join(tmp, 'changed', stack);
  fs.cpSync(path.join(dist, stack), copy, { recursive: true });
  const file = path.join(copy, 'addon-bundle.yaml');
  fs.writeFileSync(
    file,
    fs.readFileSync(file, 'utf8').replace('upgrade: BeforeClusterUpgrade', 'upgrade: AfterClusterUpgrade'),
  );
  const r = await apply(copy, '-n', NS);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain(`AddonBundle.addons.cskit.io ${NS}/${stack}`);
  expect(r.stderr).toContain('exists with a different spec');
  expect(r.stderr).toContain('addon bundles are immutable');
  const live = await kube.ok('GET', `/apis/addons.cskit.io/v1alpha1/namespaces/${NS}/addonbundles/${stack}`);
  expect(live.spec.addons[0].upgrade).toBe('BeforeClusterUpgrade');
}, 120_000);

test('the bundle read back from the server renders the same manifests as `cskit addons render`', async () => {
  const cluster = {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Cluster',
    metadata: { name: 'demo', namespace: NS },
    spec: {
      clusterNetwork: { pods: { cidrBlocks: ['192.168.0.0/16'] }, services: { cidrBlocks: ['10.96.0.0/12'] } },
      controlPlaneEndpoint: { host: 'api.demo.example.com', port: 6443 },
      topology: { classRef: { name: stack }, version: 'v1.36.5' },
    },
  };
  const clusterFile = path.join(tmp, 'cluster.yaml');
  fs.writeFileSync(clusterFile, stringify(cluster));
  const out = path.join(tmp, 'rendered');
  const render = await cskit(['addons', 'render', stack, '--dist', dist, '--cluster', clusterFile, '-o', out]);
  expect(render.stderr).toBe('');
  expect(render.code).toBe(0);
  const files = fs.readdirSync(path.join(out, 'addons')).sort();

  // what the manager does: list the class's bundle parts, read them, render with the live ClusterClass's defaults
  const list = await kube.ok(
    'GET',
    `/apis/addons.cskit.io/v1alpha1/namespaces/${NS}/addonbundles?labelSelector=` +
      encodeURIComponent(`${CLASS_LABEL}=${stack}`),
  );
  const bundle = readBundle(list.items, stack);
  const cc = await kube.ok('GET', `/apis/cluster.x-k8s.io/v1beta2/namespaces/${NS}/clusterclasses/${stack}`);
  const ctx = buildRenderContext(cluster, [cc], 'the test Cluster');
  expect(bundle.addons.map((a) => `${String(a.order).padStart(2, '0')}-${a.name}.yaml`)).toEqual(files);
  for (const [i, a] of bundle.addons.entries()) {
    const fromBundle = renderAddonObjects(a.name, a.inputs, a.manifests, ctx);
    const fromCli = parseYaml(fs.readFileSync(path.join(out, 'addons', files[i])), files[i], 'manifest').map(
      (d) => d.value,
    );
    expect(fromBundle).toEqual(fromCli);
  }
  // the per-cluster value really was rendered (not left as {{…}})
  expect(JSON.stringify(bundle.addons.map((a) => renderAddonObjects(a.name, a.inputs, a.manifests, ctx)))).toContain(
    'api.demo.example.com',
  );
}, 120_000);
