import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { TestKube, storageClass } from './support/kube';
import { cskit, ownCluster } from './support/env';

// Fleet mode against a real API server acting as the management cluster: the Cluster API Cluster CRD (from the
// pinned cluster-api module) is installed there, and Clusters point back at the same server through their
// `<name>-kubeconfig` Secrets, exactly as Cluster API stores them.
const current = ownCluster();
let cluster: { kubeconfig: string };
let kube: TestKube;

function clusterCrd(): object {
  const out = execFileSync('go', ['mod', 'download', '-json', 'sigs.k8s.io/cluster-api@v1.13.6'], {
    encoding: 'utf8',
    env: { ...process.env, GOTOOLCHAIN: 'local' },
  });
  const dir = JSON.parse(out).Dir;
  return parse(fs.readFileSync(path.join(dir, 'config/crd/bases/cluster.x-k8s.io_clusters.yaml'), 'utf8'));
}

beforeAll(async () => {
  cluster = current();
  kube = new TestKube(cluster.kubeconfig);
  await kube.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', clusterCrd());
  for (let i = 0; i < 100; i++) {
    if ((await kube.request('GET', '/apis/cluster.x-k8s.io/v1beta2/clusters')).status === 200) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await kube.request('POST', '/api/v1/namespaces', { metadata: { name: 'tenant-a' } });
  for (const [name, env] of [
    ['alpha', 'prod'],
    ['beta', 'prod'],
    ['gamma', 'dev'],
  ]) {
    await kube.ok('POST', '/apis/cluster.x-k8s.io/v1beta2/namespaces/tenant-a/clusters', {
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Cluster',
      metadata: { name, labels: { env } },
      spec: { paused: true },
    });
  }
  // beta has no kubeconfig Secret yet (control plane not initialized)
  for (const name of ['alpha', 'gamma']) {
    await kube.ok('POST', '/api/v1/namespaces/tenant-a/secrets', {
      metadata: { name: `${name}-kubeconfig`, labels: { 'cluster.x-k8s.io/cluster-name': name } },
      type: 'cluster.x-k8s.io/secret',
      data: { value: fs.readFileSync(cluster.kubeconfig).toString('base64') },
    });
  }
  await kube.setStorageClasses([storageClass('csi-cinder-sc-delete', 'cinder.csi.openstack.org')]);
});

test(
  'fleet mode verifies exactly the clusters the selector picks (a kubeconfig Secret without its key is that ' +
    "cluster's ABORT) and never prints a kubeconfig",
  async () => {
    const r = await cskit([
      'verify',
      'cluster',
      '--management-kubeconfig',
      cluster.kubeconfig,
      '--selector',
      'env=prod',
      '--at',
      '2026-09-01',
      '--concurrency',
      '2',
      '--timeout',
      '60s',
    ]);
    expect(r.stdout).toMatch(/cluster tenant-a\/alpha\n {2}scs-0210-v2 version-policy-check: PASS/);
    expect(r.stdout).toMatch(/cluster tenant-a\/alpha[\s\S]*scs-0211-v1 default-storage-class-check: PASS/);
    expect(r.stdout).toMatch(
      new RegExp(
        /cluster tenant-a\/beta\n {2}scs-0210-v2 version-policy-check: ABORT[\s\S]*/.source +
          /Secret tenant-a\/beta-kubeconfig with key "value" not found/.source,
      ),
    );
    expect(r.stdout).not.toMatch(/tenant-a\/gamma/);
    expect(r.stdout).toMatch(/^ABORT: 2 PASS, 2 ABORT \(2 clusters\)$/m);
    expect(r.code).toBe(3);
    const secret = fs.readFileSync(cluster.kubeconfig, 'utf8');
    const key = /client-key-data: (\S+)/.exec(secret)![1];
    expect(r.stdout + r.stderr).not.toContain(key.slice(0, 40));
    const scs = await cskit([
      'verify',
      'cluster',
      '--management-kubeconfig',
      cluster.kubeconfig,
      '--selector',
      'env=dev',
      '--at',
      '2026-09-01',
      '-o',
      'scs',
    ]);
    expect(scs.stdout).toBe(
      'tenant-a/gamma: version-policy-check: PASS (scs-0210-v2)\n' +
        'tenant-a/gamma: default-storage-class-check: PASS (scs-0211-v1)\n',
    );
  },
);

test('a management cluster without Cluster API is one clear ABORT line', async () => {
  await kube.ok('DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/clusters.cluster.x-k8s.io');
  for (let i = 0; i < 100 && (await kube.request('GET', '/apis/cluster.x-k8s.io/v1beta2')).status === 200; i++)
    await new Promise((r) => setTimeout(r, 200));
  const r = await cskit(['verify', 'cluster', '--management-kubeconfig', cluster.kubeconfig, '--at', '2026-09-01']);
  expect(r.code).toBe(3);
  expect(r.stderr).toMatch(
    new RegExp(
      '^cskit: (Cluster API is not installed on the management cluster|' +
        'Cluster \\(cluster\\.x-k8s\\.io/v1beta\\d\\) is not served)',
    ),
  );
});
