/**
 * How the manager reaches a workload cluster: the kubeconfig in a Secret of the Cluster's namespace, named by the
 * `--kubeconfig-secret` template (default `{cluster}-kubeconfig`, the Secret CAPI writes), key `value`. Never a
 * field on the Cluster: whoever can edit a Cluster must not be able to redirect addons (and their Secrets) elsewhere.
 */
import { KubeApi } from '../kube/api';
import { ResourceInfo } from '../kube/apply-types';
import { KObject } from '../model/object';
import { InputError } from '../util/errors';
import { checkSecretTemplate, secretName } from './secret-template';

export { checkSecretTemplate, secretName } from './secret-template';

export { DEFAULT_KUBECONFIG_SECRET } from './secret-template';
import { DEFAULT_KUBECONFIG_SECRET } from './secret-template';
export const KUBECONFIG_KEY = 'value';

export const SECRETS: ResourceInfo = { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true };

/** The kubeconfig YAML from the Secret object; a clear error naming the Secret and key when it is not there. */
export function kubeconfigFromSecret(secret: KObject | undefined, namespace: string, name: string): string {
  const where = `Secret ${namespace}/${name}`;
  if (!secret)
    throw new InputError(
      `${where} (the workload cluster's kubeconfig) not found; create it or set --kubeconfig-secret`,
    );
  const data = (secret.data ?? {}) as Record<string, unknown>;
  const b64 = data[KUBECONFIG_KEY];
  if (typeof b64 !== 'string' || !b64)
    throw new InputError(`${where} has no key "${KUBECONFIG_KEY}" holding the workload cluster's kubeconfig`);
  return Buffer.from(b64, 'base64').toString('utf8');
}

/** Workload cluster clients, one per Cluster, rebuilt when the Secret's resourceVersion changes. */
export class WorkloadClients {
  private readonly cache = new Map<string, { rv: string; api: KubeApi }>();

  constructor(
    private readonly management: Pick<KubeApi, 'get'>,
    private readonly template: string = DEFAULT_KUBECONFIG_SECRET,
    private readonly connect: (yaml: string, source: string) => KubeApi = (yaml, source) =>
      KubeApi.connect({ kubeconfigYaml: yaml, kubeconfigSource: source }),
  ) {
    checkSecretTemplate(template);
  }

  async get(namespace: string, cluster: string): Promise<KubeApi> {
    const name = secretName(this.template, cluster);
    const secret = await this.management.get(SECRETS, name, namespace);
    const key = `${namespace}/${cluster}`;
    const rv = String(secret?.metadata?.resourceVersion ?? '');
    const hit = this.cache.get(key);
    if (hit && hit.rv === rv && secret) return hit.api;
    const yaml = kubeconfigFromSecret(secret, namespace, name);
    hit?.api.close();
    const api = this.connect(yaml, `Secret ${namespace}/${name}`);
    this.cache.set(key, { rv, api });
    return api;
  }

  forget(namespace: string, cluster: string): void {
    const key = `${namespace}/${cluster}`;
    this.cache.get(key)?.api.close();
    this.cache.delete(key);
  }

  close(): void {
    for (const { api } of this.cache.values()) api.close();
    this.cache.clear();
  }
}
