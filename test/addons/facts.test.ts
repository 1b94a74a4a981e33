import {
  cilium,
  cinderCsi,
  devStorage,
  dockerAddons,
  metricsServer,
  openstackAddons,
  openstackCcm,
} from '../../addons';
import { orderAddons } from '../../src/model/addon';
import { images, objectsOf } from './support';

const minors = ['1.34', '1.35', '1.36', '1.37'];

test.each(minors)('every OpenStack and Docker addon has a release for Kubernetes %s', (minor) => {
  for (const a of [...openstackAddons, ...dockerAddons]) expect(a.releases[minor]).toBeDefined();
});

test('images per minor are the upstream releases we pin', () => {
  expect(cilium.releases['1.34'].images.agent).toBe('quay.io/cilium/cilium:v1.18.9');
  expect(cilium.releases['1.36'].images.operator).toBe('quay.io/cilium/operator-generic:v1.19.4');
  expect(openstackCcm.releases['1.34'].images.manager).toBe(
    'registry.k8s.io/provider-os/openstack-cloud-controller-manager:v1.34.1',
  );
  expect(openstackCcm.releases['1.36'].images.manager).toBe(
    'registry.k8s.io/provider-os/openstack-cloud-controller-manager:v1.36.0',
  );
  expect(cinderCsi.releases['1.35'].images.plugin).toBe('registry.k8s.io/provider-os/cinder-csi-plugin:v1.35.0');
  expect(metricsServer.releases['1.34'].images.server).toBe('registry.k8s.io/metrics-server/metrics-server:v0.8.0');
  expect(metricsServer.releases['1.36'].images.server).toBe('registry.k8s.io/metrics-server/metrics-server:v0.8.1');
});

test('CCM and CSI versions start with the Kubernetes minor; 1.37 keeps the 1.36 release (docs/stacks.md)', () => {
  // 1.37 keeps the 1.36 release until upstream tags 1.37. Known gap: no cloud-provider-openstack v1.37 release was
  // reachable on 2026-11-29.
  const expected = (m: string) => (m === '1.37' ? '1.36.' : `${m}.`);
  for (const m of minors) {
    expect(openstackCcm.releases[m].version.startsWith(expected(m))).toBe(true);
    expect(cinderCsi.releases[m].version.startsWith(expected(m))).toBe(true);
  }
});

test.each(minors)('the objects of %s run exactly the images of that release', (minor) => {
  for (const a of openstackAddons) {
    const used = new Set(images(objectsOf(a, minor)));
    expect([...used].sort()).toEqual([...new Set(Object.values(a.releases[minor].images))].sort());
  }
});

test('install order: CNI, CCM, CSI, metrics-server (docker: CNI, storage, metrics-server)', () => {
  expect(orderAddons(openstackAddons).map((a) => a.name)).toEqual([
    'cilium',
    'openstack-ccm',
    'cinder-csi',
    'metrics-server',
  ]);
  expect(orderAddons([...openstackAddons].reverse()).map((a) => a.name)).toEqual([
    'cilium',
    'openstack-ccm',
    'cinder-csi',
    'metrics-server',
  ]);
  expect(orderAddons(dockerAddons).map((a) => a.name)).toEqual(['cilium', 'dev-storage', 'metrics-server']);
  expect(dockerAddons).toContain(devStorage);
});

test('an addon without a release for the stack minor is an error naming addon, minor and fix', () => {
  expect(() => objectsOf(cilium, '1.30')).toThrow(
    'addon cilium: no release for Kubernetes 1.30 (known: 1.34, 1.35, 1.36, 1.37); add one to addons/cilium/facts.ts',
  );
});
