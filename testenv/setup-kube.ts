/**
 * The few API calls the test environment and the e2e set-up need (server-side apply of cluster-scoped set-up objects,
 * reads, dry-run probes, any request by path), over THE transport of src/kube/ (one HTTP client and kubeconfig
 * reader in the repository): a transport bug then fails the harness loudly instead of hiding behind a second client.
 */
import { loadKubeconfig } from '../src/kube/kubeconfig';
import { Transport } from '../src/kube/transport';

export interface Reply {
  status: number;
  // raw API answers of any kind, read deep by set-up code and e2e tests
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

const PLURALS: Record<string, string> = {
  CustomResourceDefinition: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
  MutatingWebhookConfiguration: '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
  ValidatingWebhookConfiguration: '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
};

export class SetupKube {
  private readonly transport: Transport;

  constructor(kubeconfigPath: string) {
    this.transport = new Transport(loadKubeconfig({ kubeconfig: kubeconfigPath }));
  }

  /** Any request; the answer whatever its status (tests assert on 404s). */
  async request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Reply> {
    const r = await this.transport.request(`${method} ${path}`, method, path, { body, contentType });
    return { status: r.status, body: r.body };
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.transport.close();
  }

  /** Server-side apply (force: the harness owns these objects) of a cluster-scoped set-up object. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw objects and answers, as Reply.body
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

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw answers, as Reply.body
  async get(path: string): Promise<any> {
    const r = await this.request('GET', path);
    if (r.status >= 300) throw new Error(`GET ${path}: HTTP ${r.status} ${r.body?.message ?? JSON.stringify(r.body)}`);
    return r.body;
  }
}
