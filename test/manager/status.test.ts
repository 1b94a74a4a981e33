import { readClusterState } from '../../src/manager/cluster-state';
import { computeDesired } from '../../src/manager/desired';
import { nextStatus } from '../../src/manager/status';
import { RenderContext } from '../../src/render/context';
import { bundle, clusterObject, controlPlane } from './fixtures';

const ctx: RenderContext = {
  cluster: { name: 'demo', namespace: 'default', labels: {}, annotations: {} },
  variables: {},
};
const states = (s: ReturnType<typeof nextStatus>) => s.addons?.map((a) => [a.name, a.state]);

describe('nextStatus: per-addon states', () => {
  test('Held while the control plane is not initialized; once it is, addons not reached yet are Pending', () => {
    const waiting = computeDesired(bundle(), readClusterState(clusterObject({ initialized: false })), ctx, undefined);
    const held = nextStatus(undefined, waiting, new Map(), '2026-11-29T20:00:00Z');
    expect(states(held)).toEqual([
      ['cni', 'Held'],
      ['ccm', 'Held'],
      ['metrics', 'Held'],
    ]);
    const install = computeDesired(
      bundle(),
      readClusterState(clusterObject({}), controlPlane('v1.36.4')),
      ctx,
      undefined,
    );
    // The first addon failed: the ones after it were not reached, and no longer wait for anything but it.
    const next = nextStatus(
      held,
      install,
      new Map([['cni', { state: 'Failed' as const, error: 'x' }]]),
      '2026-11-29T20:01:00Z',
    );
    expect(states(next)).toEqual([
      ['cni', 'Failed'],
      ['ccm', 'Pending'],
      ['metrics', 'Pending'],
    ]);
  });
});
