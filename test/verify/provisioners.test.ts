import { classifyProvisioner, isDefaultClass } from '../../src/verify/provisioners';

test.each([
  ['cinder.csi.openstack.org', 'network'],
  ['rbd.csi.ceph.com', 'network'],
  ['csi.vsphere.vmware.com', 'network'],
  ['kubernetes.io/no-provisioner', 'node-local'],
  ['rancher.io/local-path', 'node-local'],
  ['openebs.io/local', 'node-local'],
  ['topolvm.io', 'node-local'],
  ['hostpath.csi.k8s.io', 'node-local'],
  ['local.csi.example.com', 'node-local'],
  ['example.com/something', 'unknown'],
  ['', 'unknown'],
])('%s is %s', (p, want) => expect(classifyProvisioner(p)).toBe(want));

test('only the exact value "true" makes a class default (GA or beta annotation)', () => {
  const sc = (a: Record<string, string>) => ({ metadata: { annotations: a } });
  expect(isDefaultClass(sc({ 'storageclass.kubernetes.io/is-default-class': 'true' }))).toBe(true);
  expect(isDefaultClass(sc({ 'storageclass.beta.kubernetes.io/is-default-class': 'true' }))).toBe(true);
  expect(isDefaultClass(sc({ 'storageclass.kubernetes.io/is-default-class': 'True' }))).toBe(false);
  expect(isDefaultClass({})).toBe(false);
});
