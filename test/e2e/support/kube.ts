import { KObject } from '../../../src/model/object';
import { SetupKube } from '../../../testenv/setup-kube';

/**
 * The test set-up client (creating StorageClasses, reading namespaces by path) on the harness's SetupKube, which
 * sends raw requests over the one transport of src/kube/ with the admin kubeconfig.
 */
export class TestKube extends SetupKube {
  // The e2e tests read deep into arbitrary API responses (any kind, any field): typing each would only add casts.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async ok(method: string, path: string, body?: unknown): Promise<any> {
    const r = await this.request(method, path, body);
    if (r.status >= 300)
      throw new Error(`${method} ${path}: HTTP ${r.status} ${JSON.stringify(r.body?.message ?? r.body)}`);
    return r.body;
  }

  /** Replaces every StorageClass with the given ones. */
  async setStorageClasses(classes: object[]): Promise<void> {
    const list = await this.ok('GET', '/apis/storage.k8s.io/v1/storageclasses');
    for (const sc of list.items) await this.ok('DELETE', `/apis/storage.k8s.io/v1/storageclasses/${sc.metadata.name}`);
    for (const sc of classes)
      await this.ok('POST', '/apis/storage.k8s.io/v1/storageclasses', {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        ...sc,
      });
  }

  async namespaces(labelSelector: string): Promise<Array<{ name: string; phase: string }>> {
    const l = await this.ok('GET', `/api/v1/namespaces?labelSelector=${encodeURIComponent(labelSelector)}`);
    return l.items.map((n: KObject) => ({ name: String(n.metadata?.name), phase: n.status?.phase }));
  }
}

export const storageClass = (
  name: string,
  provisioner: string,
  isDefault: boolean | string = true,
  extra: object = {},
) => ({
  metadata: {
    name,
    annotations:
      isDefault === false
        ? {}
        : { 'storageclass.kubernetes.io/is-default-class': isDefault === true ? 'true' : isDefault },
  },
  provisioner,
  reclaimPolicy: 'Delete',
  allowVolumeExpansion: true,
  ...extra,
});
