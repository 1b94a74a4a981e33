import { KubeError } from '../../../src/kube/types';
import { checkDefaultStorageClass, checkVolume, deleteNamespace } from '../../../src/verify/live/storage-class';
import { fakeClient } from './fake-client';

const sc = (name: string, provisioner: string, isDefault = true) => ({
  metadata: { name, annotations: (isDefault ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {}) as Record<string, string> }, provisioner,
});
const opts = { namespacePrefix: 'cskit-probe', image: 'pause', timeoutMs: 1000 };
const codes = (r: { findings: { severity: string; code: string }[] }) => r.findings.map((f) => `${f.severity}:${f.code}`);

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

test('a permission error during the probe is not a FAIL: it propagates (ABORT)', async () => {
  const client = fakeClient({ objects: { StorageClass: [sc('std', 'cinder.csi.openstack.org')] }, fail: { create: new KubeError('forbidden', 'namespaces is forbidden') } });
  await expect(checkDefaultStorageClass(client, opts)).rejects.toThrow('namespaces is forbidden');
});

test('a namespace that cannot be deleted says why, from its conditions (e.g. a dead aggregated API)', async () => {
  const stuck = { metadata: { name: 'p' }, status: { phase: 'Terminating', conditions: [
    { type: 'NamespaceDeletionDiscoveryFailure', status: 'True', message: 'Discovery failed for some groups: metrics.k8s.io/v1beta1' },
    { type: 'NamespaceContentRemaining', status: 'False', message: 'All resources successfully removed' },
  ] } };
  await expect(deleteNamespace(fakeClient({ objects: { Namespace: [stuck] } }), 'p', 10))
    .rejects.toThrow('fake: no watches (NamespaceDeletionDiscoveryFailure: Discovery failed for some groups: metrics.k8s.io/v1beta1)');
});

const pvc = { metadata: { name: 'cskit-probe', namespace: 'ns', uid: 'u1' }, spec: { volumeName: 'pv1' } };
const pv = (spec: object) => ({ metadata: { name: 'pv1' }, spec: { accessModes: ['ReadWriteOnce'], claimRef: { name: 'cskit-probe', namespace: 'ns', uid: 'u1' }, csi: { driver: 'x' }, ...spec } });

test.each([
  ['a CSI RWO volume bound to the probe', pv({}), ['info:probe-passed']],
  ['no RWO', pv({ accessModes: ['ReadWriteMany'] }), ['error:no-rwo']],
  ['someone else\'s claim', pv({ claimRef: { name: 'other', namespace: 'ns' } }), ['error:claim-mismatch']],
  ['a hostPath volume', pv({ hostPath: { path: '/x' } }), ['error:node-local-volume']],
  ['a local volume', pv({ local: { path: '/x' } }), ['error:node-local-volume']],
  ['a node-pinned volume', pv({ nodeAffinity: { required: { nodeSelectorTerms: [] } } }), ['warning:node-bound', 'info:probe-passed']],
])('bound volume: %s', (_n, volume, want) => {
  expect(checkVolume(volume, pvc).map((f) => `${f.severity}:${f.code}`)).toEqual(want);
});
