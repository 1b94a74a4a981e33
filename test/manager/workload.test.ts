import { WorkloadClients, checkSecretTemplate, kubeconfigFromSecret, secretName } from '../../src/manager/workload';
import { FakeApi } from './fake-api';

describe('workload cluster access from the kubeconfig Secret', () => {
  test('the name template puts the Cluster name in and refuses templates without {cluster} or with others', () => {
    expect(secretName('{cluster}-kubeconfig', 'demo')).toBe('demo-kubeconfig');
    expect(() => checkSecretTemplate('static-name')).toThrow(/must contain \{cluster\}/);
    expect(() => checkSecretTemplate('{cluster}-{namespace}')).toThrow(/no other/);
  });

  test('a missing Secret or key is an error naming the Secret and key, and never prints the value', () => {
    expect(() => kubeconfigFromSecret(undefined, 'default', 'demo-kubeconfig')).toThrow(
      /Secret default\/demo-kubeconfig .*not found/,
    );
    const wrong = { data: { other: Buffer.from('token: s3cret').toString('base64') } };
    expect(() => kubeconfigFromSecret(wrong, 'default', 'x')).toThrow(/has no key "value"/);
    try {
      kubeconfigFromSecret(wrong, 'default', 'x');
    } catch (e) {
      expect((e as Error).message).not.toMatch(/s3cret/);
    }
  });

  test('clients are reused while the Secret is unchanged and rebuilt when it changes', async () => {
    const mgmt = new FakeApi();
    const put = (server: string) =>
      mgmt.put({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'demo-wl', namespace: 'default' },
        data: { value: Buffer.from(server).toString('base64') },
      });
    put('one');
    const made: string[] = [];
    const clients = new WorkloadClients(mgmt as never, '{cluster}-wl', (yaml) => {
      made.push(yaml);
      return { close: () => undefined } as never;
    });
    const a = await clients.get('default', 'demo');
    expect(await clients.get('default', 'demo')).toBe(a);
    put('two');
    await clients.get('default', 'demo');
    expect(made).toEqual(['one', 'two']);
  });

  test('forget closes the client of a Cluster no longer managed; the next get connects anew', async () => {
    const mgmt = new FakeApi();
    mgmt.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'demo-wl', namespace: 'default' },
      data: { value: Buffer.from('one').toString('base64') },
    });
    const closed: number[] = [];
    let n = 0;
    const clients = new WorkloadClients(mgmt as never, '{cluster}-wl', () => {
      const id = ++n;
      return { id, close: () => closed.push(id) } as never;
    });
    await clients.get('default', 'demo');
    clients.forget('default', 'demo');
    expect(closed).toEqual([1]);
    clients.forget('default', 'other');
    expect(closed).toEqual([1]);
    expect(await clients.get('default', 'demo')).toMatchObject({ id: 2 });
  });
});
