import { KubeError } from '../../../src/kube/types';
import {
  STUCK_AFTER_MS,
  checkDefaultStorageClass,
  checkVolume,
  cleanupProbes,
  deleteNamespace,
  stuckProbes,
} from '../../../src/verify/live/storage-class';
import { fakeClient, simulateStorage } from './fake-client';

const sc = (name: string, provisioner: string, isDefault = true, extra: object = {}) => ({
  metadata: {
    name,
    annotations: (isDefault ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {}) as Record<string, string>,
  },
  provisioner,
  ...extra,
});
const opts = { namespacePrefix: 'cskit-probe', image: 'pause', timeoutMs: 1000 };
const codes = (r: { findings: { severity: string; code: string }[] }) =>
  r.findings.map((f) => `${f.severity}:${f.code}`);

test('no default, two defaults and node-local defaults fail before any probe is created', async () => {
  for (const [classes, code] of [
    [[sc('a', 'cinder.csi.openstack.org', false)], 'error:no-default'],
    [[sc('a', 'cinder.csi.openstack.org'), sc('b', 'rbd.csi.ceph.com')], 'error:multiple-defaults'],
    [[sc('l', 'rancher.io/local-path')], 'error:node-local-provisioner'],
  ] as const) {
    const client = fakeClient({ objects: { StorageClass: [...classes] } });
    const r = await checkDefaultStorageClass(client, opts);
    expect(r.verdict).toBe('FAIL');
    expect(codes(r)).toEqual([code]);
    expect(client.calls.filter((c) => c.startsWith('create'))).toEqual([]);
  }
});

test('a probe that cannot proceed fails the check and still deletes its namespace', async () => {
  const client = fakeClient({ objects: { StorageClass: [sc('std', 'cinder.csi.openstack.org')] } });
  const r = await checkDefaultStorageClass(client, opts);
  expect(r.verdict).toBe('FAIL');
  expect(codes(r)).toEqual(['info:default-class', 'error:probe-failed']);
  const ns = client.calls.find((c) => c.startsWith('create Namespace'))!.split(' ')[2];
  expect(ns).toMatch(/^cskit-probe-[0-9a-f]{6}$/);
  expect(client.calls).toContain(`delete Namespace ${ns}`);
});

test(
  'a network-backed default class whose probe claim binds and pod runs (fake client) passes; cleanup removes pod, ' +
    'claim and volume and leaves the namespace Terminating, not awaited',
  async () => {
    // The namespace never goes away here (as during kube-controller-manager's fixed 5 s delay): the check must not
    // wait for it.
    const client = fakeClient({
      objects: { StorageClass: [sc('std', 'cinder.csi.openstack.org')] },
      terminating: ['Namespace'],
    });
    simulateStorage(client);
    const lines: string[] = [];
    const r = await checkDefaultStorageClass(client, { ...opts, log: (l) => lines.push(l) });
    expect(codes(r)).toEqual(['info:default-class', 'info:probe-passed']);
    expect(r.verdict).toBe('PASS');
    const ns = client.objects.Namespace[0];
    expect(ns.metadata?.deletionTimestamp).toBeDefined();
    expect(client.objects.Pod).toEqual([]);
    expect(client.objects.PersistentVolumeClaim).toEqual([]);
    expect(client.objects.PersistentVolume).toEqual([]);
    expect(client.calls).toEqual(
      expect.arrayContaining([
        `delete Pod cskit-probe`,
        `delete PersistentVolumeClaim cskit-probe`,
        `delete Namespace ${ns.metadata!.name}`,
      ]),
    );
    // No wait for the default ServiceAccount (the admission plugin retries it) and none for the namespace to vanish.
    expect(client.calls.filter((c) => /^watch (ServiceAccount|Namespace)/.test(c))).toEqual([]);
    expect(lines.at(-1)).toMatch(/^deleted probe namespace cskit-probe-[0-9a-f]{6} \(pod, claim and volume gone/);
  },
  10_000,
);

test('a pod rejected because the default ServiceAccount is not there yet is created again once it is', async () => {
  const client = fakeClient({
    objects: { StorageClass: [sc('std', 'cinder.csi.openstack.org')] },
    failOnce: {
      Pod: new KubeError(
        'forbidden',
        'creating Pod cskit-probe: pods "cskit-probe" is forbidden: ' +
          'error looking up service account cskit-probe-x/default: serviceaccount "default" not found',
      ),
    },
  });
  simulateStorage(client);
  const r = await checkDefaultStorageClass(client, opts);
  expect(codes(r)).toEqual(['info:default-class', 'info:probe-passed']);
  expect(client.calls.filter((c) => c === 'create Pod cskit-probe' || c === 'watch ServiceAccount default')).toEqual([
    'create Pod cskit-probe',
    'watch ServiceAccount default',
    'create Pod cskit-probe',
  ]);
});

test('a Retain class leaves the probe volume behind: a warning says so instead of deleting it', async () => {
  const client = fakeClient({
    objects: { StorageClass: [sc('keep', 'cinder.csi.openstack.org', true, { reclaimPolicy: 'Retain' })] },
  });
  simulateStorage(client, { reclaimPolicy: 'Retain' });
  const r = await checkDefaultStorageClass(client, opts);
  expect(r.verdict).toBe('WARN');
  expect(codes(r)).toEqual(['info:default-class', 'info:probe-passed', 'warning:volume-retained']);
  expect(r.findings[2].message).toMatch(
    new RegExp(
      '^PV pvc-uid-PersistentVolumeClaim-cskit-probe of the probe stays \\(Released\\) ' +
        'because the default class has reclaimPolicy Retain',
    ),
  );
  expect(client.objects.PersistentVolume.map((v) => v.metadata?.name)).toEqual([
    'pvc-uid-PersistentVolumeClaim-cskit-probe',
  ]);
});

test('an unavailable aggregated API, which stalls every namespace deletion, is named after the probe', async () => {
  const apiService = (name: string, status: string) => ({
    metadata: { name },
    status: { conditions: [{ type: 'Available', status, reason: 'FailedDiscoveryCheck' }] },
  });
  const client = fakeClient({
    objects: {
      StorageClass: [sc('std', 'cinder.csi.openstack.org')],
      APIService: [apiService('v1.apps', 'True'), apiService('v1beta1.metrics.k8s.io', 'False')],
    },
  });
  simulateStorage(client);
  const r = await checkDefaultStorageClass(client, opts);
  expect(codes(r)).toEqual(['info:default-class', 'info:probe-passed', 'warning:namespace-deletion-stalls']);
  expect(r.findings[2].message).toMatch(
    /^probe namespace cskit-probe-[0-9a-f]{6} cannot finish terminating while v1beta1\.metrics\.k8s\.io is unavailable/,
  );
});

test("earlier runs' probe namespaces long Terminating are reported with conditions; recent ones are not", async () => {
  const now = Date.parse('2026-09-01T12:00:00Z');
  const ns = (name: string, agoMs: number) => ({
    metadata: {
      name,
      labels: { 'cskit.io/probe': 'scs-0211' },
      deletionTimestamp: new Date(now - agoMs).toISOString(),
    },
    status: {
      phase: 'Terminating',
      conditions: [
        {
          type: 'NamespaceDeletionDiscoveryFailure',
          status: 'True',
          message: 'Discovery failed for some groups: metrics.k8s.io/v1beta1',
        },
      ],
    },
  });
  const client = fakeClient({
    objects: { Namespace: [ns('cskit-probe-old', STUCK_AFTER_MS + 1000), ns('cskit-probe-new', 5000)] },
  });
  const found = await stuckProbes(client, now);
  expect(found.map((f) => `${f.severity}:${f.code}`)).toEqual(['warning:stuck-probe-namespace']);
  expect(found[0].message).toBe(
    'probe namespace cskit-probe-old of an earlier run has been Terminating since 2026-09-01T11:58:59.000Z ' +
      '(NamespaceDeletionDiscoveryFailure: Discovery failed for some groups: metrics.k8s.io/v1beta1); ' +
      'namespace deletion is stalled on this cluster: fix the cause, then `cskit verify cluster --cleanup`',
  );
  // …and every check says it, also one that fails early.
  const r = await checkDefaultStorageClass(
    fakeClient({ objects: { Namespace: [ns('cskit-probe-old', 3_600_000)], StorageClass: [] } }),
    opts,
  );
  expect(codes(r)).toEqual(['error:no-default', 'warning:stuck-probe-namespace']);
});

test('a permission error during the probe is not a FAIL: it propagates (ABORT)', async () => {
  const client = fakeClient({
    objects: { StorageClass: [sc('std', 'cinder.csi.openstack.org')] },
    fail: { create: new KubeError('forbidden', 'namespaces is forbidden') },
  });
  await expect(checkDefaultStorageClass(client, opts)).rejects.toThrow('namespaces is forbidden');
});

test('a namespace that cannot be deleted says why, from its conditions (e.g. a dead aggregated API)', async () => {
  const stuck = {
    metadata: { name: 'p' },
    status: {
      phase: 'Terminating',
      conditions: [
        {
          type: 'NamespaceDeletionDiscoveryFailure',
          status: 'True',
          message: 'Discovery failed for some groups: metrics.k8s.io/v1beta1',
        },
        { type: 'NamespaceContentRemaining', status: 'False', message: 'All resources successfully removed' },
      ],
    },
  };
  await expect(
    deleteNamespace(fakeClient({ objects: { Namespace: [stuck] }, terminating: ['Namespace'] }), 'p', 10),
  ).rejects.toThrow(
    'fake: timed out waiting for Namespace ' +
      '(NamespaceDeletionDiscoveryFailure: Discovery failed for some groups: metrics.k8s.io/v1beta1)',
  );
});

test('a namespace that does not go is a timeout the CLI reports as an ABORT, with how to go on', async () => {
  const e = await deleteNamespace(
    fakeClient({ objects: { Namespace: [{ metadata: { name: 'p' } }] }, terminating: ['Namespace'] }),
    'p',
    10,
  ).catch((x) => x);
  expect(e).toBeInstanceOf(KubeError);
  expect(e.kind).toBe('timeout');
  expect(e.message).toMatch(
    /^fake: timed out waiting for Namespace; fix the cause, then run `cskit verify cluster --cleanup` again$/,
  );
});

test('a namespace gone between the read and the start of the watch (no event) is not a failure', async () => {
  const client = fakeClient({ objects: { Namespace: [{ metadata: { name: 'p' } }] }, terminating: ['Namespace'] });
  const get = client.get.bind(client);
  let reads = 0;
  // The namespace controller finishes right after our first read: the watch that follows sees nothing.
  client.get = async (...a) => {
    const o = await get(...a);
    if (++reads === 1) client.remove('Namespace', 'p');
    return o;
  };
  await expect(deleteNamespace(client, 'p', 20)).resolves.toBeUndefined();
  expect(reads).toBe(2);
});

test('--cleanup deletes leftover probe namespaces, awaits Terminating ones too, names those it deleted', async () => {
  const label = { 'cskit.io/probe': 'scs-0211' };
  const client = fakeClient({
    objects: {
      Namespace: [
        { metadata: { name: 'cskit-probe-left', labels: label } },
        { metadata: { name: 'cskit-probe-going', labels: label, deletionTimestamp: '2026-09-01T00:00:00Z' } },
      ],
    },
    terminating: ['Namespace'],
  });
  // The namespace controller, in miniature: a Terminating namespace goes a little later.
  client.react((event, kind, o) => {
    if (event === 'delete' && kind === 'Namespace') setTimeout(() => client.remove('Namespace', o.metadata!.name!), 5);
  });
  expect(await cleanupProbes(client, 2000)).toEqual(['cskit-probe-left']);
  expect(client.objects.Namespace).toEqual([]);
});

const affinity = (matchExpressions: object[]) => ({ required: { nodeSelectorTerms: [{ matchExpressions }] } });
const pvc = { metadata: { name: 'cskit-probe', namespace: 'ns', uid: 'u1' }, spec: { volumeName: 'pv1' } };
const pv = (spec: object) => ({
  metadata: { name: 'pv1' },
  spec: {
    accessModes: ['ReadWriteOnce'],
    claimRef: { name: 'cskit-probe', namespace: 'ns', uid: 'u1' },
    csi: { driver: 'x' },
    ...spec,
  },
});

test.each([
  ['a CSI RWO volume bound to the probe', pv({}), ['info:probe-passed']],
  ['no RWO', pv({ accessModes: ['ReadWriteMany'] }), ['error:no-rwo']],
  ["someone else's claim", pv({ claimRef: { name: 'other', namespace: 'ns' } }), ['error:claim-mismatch']],
  ['a hostPath volume', pv({ hostPath: { path: '/x' } }), ['error:node-local-volume']],
  ['a local volume', pv({ local: { path: '/x' } }), ['error:node-local-volume']],
  [
    'a volume pinned to one node (scs-0211 v1: not bound to the lifecycle of a node)',
    pv({ nodeAffinity: affinity([{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }]) }),
    ['error:node-bound'],
  ],
  [
    'a volume on a zone (Cinder topology key)',
    pv({
      nodeAffinity: affinity([{ key: 'topology.cinder.csi.openstack.org/zone', operator: 'In', values: ['az1'] }]),
    }),
    ['info:zone-bound', 'info:probe-passed'],
  ],
  [
    'a volume on a zone (well-known key)',
    pv({ nodeAffinity: affinity([{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['az1'] }]) }),
    ['info:zone-bound', 'info:probe-passed'],
  ],
  [
    'an affinity on a key cskit cannot place',
    pv({ nodeAffinity: affinity([{ key: 'example.com/rack', operator: 'In', values: ['r1'] }]) }),
    ['warning:node-affinity', 'info:probe-passed'],
  ],
])('bound volume: %s', (_n, volume, want) => {
  expect(checkVolume(volume, pvc).map((f) => `${f.severity}:${f.code}`)).toEqual(want);
});

test('under the scs-0211 v2 draft the properties are recommendations: a node-pinned volume is a warning', () => {
  const pinned = pv({ nodeAffinity: affinity([{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }]) });
  const v2 = checkVolume(pinned, pvc, { 'scs-0210': 'v2', 'scs-0211': 'v2' });
  expect(v2.map((f) => `${f.severity}:${f.code}`)).toEqual(['warning:node-bound', 'info:probe-passed']);
  expect(v2[0].message).toMatch(/scs-0211 v2 recommends against/);
  // one pinned term ORed with a zone term: the volume can live on the zone's nodes, so it is not pinned to one
  const either = pv({
    nodeAffinity: {
      required: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] },
          { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['az1'] }] },
        ],
      },
    },
  });
  expect(checkVolume(either, pvc).map((f) => f.code)).not.toContain('node-bound');
});
