/**
 * The ExtensionConfig that registers the manager with CAPI's Runtime SDK (`--register-extension`): the URL and CA
 * of the hook server, and a namespaceSelector so only Clusters in chosen namespaces call it. Applied server-side
 * (field manager `cskit`), so re-running updates the URL and CA in place. Needs the core manager's RuntimeSDK gate.
 */
import { ApplyClient } from '../kube/apply-types';
import { KObject } from '../model/object';
import { FIELD_MANAGER } from '../apply/applyset';

export const EXTENSION_GROUP = 'runtime.cluster.x-k8s.io';

export interface ExtensionOptions {
  readonly name: string;
  readonly url: string;
  /** PEM of the CA that signed the server's certificate. */
  readonly caPem: string;
  /** matchLabels of the namespaces whose Clusters call the manager; empty: every namespace. */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
}

export function extensionConfig(o: ExtensionOptions): KObject {
  return {
    apiVersion: `${EXTENSION_GROUP}/v1beta2`,
    kind: 'ExtensionConfig',
    metadata: { name: o.name },
    spec: {
      clientConfig: { url: o.url, caBundle: Buffer.from(o.caPem).toString('base64') },
      namespaceSelector: { matchLabels: { ...(o.namespaceLabels ?? {}) } },
    },
  };
}

export async function registerExtension(client: Pick<ApplyClient, 'resource' | 'apply'>, o: ExtensionOptions) {
  const res = await client.resource(EXTENSION_GROUP, 'ExtensionConfig');
  if (!res)
    throw new Error(
      `ExtensionConfig (${EXTENSION_GROUP}) is not served by the management cluster: install Cluster API ` +
        'with the RuntimeSDK feature gate on (--feature-gates=RuntimeSDK=true) before --register-extension',
    );
  const obj = extensionConfig(o);
  return client.apply(
    res,
    { ...obj, apiVersion: `${res.group}/${res.version}` },
    { fieldManager: FIELD_MANAGER, force: true },
  );
}
