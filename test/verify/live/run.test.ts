import { bundledVersionData } from '../../../src/k8s-versions/data';
import { KubeError } from '../../../src/kube/types';
import { formatJunit, formatScs, formatTable } from '../../../src/verify/live/report';
import { requiredPermissions, verifyCluster, verifyFleet } from '../../../src/verify/live/run';
import { fakeClient, simulateStorage } from './fake-client';

const opts = {
  at: new Date('2026-09-01'),
  data: bundledVersionData(),
  namespacePrefix: 'cskit-probe',
  image: 'pause',
  timeoutMs: 1000,
};

test('missing permissions ABORT the storage check, naming them, before anything is created', async () => {
  const client = fakeClient({
    missing: [
      { verb: 'create', group: '', resource: 'namespaces' },
      { verb: 'list', group: 'storage.k8s.io', resource: 'storageclasses' },
    ],
  });
  const [v, s] = await verifyCluster(client, opts);
  expect(v.verdict).toBe('PASS');
  expect(s.verdict).toBe('ABORT');
  expect(s.findings[0].message).toBe(
    'missing permissions: list storageclasses.storage.k8s.io, create namespaces (grant them, or run with a more ' +
      'privileged kubeconfig)',
  );
  expect(client.calls.filter((c) => c.startsWith('create'))).toEqual([]);
});

test('scs-0210 does not wait for the storage probe: both checks run at once', async () => {
  const client = fakeClient({
    objects: {
      StorageClass: [
        {
          metadata: { name: 'std', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
          provisioner: 'cinder.csi.openstack.org',
        },
      ],
    },
  });
  simulateStorage(client);
  // /version answers only once the probe has created its namespace: run one after the other, this never finishes.
  let created!: () => void;
  const probing = new Promise<void>((r) => {
    created = r;
  });
  client.react((event, kind) => {
    if (event === 'create' && kind === 'Namespace') created();
  });
  const version = client.serverVersion.bind(client);
  client.serverVersion = async () => {
    await probing;
    return version();
  };
  const r = await verifyCluster(client, opts);
  expect(r.map((x) => `${x.standard}:${x.verdict}`)).toEqual(['scs-0210:PASS', 'scs-0211:PASS']);
}, 10_000);

test('one access review per permission, all sent before the probe creates anything', async () => {
  const client = fakeClient({ objects: { StorageClass: [] } });
  await verifyCluster(client, opts);
  const reviews = client.calls.filter((c) => c === 'access review').length;
  expect(reviews).toBe(requiredPermissions('cskit-probe').length);
  expect(requiredPermissions('cskit-probe').map((p) => `${p.verb} ${p.resource}`)).toEqual(
    expect.arrayContaining(['delete pods', 'delete persistentvolumeclaims', 'watch persistentvolumes']),
  );
});

test('an unreachable server ABORTs both checks; an outdated version FAILs scs-0210', async () => {
  const down = fakeClient({
    fail: {
      serverVersion: new KubeError('unreachable', 'reading /version: cannot reach the API server (ECONNREFUSED)'),
      list: new KubeError('unreachable', 'x'),
    },
  });
  const r = await verifyCluster(down, opts);
  expect(r.map((x) => x.verdict)).toEqual(['ABORT', 'ABORT']);
  expect(formatScs([{ cluster: '', results: r }])).toBe(
    'version-policy-check: ABORT (scs-0210-v2)\ndefault-storage-class-check: ABORT (scs-0211-v1)\n',
  );
  const old = await verifyCluster(fakeClient({ version: 'v1.36.2+k3s1', objects: { StorageClass: [] } }), opts);
  expect(old[0].verdict).toBe('FAIL');
  expect(old[0].findings.map((f) => f.code)).toContain('patch-outdated');
});

test('reports: table summary, scs lines (WARN counts as PASS), JUnit failures', async () => {
  const results = await verifyCluster(
    fakeClient({
      version: 'v1.36.4',
      objects: {
        StorageClass: [],
        Node: [{ metadata: { name: 'n1' }, status: { nodeInfo: { kubeletVersion: 'v1.36.3' } } }],
      },
    }),
    opts,
  );
  const reports = [{ cluster: 'ns/c1', results }];
  expect(formatTable(reports)).toMatch(
    new RegExp(
      /^cluster ns\/c1\n {2}scs-0210-v2 version-policy-check: PASS[\s\S]*/.source +
        /kubelets: v1\.36\.3 \(1 node\)[\s\S]*FAIL: 1 PASS, 1 FAIL \(1 cluster\)\n$/.source,
    ),
  );
  expect(formatScs(reports)).toBe(
    'ns/c1: version-policy-check: PASS (scs-0210-v2)\nns/c1: default-storage-class-check: FAIL (scs-0211-v1)\n',
  );
  expect(formatJunit(reports)).toMatch(/name="scs-0211-v1 default-storage-class-check"/);
  const junit = formatJunit(reports);
  expect(junit).toMatch(/<testsuite name="ns\/c1" tests="2" failures="1" errors="0">/);
  expect(junit).toMatch(/<failure message="no default StorageClass among 0 \(none\)/);
});

test('JUnit XML escapes markup and drops characters XML cannot carry (e.g. a control character from a server)', () => {
  const junit = formatJunit([
    {
      cluster: 'a&b',
      results: [
        {
          standard: 'scs-0211',
          version: 'v1',
          name: 'default-storage-class-check',
          verdict: 'ABORT',
          durationMs: 5,
          findings: [{ severity: 'error', code: 'abort', message: 'server said <html>\u0007 "no" & \'bye\'' }],
        },
      ],
    },
  ]);
  expect(junit).toContain('<testsuite name="a&amp;b" tests="1" failures="0" errors="1">');
  expect(junit).toContain('<error message="server said &lt;html&gt; &quot;no&quot; &amp; &apos;bye&apos;">');
  expect(junit).not.toContain('\u0007');
});
test('a fleet without any Cluster is an error (nothing verified is not a PASS)', async () => {
  const mgmt = fakeClient({ objects: { Cluster: [] } });
  const connect = () => {
    throw new Error('no cluster to connect to');
  };
  await expect(verifyFleet(mgmt, connect, { ...opts, concurrency: 2, selector: 'team=a' })).rejects.toThrow(
    /no Cluster API Cluster on the management cluster matches --selector team=a; nothing to verify/,
  );
});

test('a server version the data cannot judge is no evidence: scs-0210 FAILs (not a WARN printing PASS)', async () => {
  const [v] = await verifyCluster(fakeClient({ version: 'v1.99.0', objects: { StorageClass: [] } }), opts);
  expect(v.findings.map((f) => `${f.severity}:${f.code}`)).toEqual(
    expect.arrayContaining(['warning:unknown-version', 'error:not-judged']),
  );
  expect(v.verdict).toBe('FAIL');
  expect(formatScs([{ cluster: '', results: [v] }])).toBe('version-policy-check: FAIL (scs-0210-v2)\n');
});
