import * as fs from 'fs';
import * as https from 'https';
import { parse } from 'yaml';

/**
 * The few API calls the test environment and the e2e set-up need (server-side apply of cluster-scoped set-up objects,
 * reads, dry-run probes), over plain https with the admin kubeconfig's embedded certificates. Kept apart from
 * src/kube/ on purpose: the harness sets the stage for the code under test and must not depend on it.
 */
export interface Reply {
  status: number;
  body: any;
}

const PLURALS: Record<string, string> = {
  CustomResourceDefinition: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
  MutatingWebhookConfiguration: '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
  ValidatingWebhookConfiguration: '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
};

export class SetupKube {
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

  request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: this.server.hostname,
          port: this.server.port,
          path,
          method,
          agent: this.agent,
          timeout: 30_000,
          headers: { 'content-type': contentType, accept: 'application/json' },
        },
        (res) => {
          let data = '';
          res.on('data', (c) => {
            data += c;
          });
          res.on('end', () => {
            let parsed: unknown = data;
            try {
              parsed = data ? JSON.parse(data) : undefined;
            } catch {
              /* plain-text error */
            }
            resolve({ status: res.statusCode!, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
      req.on('error', reject);
      if (body !== undefined) req.write(JSON.stringify(body));
      req.end();
    });
  }

  /** Server-side apply (force: the harness owns these objects) of a cluster-scoped set-up object. */
  async apply(obj: Record<string, any>): Promise<any> {
    const base = PLURALS[obj.kind];
    if (!base) throw new Error(`SetupKube.apply: unsupported kind ${obj.kind}`);
    const r = await this.request(
      'PATCH',
      `${base}/${obj.metadata.name}?fieldManager=cskit-testenv&force=true`,
      obj,
      'application/apply-patch+yaml',
    );
    if (r.status >= 300)
      throw new Error(
        `apply ${obj.kind} ${obj.metadata.name}: HTTP ${r.status} ${r.body?.message ?? JSON.stringify(r.body)}`,
      );
    return r.body;
  }

  async get(path: string): Promise<any> {
    const r = await this.request('GET', path);
    if (r.status >= 300) throw new Error(`GET ${path}: HTTP ${r.status} ${r.body?.message ?? JSON.stringify(r.body)}`);
    return r.body;
  }
}
