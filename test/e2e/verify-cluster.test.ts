import { TestKube, storageClass } from './support/kube';
import { cskit, workload } from './support/env';
import { Prerequisite, testWith } from '../support/prerequisite';

// One real control plane (kube-apiserver, etcd, kube-controller-manager, kube-scheduler, kwok fake node, a test CSI
// provisioner serving cinder.csi.openstack.org) for the whole file; each test sets the StorageClasses it needs.
const cluster = workload();
const kube = new TestKube(cluster.kubeconfig);
const verify = (...args: string[]) =>
  cskit(['verify', 'cluster', '--kubeconfig', cluster.kubeconfig, '--timeout', '60s', ...args]);
const AT = ['--at', '2026-09-01'];

// cskit returns once the probe's pod, claim and volume are gone and its namespace is Terminating; the namespace
// controller removes the empty namespace after its fixed 5 s delay. After each test: nothing of a probe is left but
// empty Terminating namespaces; after the file: those are gone too.
afterEach(async () => {
  for (const ns of await kube.namespaces('cskit.io/probe=scs-0211')) {
    expect(ns.phase).toBe('Terminating');
    for (const kind of ['pods', 'persistentvolumeclaims'])
      expect((await kube.ok('GET', `/api/v1/namespaces/${ns.name}/${kind}`)).items).toEqual([]);
  }
});
afterAll(async () => {
  let left = await kube.namespaces('cskit.io/probe=scs-0211');
  for (let i = 0; i < 300 && left.length; i++) {
    await new Promise((r) => setTimeout(r, 100));
    left = await kube.namespaces('cskit.io/probe=scs-0211');
  }
  expect(left).toEqual([]);
}, 60_000);

// kwok runs no containers: the probe pod is Running because a kwok stage says so, and nothing mounts the volume.
test(
  'a network-backed default StorageClass passes scs-0210 and scs-0211 with evidence: the probe claim binds a CSI PV ' +
    'from the test provisioner and its pod is Running by a kwok stage (no volume is mounted)',
  async () => {
    await kube.setStorageClasses([
      storageClass('csi-cinder-sc-delete', 'cinder.csi.openstack.org'),
      storageClass('csi-cinder-sc-retain', 'cinder.csi.openstack.org', false),
    ]);
    const r = await verify(...AT);
    expect(r.stderr).toMatch(/created probe namespace cskit-probe-[0-9a-f]{6}/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/scs-0210-v2 version-policy-check: PASS/);
    expect(r.stdout).toMatch(/PASS \(0\.\d s\)\n +info +1\.36\.4 is the latest patch of 1\.36 known at 2026-09-01/);
    expect(r.stdout).toMatch(/kubelets: v1\.36\.4 \(1 node\)/);
    expect(r.stdout).toMatch(/scs-0211-v1 default-storage-class-check: PASS/);
    expect(r.stdout).toMatch(/default StorageClass csi-cinder-sc-delete \(cinder\.csi\.openstack\.org, network-backed/);
    expect(r.stdout).toMatch(
      /probe PVC bound to PV pvc-[0-9a-f-]+ \(ReadWriteOnce, csi volume\) and mounted by a running pod/,
    );
    const scs = await verify(...AT, '-o', 'scs');
    expect(scs.stdout).toBe(
      'version-policy-check: PASS (scs-0210-v2)\ndefault-storage-class-check: PASS (scs-0211-v1)\n',
    );
  },
);

test('json and junit outputs carry the same verdicts', async () => {
  await kube.setStorageClasses([storageClass('standard', 'cinder.csi.openstack.org')]);
  const j = JSON.parse((await verify(...AT, '-o', 'json')).stdout);
  expect(j.verdict).toBe('PASS');
  expect(j.clusters[0].results.map((x: { standard: string; verdict: string }) => `${x.standard}:${x.verdict}`)).toEqual(
    ['scs-0210:PASS', 'scs-0211:PASS'],
  );
  const x = (await verify(...AT, '-o', 'junit')).stdout;
  expect(x).toMatch(/<testsuite name="" tests="2" failures="0" errors="0">/);
});

test.each([
  [
    'no default StorageClass',
    [storageClass('standard', 'cinder.csi.openstack.org', false)],
    /FAIL +no default StorageClass among 1 \(standard\)/,
  ],
  [
    'two default StorageClasses',
    [storageClass('a', 'cinder.csi.openstack.org'), storageClass('b', 'cinder.csi.openstack.org')],
    /FAIL +2 default StorageClasses \(a, b\)/,
  ],
  [
    'a no-provisioner default',
    [storageClass('local', 'kubernetes.io/no-provisioner', true, { volumeBindingMode: 'WaitForFirstConsumer' })],
    /FAIL +default StorageClass local uses kubernetes\.io\/no-provisioner, which provisions node-local storage/,
  ],
])('%s fails scs-0211', async (_name, classes, message) => {
  await kube.setStorageClasses(classes);
  const r = await verify(...AT);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/scs-0211-v1 default-storage-class-check: FAIL/);
  expect(r.stdout).toMatch(message);
  expect((await verify(...AT, '-o', 'scs')).stdout).toContain('default-storage-class-check: FAIL');
});

test('a PVC that never binds times out as FAIL with the reason', async () => {
  await kube.setStorageClasses([storageClass('slow', 'example.com/nobody-serves-this')]);
  const r = await cskit(['verify', 'cluster', '--kubeconfig', cluster.kubeconfig, ...AT, '--timeout', '8s']);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(
    new RegExp(
      /WARN +default StorageClass slow uses example\.com\/nobody-serves-this, /.source +
        /which cskit does not know as network-backed/.source,
    ),
  );
  expect(r.stdout).toMatch(
    new RegExp(
      /FAIL +probe with the default StorageClass slow failed: /.source +
        /PersistentVolumeClaim cskit-probe-[0-9a-f]{6}\/cskit-probe not Bound: timed out after \d+ s /.source +
        /.*\(phase Pending; events: .*example\.com\/nobody-serves-this/.source,
    ),
  );
});

test('a volume pinned to one node fails scs-0211 v1, and is a warning under the v2 draft', async () => {
  await kube.setStorageClasses([
    storageClass('pinned', 'cinder.csi.openstack.org', true, { parameters: { 'cskit.test/node-bound': 'true' } }),
  ]);
  const r = await verify(...AT);
  expect(r.stdout).toMatch(
    /FAIL +PV pvc-[0-9a-f-]+ is pinned to one node .*kubernetes\.io\/hostname.*scs-0211 v1 forbids/,
  );
  expect(r.stdout).toMatch(/scs-0211-v1 default-storage-class-check: FAIL/);
  expect(r.code).toBe(1);
  const draft = await verify(...AT, '--scs-0211', 'v2');
  expect(draft.stdout).toMatch(/WARN +PV pvc-[0-9a-f-]+ is pinned to one node/);
  expect(draft.stdout).toMatch(/scs-0211-v2 default-storage-class-check: WARN/);
  expect(draft.code).toBe(0);
});

test('an API server version past its branch end of life fails scs-0210', async () => {
  await kube.setStorageClasses([storageClass('standard', 'cinder.csi.openstack.org')]);
  const r = await verify('--at', '2027-07-01');
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/scs-0210-v2 version-policy-check: FAIL/);
  expect(r.stdout).toMatch(/FAIL +1\.36\.4: branch 1\.36 reached end of life on 2027-06-28/);
  expect(r.stdout).toMatch(/WARN +version data is as of 2026-11-29/);
});

test('interrupting the probe (SIGINT) leaves no namespace behind', async () => {
  await kube.setStorageClasses([storageClass('slow', 'example.com/nobody-serves-this')]);
  let pid = 0;
  const run = cskit(['verify', 'cluster', '--kubeconfig', cluster.kubeconfig, ...AT, '--timeout', '5m'], {
    onStart: (p) => {
      pid = p;
    },
  });
  // Wait until the probe namespace exists (the probe is then waiting for a PVC that never binds), then interrupt.
  // Namespaces of earlier tests may still be Terminating for a few seconds: only an Active one is this run's.
  const active = async () => (await kube.namespaces('cskit.io/probe=scs-0211')).filter((n) => n.phase === 'Active');
  for (let i = 0; i < 300 && (await active()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect((await active()).length).toBe(1);
  process.kill(pid, 'SIGINT');
  const r = await run;
  expect(r.code).toBe(130);
  expect(r.stderr).toMatch(/SIGINT: removing the probe namespace before exiting/);
  expect(r.stderr).toMatch(/deleted probe namespace cskit-probe-[0-9a-f]{6}/);
}, 120_000);

test('--cleanup removes probe namespaces an earlier run could not (e.g. SIGKILL)', async () => {
  await kube.ok('POST', '/api/v1/namespaces', {
    metadata: { name: 'cskit-probe-left01', labels: { 'cskit.io/probe': 'scs-0211' } },
  });
  const r = await cskit(['verify', 'cluster', '--kubeconfig', cluster.kubeconfig, '--cleanup']);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('deleted leftover probe namespaces: cskit-probe-left01\n');
  expect((await cskit(['verify', 'cluster', '--kubeconfig', cluster.kubeconfig, '--cleanup'])).stdout).toBe(
    'no leftover probe namespaces\n',
  );
});

// Only the testenv cluster comes with a restricted user; CSKIT_E2E_KUBECONFIG points at a cluster without one.
const restrictedUser: Prerequisite = {
  what: 'a kubeconfig of a user without list nodes/storageclasses and create namespaces',
  missing: cluster.restrictedKubeconfig ? [] : ['restricted kubeconfig'],
  fix: 'unset CSKIT_E2E_KUBECONFIG to run against the testenv cluster, which has one',
};

testWith(restrictedUser, 'a restricted user gets ABORT naming the missing permissions', async () => {
  const restricted = cluster.restrictedKubeconfig!;
  const r = await cskit(['verify', 'cluster', '--kubeconfig', restricted, ...AT]);
  expect(r.code).toBe(3);
  expect(r.stdout).toMatch(/scs-0210-v2 version-policy-check: ABORT/);
  expect(r.stdout).toMatch(/nodes is forbidden: User "cskit-restricted" cannot list resource "nodes"/);
  expect(r.stdout).toMatch(/scs-0211-v1 default-storage-class-check: ABORT/);
  expect(r.stdout).toMatch(/missing permissions: list nodes, list storageclasses\.storage\.k8s\.io, create namespaces/);
  expect((await cskit(['verify', 'cluster', '--kubeconfig', restricted, ...AT, '-o', 'scs'])).stdout).toBe(
    'version-policy-check: ABORT (scs-0210-v2)\ndefault-storage-class-check: ABORT (scs-0211-v1)\n',
  );
});

test.each([
  [
    ['--kubeconfig', '/nonexistent/kubeconfig'],
    /^cskit: kubeconfig \/nonexistent\/kubeconfig: no such file; give the path of an existing kubeconfig\n$/,
  ],
  [['--context', 'nope'], /^cskit: kubeconfig .*: context "nope" is not defined; available: workload\n$/],
])('bad kubeconfig input %j is one line and a usage error (exit 2)', async (args, message) => {
  const r = await cskit([
    'verify',
    'cluster',
    ...(args[0] === '--context' ? ['--kubeconfig', cluster.kubeconfig] : []),
    ...args,
  ]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
});

test('credentials from an exec plugin (here: the admin client certificate) reach the real server', async () => {
  const fs = await import('fs');
  const os = await import('os');
  const path = await import('path');
  const { parse, stringify } = await import('yaml');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-exec-'));
  const kc = parse(fs.readFileSync(cluster.kubeconfig, 'utf8'));
  const user = kc.users[0].user;
  const cred = {
    apiVersion: 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    status: {
      clientCertificateData: Buffer.from(user['client-certificate-data'], 'base64').toString('utf8'),
      clientKeyData: Buffer.from(user['client-key-data'], 'base64').toString('utf8'),
    },
  };
  fs.writeFileSync(path.join(dir, 'cred.json'), JSON.stringify(cred), { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'plugin.sh'), `#!/bin/sh\ncat "${path.join(dir, 'cred.json')}"\n`, { mode: 0o755 });
  kc.users[0].user = { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './plugin.sh' } };
  const file = path.join(dir, 'kubeconfig');
  fs.writeFileSync(file, stringify(kc), { mode: 0o600 });
  try {
    await kube.setStorageClasses([storageClass('standard', 'cinder.csi.openstack.org')]);
    const r = await cskit(['verify', 'cluster', '--kubeconfig', file, '--timeout', '60s', ...AT, '-o', 'scs']);
    expect(r.stderr).not.toMatch(/Unauthorized|exec plugin/);
    // Every request (reads, access reviews, the probe's creates and watches) went out with the plugin's certificate.
    expect(r.stdout).toBe(
      'version-policy-check: PASS (scs-0210-v2)\ndefault-storage-class-check: PASS (scs-0211-v1)\n',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an unreachable server is one line and ABORT', async () => {
  const fs = await import('fs');
  const os = await import('os');
  const path = await import('path');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-kc-')), 'kubeconfig');
  fs.writeFileSync(
    file,
    fs
      .readFileSync(cluster.kubeconfig, 'utf8')
      .replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:1'),
  );
  const r = await cskit(['verify', 'cluster', '--kubeconfig', file, ...AT, '-o', 'scs']);
  expect(r.code).toBe(3);
  expect(r.stdout).toBe(
    'version-policy-check: ABORT (scs-0210-v2)\ndefault-storage-class-check: ABORT (scs-0211-v1)\n',
  );
});
