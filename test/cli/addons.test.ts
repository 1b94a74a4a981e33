import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../support/cli';

const fixtures = path.join(__dirname, '..', 'fixtures', 'addons');
const repoLock = path.join(__dirname, '..', '..', 'stacks.lock.json');
let dist: string;
let tmp: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-addons-'));
  dist = path.join(tmp, 'dist');
  // The lock's hashes may lag behind addon changes (a warning, not an error, without --strict).
  expect((await runCli(['synth', '-o', dist, '--lock', repoLock])).code).toBe(0);
});

const stack = () => fs.readdirSync(dist).find((d) => d.startsWith('openstack-scs-1-36-')) as string;

test('addons list shows the addons in install order with versions and inputs', async () => {
  const r = await runCli(['addons', 'list', stack(), '--dist', dist]);
  expect(r.code).toBe(0);
  const rows = r.stdout.split('\n').filter((l) => /^\d /.test(l));
  expect(rows.map((l) => l.split(/\s+/).slice(0, 3))).toEqual([
    ['1', 'cilium', '1.19.4'],
    ['2', 'openstack-ccm', '1.36.0'],
    ['3', 'cinder-csi', '1.36.0'],
    ['4', 'metrics-server', '0.8.1'],
  ]);
});

test('addons render -o writes rendered manifests and the CRS form for a sample Cluster', async () => {
  const cluster = path.join(tmp, 'cluster.yaml');
  fs.writeFileSync(
    cluster,
    fs.readFileSync(path.join(fixtures, 'cluster.yaml'), 'utf8').replace('openstack-scs-1-36-v3', stack()),
  );
  const out = path.join(tmp, 'out');
  const r = await runCli(['addons', 'render', stack(), '--dist', dist, '--cluster', cluster, '-o', out]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(fs.readdirSync(path.join(out, 'addons'))).toEqual([
    '01-cilium.yaml',
    '02-openstack-ccm.yaml',
    '03-cinder-csi.yaml',
    '04-metrics-server.yaml',
  ]);
  const all = fs
    .readdirSync(path.join(out, 'addons'))
    .map((f) => fs.readFileSync(path.join(out, 'addons', f), 'utf8'))
    .join('\n');
  expect(all).not.toContain('{{');
  expect(all).toContain('--cluster-name=demo');
  expect(all).toContain('--cluster=demo');
  const crs = parseAllDocuments(fs.readFileSync(path.join(out, 'crs.yaml'), 'utf8')).map((d) => d.toJS());
  expect(crs[crs.length - 1].kind).toBe('ClusterResourceSet');
  expect(crs.filter((o) => o.kind === 'ConfigMap').every((o) => o.metadata.namespace === 'team-a')).toBe(true);
});

test('a missing input fails with addon/object/field/variable, exit 2, and writes nothing', async () => {
  const cluster = path.join(tmp, 'no-endpoint.yaml');
  fs.writeFileSync(
    cluster,
    `apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata:\n  name: bare\nspec:\n  topology:\n` +
      `    classRef:\n      name: ${stack()}\n    version: v1.36.4\n`,
  );
  const out = path.join(tmp, 'out-missing');
  const r = await runCli(['addons', 'render', stack(), '--dist', dist, '--cluster', cluster, '-o', out]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(
    'addon metrics-server, Deployment kube-system/metrics-server, field metadata.labels.domain: ' +
      'variable "controlPlaneEndpoint.host" is not set for cluster bare',
  );
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(fs.existsSync(out)).toBe(false);
});

test('unknown stack and a Cluster of another class are clear errors', async () => {
  let r = await runCli(['addons', 'list', 'nope-scs-1-36-v1', '--dist', dist]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/stack nope-scs-1-36-v1 is not in .*known: docker-scs-1-35-v\d+.*run `cskit synth` first/);
  r = await runCli([
    'addons',
    'render',
    stack(),
    '--dist',
    dist,
    '--cluster',
    path.join(fixtures, 'cluster-class.yaml'),
  ]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/expected exactly one Cluster object \(kind: Cluster\), found 0/);
});

test('a wrongly typed Cluster field is exit 2 naming the file and the field; nothing is written', async () => {
  const cluster = path.join(tmp, 'typed.yaml');
  // classRef as a string used to skip the "Cluster of another class" check; namespace: 5 fell back to "default".
  fs.writeFileSync(
    cluster,
    'apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata:\n  name: typed\n  namespace: 5\nspec:\n' +
      '  topology:\n    classRef: docker-scs-1-36-v1\n    version: v1.36.4\n    variables:\n      networkMTU: 1450\n',
  );
  const out = path.join(tmp, 'out-typed');
  const r = await runCli(['addons', 'render', stack(), '--dist', dist, '--cluster', cluster, '-o', out]);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(
    `cskit: ${cluster}: Cluster typed does not match the Cluster API schema of cluster.x-k8s.io/v1beta2; fix:\n` +
      '  metadata.namespace: expected string, found number 5\n' +
      '  spec.topology.classRef: expected object, found string "docker-scs-1-36-v1"\n' +
      '  spec.topology.variables: expected array, found object\n',
  );
  expect(fs.existsSync(out)).toBe(false);
});
