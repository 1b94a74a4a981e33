import { clusterAddonsCrd } from '../../src/manager/crd';
import { bundleCrd } from '../../src/model/addon-bundle-crd';

describe('our CRDs (one builder)', () => {
  test.each([
    ['AddonBundle', bundleCrd(), 'addonbundles.addons.cskit.io', false],
    ['ClusterAddons', clusterAddonsCrd(), 'clusteraddons.addons.cskit.io', true],
  ])('%s: namespaced, clusterctl move labels, one stored version, Age last', (_kind, crd, name, status) => {
    expect(crd.metadata?.name).toBe(name);
    expect(crd.metadata?.labels).toMatchObject({
      'clusterctl.cluster.x-k8s.io': '',
      'clusterctl.cluster.x-k8s.io/move': '',
    });
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.versions).toHaveLength(1);
    const [v] = crd.spec.versions;
    expect(v).toMatchObject({ name: 'v1alpha1', served: true, storage: true });
    expect(Boolean(v.subresources?.status)).toBe(status);
    expect(v.schema.openAPIV3Schema.type).toBe('object');
    expect(v.additionalPrinterColumns.at(-1)).toEqual({
      name: 'Age',
      type: 'date',
      jsonPath: '.metadata.creationTimestamp',
    });
  });
});
