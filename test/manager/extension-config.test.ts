import { registerExtension } from '../../src/manager/extension-config';
import { FakeApi } from './fake-api';

describe('registerExtension', () => {
  test('applies an ExtensionConfig with the URL, the CA as caBundle and the namespaceSelector', async () => {
    const api = new FakeApi();
    await registerExtension(api as never, {
      name: 'cskit-addons',
      url: 'https://127.0.0.1:9443',
      caPem: '-----BEGIN CERTIFICATE-----\nx\n',
      namespaceLabels: { 'cskit.io/addons': 'enabled' },
    });
    const ec = [...api.store.values()].find((o) => o.kind === 'ExtensionConfig');
    expect(ec?.apiVersion).toBe('runtime.cluster.x-k8s.io/v1beta2');
    expect(ec?.spec.clientConfig.url).toBe('https://127.0.0.1:9443');
    expect(Buffer.from(ec?.spec.clientConfig.caBundle, 'base64').toString()).toMatch(/BEGIN CERTIFICATE/);
    expect(ec?.spec.namespaceSelector).toEqual({ matchLabels: { 'cskit.io/addons': 'enabled' } });
  });

  test('without the ExtensionConfig kind served the error says to turn on the RuntimeSDK gate', async () => {
    const api = new FakeApi();
    const noRuntime = { resource: async () => undefined, apply: api.apply.bind(api) };
    await expect(
      registerExtension(noRuntime as never, { name: 'x', url: 'https://127.0.0.1:1', caPem: '' }),
    ).rejects.toThrow(/RuntimeSDK=true/);
  });
});
