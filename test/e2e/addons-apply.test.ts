import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { binDir, repoRoot } from '../../testenv/harness';
import { cskit, ownCluster } from './support/env';

// The whole chain on a real API server: synthesize the stacks, render the OpenStack 1.36 addons for a sample
// Cluster, apply them with kubectl (server-side, as Kubernetes validates them), then verify the cluster: the
// default StorageClass the cinder-csi addon ships is the one scs-0211 needs. No Cinder runs here: the test
// provisioner (testenv/provisioner.ts) serves the driver name cinder.csi.openstack.org and creates the probe's PV,
// and the probe pod is Running by a kwok stage; what this proves is the StorageClass and CSIDriver objects.
const current = ownCluster();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-addons-e2e-'));
const kubectl = (kc: string, ...args: string[]) =>
  execFileSync(path.join(binDir(), 'kubectl'), ['--kubeconfig', kc, ...args], { encoding: 'utf8' });

test(
  'rendered OpenStack addons apply server-side to a real API server, and their default StorageClass passes scs-0211 ' +
    '(its PV comes from the test provisioner serving cinder.csi.openstack.org, not from Cinder)',
  async () => {
    const { kubeconfig } = current();
    expect((await cskit(['synth', '-o', path.join(dir, 'dist')])).code).toBe(0);
    const render = await cskit([
      'addons',
      'render',
      'openstack-scs-1-36-v3',
      '--dist',
      path.join(dir, 'dist'),
      '--cluster',
      path.join(repoRoot(), 'test/fixtures/addons/cluster.yaml'),
      '-o',
      path.join(dir, 'out'),
    ]);
    expect(render.stderr).toBe('');
    expect(render.code).toBe(0);
    const files = fs.readdirSync(path.join(dir, 'out', 'addons')).sort();
    expect(files).toEqual(['01-cilium.yaml', '02-openstack-ccm.yaml', '03-cinder-csi.yaml', '04-metrics-server.yaml']);
    for (const f of files) {
      const out = kubectl(
        kubeconfig,
        'apply',
        '--server-side',
        '--field-manager',
        'cskit-e2e',
        '-f',
        path.join(dir, 'out', 'addons', f),
      );
      expect(out).toMatch(/serverside-applied/);
    }
    expect(kubectl(kubeconfig, 'get', 'storageclass', '-o', 'name').split('\n').filter(Boolean).sort()).toEqual([
      'storageclass.storage.k8s.io/csi-cinder-sc-delete',
      'storageclass.storage.k8s.io/csi-cinder-sc-retain',
    ]);
    expect(kubectl(kubeconfig, 'get', 'csidriver', 'cinder.csi.openstack.org', '-o', 'jsonpath={.metadata.name}')).toBe(
      'cinder.csi.openstack.org',
    );
    // metrics-server registers the aggregated metrics.k8s.io API; with no real metrics-server behind it (pods are
    // simulated) API discovery stays incomplete and namespace deletion stalls, as on any cluster with a dead
    // APIService.
    kubectl(kubeconfig, 'delete', 'apiservice', 'v1beta1.metrics.k8s.io');
    const r = await cskit(['verify', 'cluster', '--kubeconfig', kubeconfig, '--at', '2026-09-01', '-o', 'scs']);
    expect(r.stdout).toBe(
      'version-policy-check: PASS (scs-0210-v2)\ndefault-storage-class-check: PASS (scs-0211-v1)\n',
    );
    expect(r.code).toBe(0);
  },
  240_000,
);
