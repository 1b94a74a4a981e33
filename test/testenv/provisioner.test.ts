import { runProvisioner } from '../../testenv/provisioner';
import type { ClusterClient } from '../../src/kube/types';

describe('testenv provisioner', () => {
  test('a watch that ends restarts alone: the other is not started twice, no rejection goes unhandled', async () => {
    const calls: string[] = [];
    let pvCalls = 0;
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    const client = {
      watchUntil: (_v: string, kind: string) => {
        calls.push(kind);
        if (kind === 'PersistentVolume' && ++pvCalls <= 2) return Promise.reject(new Error('connection reset'));
        return new Promise(() => undefined);
      },
    } as unknown as ClusterClient;
    const log: string[] = [];
    void runProvisioner(client, ['test.csi.cskit.io'], (l) => log.push(l));
    await new Promise((r) => setTimeout(r, 1300));
    process.off('unhandledRejection', onUnhandled);
    expect(calls.filter((k) => k === 'PersistentVolume')).toHaveLength(3);
    expect(calls.filter((k) => k === 'PersistentVolumeClaim')).toHaveLength(1);
    expect(log).toEqual([
      'PersistentVolume watch ended (connection reset); restarting',
      'PersistentVolume watch ended (connection reset); restarting',
    ]);
    expect(unhandled).toEqual([]);
  });
});
