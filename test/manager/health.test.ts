import { unhealthyReason } from '../../src/manager/health';
import { AddonHealthCheck } from '../../src/model/addon';

const rollout = (kind: string): AddonHealthCheck => ({
  type: 'rollout',
  apiVersion: 'apps/v1',
  kind,
  name: 'x',
  namespace: 'ns',
});
const dep = (status: Record<string, number>, generation = 2, replicas = 3) => ({
  metadata: { name: 'x', namespace: 'ns', generation },
  spec: { replicas },
  status,
});

describe('unhealthyReason by the bundle health checks', () => {
  test('rollout of a Deployment: generation observed, every replica updated and available', () => {
    const c = rollout('Deployment');
    expect(unhealthyReason(dep({ observedGeneration: 1, updatedReplicas: 3, availableReplicas: 3 }), c)).toMatch(
      /generation 2 not observed/,
    );
    expect(unhealthyReason(dep({ observedGeneration: 2, updatedReplicas: 2, availableReplicas: 3 }), c)).toMatch(
      /2\/3 replicas updated/,
    );
    const ok = dep({ observedGeneration: 2, updatedReplicas: 3, availableReplicas: 3, replicas: 3 });
    expect(unhealthyReason(ok, c)).toBeUndefined();
  });

  test('rollout of a DaemonSet: every scheduled pod updated and available', () => {
    const c = rollout('DaemonSet');
    const ds = (s: Record<string, number>) => ({ metadata: { name: 'x', generation: 1 }, status: s });
    const base = { observedGeneration: 1, desiredNumberScheduled: 2, updatedNumberScheduled: 2 };
    expect(unhealthyReason(ds({ ...base, numberAvailable: 1 }), c)).toMatch(/1\/2 pods available/);
    expect(unhealthyReason(ds({ ...base, numberAvailable: 2 }), c)).toBeUndefined();
  });

  test('rollout of a StatefulSet counts ready replicas', () => {
    const c = rollout('StatefulSet');
    expect(unhealthyReason(dep({ observedGeneration: 2, updatedReplicas: 3, readyReplicas: 1 }), c)).toMatch(/1\/3/);
  });

  test('established and available need their condition True; a missing object is named', () => {
    const crd: AddonHealthCheck = {
      type: 'established',
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'x.y',
    };
    const cond = (type: string, status: string) => ({ status: { conditions: [{ type, status }] } });
    expect(unhealthyReason(cond('Established', 'False'), crd)).toMatch(/not Established/);
    expect(unhealthyReason(cond('Established', 'True'), crd)).toBeUndefined();
    expect(unhealthyReason(undefined, crd)).toMatch(/CustomResourceDefinition x.y is missing/);
    const api: AddonHealthCheck = {
      type: 'available',
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      name: 'v1beta1.metrics.k8s.io',
    };
    expect(unhealthyReason(cond('Available', 'False'), api)).toMatch(/APIService v1beta1.metrics.k8s.io not Available/);
  });
});
