import { readClusterState } from '../../src/manager/cluster-state';
import { ADDON_LABEL, computeDesired } from '../../src/manager/desired';
import { RenderContext } from '../../src/render/context';
import { bundle, clusterObject, controlPlane } from './fixtures';

const ctx = (name = 'demo'): RenderContext => ({
  cluster: { name, namespace: 'default', labels: {}, annotations: {} },
  variables: {},
});
const moving = (d: ReturnType<typeof computeDesired>) => d.addons.filter((a) => a.move).map((a) => a.addon.name);
const applied = { className: 'stack-1-36-v1', kubernetesVersion: 'v1.36.4' };
/**
 * A Cluster being upgraded from the applied stack-1-36-v1 to stack-1-37-v1 at v1.37.2 (topology not reconciled yet),
 * its control plane at `controlPlaneVersion`, CAPI's pending hooks `pendingHooks`.
 */
const upgrading = (controlPlaneVersion: string, pendingHooks?: string) =>
  readClusterState(
    clusterObject({ className: 'stack-1-37-v1', version: 'v1.37.2', topologyReconciled: false, pendingHooks }),
    controlPlane(controlPlaneVersion),
  );

describe('computeDesired: the phase gate from persisted state', () => {
  test('before the control plane is initialized no addon moves and nothing may be pruned', () => {
    const st = readClusterState(clusterObject({ initialized: false }));
    const d = computeDesired(bundle(), st, ctx(), undefined);
    expect(d.stage).toBe('waiting');
    expect(moving(d)).toEqual([]);
    expect(d.pruneAllowed).toBe(false);
    expect(d.addons[0].heldReason).toMatch(/not initialized/);
  });

  test('first install: every addon moves, in bundle order, rendered for the Cluster and labelled', () => {
    const st = readClusterState(clusterObject({}), controlPlane('v1.36.4'));
    const d = computeDesired(bundle(), st, ctx('demo'), undefined);
    expect(d.stage).toBe('install');
    expect(moving(d)).toEqual(['cni', 'ccm', 'metrics']);
    expect(d.addons[0].objects[0].spec.template.metadata.labels.cluster).toBe('demo');
    expect(d.addons[0].objects[0].metadata?.labels?.[ADDON_LABEL]).toBe('cni');
    expect(d.target).toEqual({ className: 'stack-1-36-v1', kubernetesVersion: 'v1.36.4' });
  });

  test('Kubernetes upgrade, control plane still old: only BeforeClusterUpgrade addons move, no prune', () => {
    const st = upgrading('v1.36.4');
    const d = computeDesired(bundle('stack-1-37-v1', '2.0.0'), st, ctx(), applied);
    expect(d.stage).toBe('upgrade');
    expect(moving(d)).toEqual(['cni']);
    expect(d.addons[2].heldReason).toMatch(/AfterClusterUpgrade of the upgrade to v1.37.2/);
    expect(d.pruneAllowed).toBe(false);
  });

  test('control plane at the new version, workers not yet: AfterControlPlaneUpgrade addons move too', () => {
    const st = upgrading('v1.37.2');
    expect(moving(computeDesired(bundle('stack-1-37-v1'), st, ctx(), applied))).toEqual(['cni', 'ccm']);
  });

  test('control plane and topology at the new version: every addon moves and prune is allowed', () => {
    const st = readClusterState(
      clusterObject({ className: 'stack-1-37-v1', version: 'v1.37.2' }),
      controlPlane('v1.37.2'),
    );
    const d = computeDesired(bundle('stack-1-37-v1'), st, ctx(), applied);
    expect(moving(d)).toEqual(['cni', 'ccm', 'metrics']);
    expect(d.pruneAllowed).toBe(true);
  });

  test(
    'CAPI waits only for AfterClusterUpgrade (TopologyReconciled False because that hook is pending): every addon ' +
      'moves, so the hook that waits for them can pass',
    () => {
      const st = upgrading('v1.37.2', 'AfterClusterUpgrade');
      expect(st.workersUpgraded).toBe(true);
      const d = computeDesired(bundle('stack-1-37-v1'), st, ctx(), applied);
      expect(moving(d)).toEqual(['cni', 'ccm', 'metrics']);
      expect(d.pruneAllowed).toBe(true);
    },
  );

  test.each([
    ['AfterClusterUpgrade,AfterControlPlaneUpgrade,BeforeWorkersUpgrade,AfterWorkersUpgrade', ['cni', 'ccm']],
    ['AfterClusterUpgrade,AfterWorkersUpgrade', ['cni', 'ccm']],
    ['', ['cni', 'ccm']],
  ])('control plane upgraded, pending hooks "%s": the workers are not done, %j move', (pending, expected) => {
    const st = upgrading('v1.37.2', pending);
    expect(st.workersUpgraded).toBe(false);
    expect(moving(computeDesired(bundle('stack-1-37-v1'), st, ctx(), applied))).toEqual(expected);
  });

  test('AfterClusterUpgrade pending while the control plane is still old: only BeforeClusterUpgrade addons', () => {
    const st = upgrading('v1.36.4', 'AfterClusterUpgrade');
    expect(moving(computeDesired(bundle('stack-1-37-v1'), st, ctx(), applied))).toEqual(['cni']);
  });

  test('Kubernetes version change alone (same class) is an upgrade gated the same way', () => {
    const st = readClusterState(
      clusterObject({ version: 'v1.36.5', topologyReconciled: false }),
      controlPlane('v1.36.4'),
    );
    const d = computeDesired(bundle(), st, ctx(), applied);
    expect(d.stage).toBe('upgrade');
    expect(moving(d)).toEqual(['cni']);
  });

  test('class rebase without a Kubernetes version change (no hook fires): every addon moves at once', () => {
    const st = readClusterState(clusterObject({ className: 'stack-1-36-v2' }), controlPlane('v1.36.4'));
    const d = computeDesired(bundle('stack-1-36-v2', '1.1.0'), st, ctx(), applied);
    expect(d.stage).toBe('rebase');
    expect(moving(d)).toEqual(['cni', 'ccm', 'metrics']);
    expect(d.pruneAllowed).toBe(true);
  });

  test('at the target: steady, everything re-applied (drift repair), same hash for the same input', () => {
    const st = readClusterState(clusterObject({}), controlPlane('v1.36.4'));
    const a = computeDesired(bundle(), st, ctx(), applied);
    const b = computeDesired(bundle(), st, ctx(), applied);
    expect(a.stage).toBe('steady');
    expect(a.addons.map((x) => x.hash)).toEqual(b.addons.map((x) => x.hash));
    expect(computeDesired(bundle(), st, ctx('other'), applied).addons[0].hash).not.toBe(a.addons[0].hash);
  });

  test('a variable the Cluster lacks is a render error on that addon naming the variable, not a throw', () => {
    const b = bundle();
    const broken = {
      ...b,
      addons: [{ ...b.addons[0], manifests: [{ ...b.addons[0].manifests[0], data: { x: '{{variables.mtu}}' } }] }],
    };
    const d = computeDesired(broken, readClusterState(clusterObject({})), ctx(), undefined);
    expect(d.addons[0].renderError).toMatch(/variable "variables.mtu" is not set for cluster demo/);
    expect(d.pruneAllowed).toBe(false);
  });

  test('before the control plane is initialized a missing input is no render error yet (CAPI adds some later)', () => {
    const b = bundle();
    const needsEndpoint = {
      ...b,
      addons: [
        { ...b.addons[0], manifests: [{ ...b.addons[0].manifests[0], data: { x: '{{variables.mtu}}' } }] },
        ...b.addons.slice(1),
      ],
    };
    const d = computeDesired(needsEndpoint, readClusterState(clusterObject({ initialized: false })), ctx(), undefined);
    expect(d.stage).toBe('waiting');
    expect(d.addons.map((a) => a.renderError)).toEqual([undefined, undefined, undefined]);
    expect(d.addons[0].heldReason).toMatch(/not initialized/);
  });
});
