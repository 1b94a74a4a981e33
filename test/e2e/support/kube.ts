import * as fs from 'fs';
import * as https from 'https';
import { parse } from 'yaml';

/**
 * A minimal JSON client for test set-up (creating StorageClasses, reading namespaces) that reads an admin
 * kubeconfig with embedded certificates. Jest cannot load the ESM-only Kubernetes client, and set-up code should
 * not share code with the thing under test anyway.
 */
export class TestKube {
  private readonly server: URL;
  private readonly agent: https.Agent;

  constructor(kubeconfigPath: string) {
    const kc = parse(fs.readFileSync(kubeconfigPath, 'utf8'));
    const b64 = (s: string) => Buffer.from(s, 'base64');
    this.server = new URL(kc.clusters[0].cluster.server);
    this.agent = new https.Agent({
      ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
      cert: b64(kc.users[0].user['client-certificate-data']),
      key: b64(kc.users[0].user['client-key-data']),
    });
  }

  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    return new Promise((resolve, reject) => {
      const req = https.request({ host: this.server.hostname, port: this.server.port, path, method, agent: this.agent,
        headers: { 'content-type': 'application/json', accept: 'application/json' } }, (res) => {
        let data = '';
        res.on('data', (c) => { data += c; });
        res.on('end', () => {
          let body: unknown = data;
          try { body = data ? JSON.parse(data) : undefined; } catch { /* e.g. "404 page not found" */ }
          resolve({ status: res.statusCode!, body });
        });
      });
      req.on('error', reject);
      if (body !== undefined) req.write(JSON.stringify(body));
      req.end();
    });
  }

  async ok(method: string, path: string, body?: unknown): Promise<any> {
    const r = await this.request(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: HTTP ${r.status} ${JSON.stringify(r.body?.message ?? r.body)}`);
    return r.body;
  }

  /** Replaces every StorageClass with the given ones. */
  async setStorageClasses(classes: object[]): Promise<void> {
    const list = await this.ok('GET', '/apis/storage.k8s.io/v1/storageclasses');
    for (const sc of list.items) await this.ok('DELETE', `/apis/storage.k8s.io/v1/storageclasses/${sc.metadata.name}`);
    for (const sc of classes) await this.ok('POST', '/apis/storage.k8s.io/v1/storageclasses', { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', ...sc });
  }

  async namespaces(labelSelector: string): Promise<Array<{ name: string; phase: string }>> {
    const l = await this.ok('GET', `/api/v1/namespaces?labelSelector=${encodeURIComponent(labelSelector)}`);
    return l.items.map((n: any) => ({ name: n.metadata.name, phase: n.status?.phase }));
  }
}

export const storageClass = (name: string, provisioner: string, isDefault: boolean | string = true, extra: object = {}) => ({
  metadata: { name, annotations: isDefault === false ? {} : { 'storageclass.kubernetes.io/is-default-class': isDefault === true ? 'true' : isDefault } },
  provisioner,
  reclaimPolicy: 'Delete',
  allowVolumeExpansion: true,
  ...extra,
});
