import { HOOKS, answerHook, discoveryResponse, handlerName } from '../../src/manager/hooks';

const request = { cluster: { metadata: { name: 'demo', namespace: 'default' } } };

describe('hook answers', () => {
  test('discovery names one handler per hook; only AfterControlPlaneInitialized may be skipped on failure', () => {
    const d = discoveryResponse() as {
      handlers: Array<{ name: string; requestHook: { hook: string }; failurePolicy: string }>;
    };
    expect(d.handlers.map((h) => h.requestHook.hook)).toEqual([...HOOKS]);
    expect(d.handlers.find((h) => h.failurePolicy === 'Ignore')?.requestHook.hook).toBe('AfterControlPlaneInitialized');
    expect(handlerName('BeforeClusterUpgrade')).toBe('cskit-before-cluster-upgrade');
  });

  test('a Cluster the management cluster does not have is a Failure naming it, not a throw', async () => {
    const r = await answerHook('BeforeClusterUpgrade', request, { load: async () => undefined });
    expect(r).toMatchObject({ status: 'Failure', kind: 'BeforeClusterUpgradeResponse' });
    expect(r.message).toMatch(/Cluster default\/demo not found/);
  });

  test('a Cluster whose class has no bundle is let through at once (its upgrades are not ours to hold)', async () => {
    const r = await answerHook('BeforeClusterUpgrade', request, { load: async () => ({ notManaged: 'no bundle' }) });
    expect(r).toMatchObject({ status: 'Success', retryAfterSeconds: 0 });
  });

  test('a request without a cluster and a failing state read are Failures with the reason', async () => {
    const boom = { load: async () => Promise.reject(new Error('etcd is sad')) };
    expect((await answerHook('AfterClusterUpgrade', {}, boom)).message).toMatch(/without cluster.metadata/);
    const r = await answerHook('AfterClusterUpgrade', request, boom);
    expect(r).toMatchObject({ status: 'Failure' });
    expect(r.message).toMatch(/default\/demo: etcd is sad/);
  });
});
