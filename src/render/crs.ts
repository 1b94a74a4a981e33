import { Yaml } from 'cdk8s';

/** The addons of this Cluster cannot take the ClusterResourceSet form (an object too big, a name too long). */
export class CrsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrsError';
  }
}

/**
 * Bytes of `data` one ConfigMap may carry. Kubernetes caps a ConfigMap at 1 MiB (and a ClusterResourceSet
 * copies each ConfigMap's data into the workload cluster); 16 KiB stay free for metadata and encoding.
 */
export const MAX_CONFIGMAP_DATA_BYTES = 1024 * 1024 - 16 * 1024;

export interface AddonManifest {
  readonly order: number;
  readonly addon: string;
  /** Rendered objects (no template left). */
  readonly objects: readonly unknown[];
}

export interface CrsOptions {
  readonly clusterName: string;
  readonly namespace: string;
  /** @default MAX_CONFIGMAP_DATA_BYTES */
  readonly maxBytes?: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The ClusterResourceSet form of rendered addons: ConfigMaps in the Cluster's namespace holding the
 * manifests (in install order, never more than `maxBytes` of data each, one object never split), and one
 * ClusterResourceSet selecting the cluster by its name label. CAPI applies the resources in list order.
 */
export function clusterResourceSet(manifests: readonly AddonManifest[], opts: CrsOptions): object[] {
  const max = opts.maxBytes ?? MAX_CONFIGMAP_DATA_BYTES;
  const configMaps: { name: string; data: Record<string, string> }[] = [];
  for (const m of manifests) {
    let part = 0;
    let docs: string[] = [];
    let size = 0;
    const flush = () => {
      if (!docs.length) return;
      part += 1;
      const name = `${opts.clusterName}-${pad(m.order)}-${m.addon}-${part}`;
      configMaps.push({ name, data: { [`${pad(m.order)}-${m.addon}-${part}.yaml`]: docs.join('---\n') } });
      docs = [];
      size = 0;
    };
    m.objects.forEach((o, i) => {
      const doc = Yaml.stringify(o);
      const bytes = Buffer.byteLength(doc, 'utf8') + 4;
      if (bytes > max) {
        throw new CrsError(
          `addon ${m.addon}: object #${i + 1} is ${bytes} bytes, more than a ConfigMap can hold (${max}); it ` +
            `cannot be delivered by a ClusterResourceSet`,
        );
      }
      if (size + bytes > max) flush();
      docs.push(doc);
      size += bytes;
    });
    flush();
  }
  for (const cm of configMaps) {
    if (cm.name.length > 253)
      throw new CrsError(`ConfigMap name ${cm.name} is longer than 253 characters; use a shorter cluster name`);
  }
  const labels = { 'cluster.x-k8s.io/cluster-name': opts.clusterName, 'app.kubernetes.io/managed-by': 'cskit' };
  return [
    ...configMaps.map((cm) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: cm.name, namespace: opts.namespace, labels },
      data: cm.data,
    })),
    {
      apiVersion: 'addons.cluster.x-k8s.io/v1beta2',
      kind: 'ClusterResourceSet',
      metadata: { name: `${opts.clusterName}-addons`, namespace: opts.namespace, labels },
      spec: {
        strategy: 'Reconcile',
        clusterSelector: { matchLabels: { 'cluster.x-k8s.io/cluster-name': opts.clusterName } },
        resources: configMaps.map((cm) => ({ kind: 'ConfigMap', name: cm.name })),
      },
    },
  ];
}
