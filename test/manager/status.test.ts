import { readClusterState } from '../../src/manager/cluster-state';
import { ClusterAddonsStatus } from '../../src/manager/crd';
import { computeDesired } from '../../src/manager/desired';
import { nextStatus } from '../../src/manager/status';
import { RenderContext } from '../../src/render/context';
import { bundle, clusterObject, controlPlane } from './fixtures';

const ctx = (variables: Record<string, unknown>): RenderContext => ({
  cluster: { name: 'demo', namespace: 'default', labels: {}, annotations: {} },
  variables,
});

describe('nextStatus', () => {
  test('a render error that is fixed while the order has not reached the addon again is no longer Failed', () => {
    const b = bundle();
    const metrics = b.addons[2];
    const needsHost = {
      ...b,
      addons: [
        ...b.addons.slice(0, 2),
        { ...metrics, manifests: [{ ...metrics.manifests[0], data: { host: '{{variables.host}}' } }] },
      ],
    };
    const st = readClusterState(clusterObject({}), controlPlane('v1.36.4'));
    const t0 = '2026-11-29T21:00:00.000Z';
    const broken = computeDesired(needsHost, st, ctx({}), undefined);
    const first = nextStatus(undefined, broken, new Map([['cni', { state: 'Applied' }]]), t0);
    expect(first.addons?.map((a) => a.state)).toEqual(['Applied', 'Pending', 'Failed']);
    expect(first.conditions?.find((c) => c.type === 'Degraded')?.status).toBe('True');

    // The variable is there now; cni is still rolling out, so this reconcile stops before metrics.
    const fixed = computeDesired(needsHost, st, ctx({ host: 'h' }), undefined);
    const next: ClusterAddonsStatus = nextStatus(first, fixed, new Map([['cni', { state: 'Applied' }]]), t0);
    expect(next.addons?.map((a) => [a.name, a.state, a.lastError])).toEqual([
      ['cni', 'Applied', undefined],
      ['ccm', 'Pending', undefined],
      ['metrics', 'Pending', undefined],
    ]);
    expect(next.conditions?.find((c) => c.type === 'Degraded')?.status).toBe('False');
  });
});
