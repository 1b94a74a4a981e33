import { ClusterAddons, HookRecord } from '../../src/manager/crd';
import { HOOK_FIELD_MANAGER, nextHookRecord, recordHookCall, requestVersion } from '../../src/manager/hook-record';
import { HookResponse } from '../../src/manager/hooks';
import { FakeApi } from './fake-api';

const held = (message = 'waiting for cni'): HookResponse => ({
  apiVersion: 'hooks.runtime.cluster.x-k8s.io/v1alpha1',
  kind: 'BeforeClusterUpgradeResponse',
  status: 'Success',
  message,
  retryAfterSeconds: 5,
});
const passed: HookResponse = { ...held('healthy'), retryAfterSeconds: 0 };
const T = (s: number) => new Date(Date.UTC(2026, 10, 29, 21, 0, s)).toISOString();

describe('hook records: what CAPI asked and what the manager answered', () => {
  test('the version of a request: toKubernetesVersion of Before* hooks, kubernetesVersion of After* hooks', () => {
    expect(requestVersion({ fromKubernetesVersion: 'v1.36.5', toKubernetesVersion: 'v1.37.2' })).toBe('v1.37.2');
    expect(requestVersion({ kubernetesVersion: 'v1.37.2' })).toBe('v1.37.2');
    expect(requestVersion({})).toBe('');
  });

  test('held then passed: the first call time stays, the transition time moves, repeats write nothing', () => {
    const first = nextHookRecord(undefined, 'BeforeClusterUpgrade', 'v1.37.2', held(), T(0)) as HookRecord;
    expect(first).toEqual({
      hook: 'BeforeClusterUpgrade',
      kubernetesVersion: 'v1.37.2',
      firstCallTime: T(0),
      answer: 'Blocking',
      message: 'waiting for cni',
      lastTransitionTime: T(0),
    });
    expect(nextHookRecord(first, 'BeforeClusterUpgrade', 'v1.37.2', held(), T(5))).toBeUndefined();
    const why = nextHookRecord(first, 'BeforeClusterUpgrade', 'v1.37.2', held('waiting for cni: 0/1'), T(10));
    expect(why).toMatchObject({ answer: 'Blocking', message: 'waiting for cni: 0/1', lastTransitionTime: T(0) });
    const go = nextHookRecord(first, 'BeforeClusterUpgrade', 'v1.37.2', passed, T(15)) as HookRecord;
    expect(go).toMatchObject({ answer: 'Passed', firstCallTime: T(0), lastTransitionTime: T(15) });
    expect(nextHookRecord(go, 'BeforeClusterUpgrade', 'v1.37.2', { ...passed, message: 'other' }, T(20))).toBe(
      undefined,
    );
    // The next upgrade starts a new record.
    const next = nextHookRecord(go, 'BeforeClusterUpgrade', 'v1.38.0', held(), T(30));
    expect(next).toMatchObject({ kubernetesVersion: 'v1.38.0', firstCallTime: T(30), answer: 'Blocking' });
    expect(
      nextHookRecord(go, 'BeforeClusterUpgrade', 'v1.37.2', { ...held(), status: 'Failure' }, T(31)),
    ).toMatchObject({ answer: 'Failed', lastTransitionTime: T(31) });
  });

  test('recorded in ClusterAddons status.hooks by its own field manager, one Event per changed answer', async () => {
    const api = new FakeApi();
    api.put({
      apiVersion: 'addons.cskit.io/v1alpha1',
      kind: 'ClusterAddons',
      metadata: {
        name: 'demo',
        namespace: 'default',
        ownerReferences: [{ apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', name: 'demo', uid: 'u-1' }],
      },
      status: { hooks: [{ hook: 'AfterControlPlaneUpgrade', answer: 'Passed' }] },
    });
    const applied: Array<{ fieldManager?: string; subresource?: string }> = [];
    const apply = api.apply.bind(api);
    api.apply = (res, obj, o) => {
      applied.push(o as never);
      return apply(res, obj, o);
    };
    let t = 0;
    const now = () => new Date(T(t));
    const request = { cluster: {}, toKubernetesVersion: 'v1.37.2' };
    const call = (r: HookResponse) =>
      recordHookCall(api as never, 'default', 'demo', 'BeforeClusterUpgrade', request, r, now);
    await call(held());
    t = 5;
    await call(held());
    t = 10;
    await call(passed);
    const ca = [...api.store.values()].find((o) => o.kind === 'ClusterAddons') as ClusterAddons;
    expect(ca.status?.hooks).toEqual([
      expect.objectContaining({ hook: 'AfterControlPlaneUpgrade' }),
      expect.objectContaining({
        hook: 'BeforeClusterUpgrade',
        answer: 'Passed',
        firstCallTime: T(0),
        lastTransitionTime: T(10),
      }),
    ]);
    expect(applied).toEqual([
      expect.objectContaining({ fieldManager: HOOK_FIELD_MANAGER, subresource: 'status' }),
      expect.objectContaining({ fieldManager: HOOK_FIELD_MANAGER, subresource: 'status' }),
    ]);
    const events = [...api.store.values()].filter((o) => o.kind === 'Event');
    expect(events.map((e) => [e.reason, e.message])).toEqual([
      ['HookBlocking', 'BeforeClusterUpgrade (v1.37.2): waiting for cni'],
      ['HookPassed', 'BeforeClusterUpgrade (v1.37.2): healthy'],
    ]);
    expect(events[0].involvedObject).toMatchObject({ kind: 'Cluster', name: 'demo', uid: 'u-1' });
  });

  test('a Cluster the manager never reconciled (no ClusterAddons) gets no record and no error', async () => {
    const api = new FakeApi();
    expect(await recordHookCall(api as never, 'default', 'x', 'BeforeClusterUpgrade', {}, held())).toBeUndefined();
    expect(api.calls).toEqual(['get ClusterAddons x']);
  });
});
