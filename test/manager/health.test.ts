import { unhealthyReason } from '../../src/manager/health';

const dep = (status: Record<string, number>, generation = 2, replicas = 3) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'ns', generation },
  spec: { replicas },
  status,
});

describe('unhealthyReason', () => {
  test('a Deployment is healthy only when its generation is observed and every replica updated and available', () => {
    const want = dep({});
    expect(unhealthyReason(dep({ observedGeneration: 1, updatedReplicas: 3, availableReplicas: 3 }), want)).toMatch(
      /generation 2 not observed/,
    );
    expect(unhealthyReason(dep({ observedGeneration: 2, updatedReplicas: 2, availableReplicas: 3 }), want)).toMatch(
      /2\/3 replicas updated/,
    );
    expect(
      unhealthyReason(dep({ observedGeneration: 2, updatedReplicas: 3, availableReplicas: 3, replicas: 3 }), want),
    ).toBeUndefined();
  });

  test('a DaemonSet needs every scheduled pod updated and available', () => {
    const ds = (s: Record<string, number>) => ({
      kind: 'DaemonSet',
      metadata: { name: 'c', generation: 1 },
      status: s,
    });
    expect(
      unhealthyReason(
        ds({ observedGeneration: 1, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 1 }),
        ds({}),
      ),
    ).toMatch(/1\/2 pods available/);
    expect(
      unhealthyReason(
        ds({ observedGeneration: 1, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2 }),
        ds({}),
      ),
    ).toBeUndefined();
  });

  test('a CRD must be Established; a missing object is named', () => {
    const crd = { kind: 'CustomResourceDefinition', metadata: { name: 'x.y' } };
    expect(
      unhealthyReason({ ...crd, status: { conditions: [{ type: 'Established', status: 'False' }] } }, crd),
    ).toMatch(/not Established/);
    expect(
      unhealthyReason({ ...crd, status: { conditions: [{ type: 'Established', status: 'True' }] } }, crd),
    ).toBeUndefined();
    expect(unhealthyReason(undefined, crd)).toMatch(/CustomResourceDefinition x.y is missing/);
  });
});
