import { ClusterClient, KObject, KubeError } from '../../kube/types';

/** A workload cluster found through Cluster API, with its kubeconfig held in memory only. */
export interface FleetMember {
  readonly name: string;
  readonly namespace: string;
  readonly kubeconfigYaml?: string;
  readonly problem?: string;
}

/**
 * Finds CAPI Clusters (v1beta2, else v1beta1) and reads each `<name>-kubeconfig` Secret (key `value`), as
 * clusterctl does. The kubeconfig never leaves memory and is never printed.
 */
export async function findClusters(mgmt: ClusterClient, labelSelector?: string): Promise<FleetMember[]> {
  let clusters: KObject[] | undefined;
  for (const v of ['cluster.x-k8s.io/v1beta2', 'cluster.x-k8s.io/v1beta1']) {
    try {
      clusters = await mgmt.list(v, 'Cluster', { labelSelector });
      break;
    } catch (e) {
      if (!(e instanceof KubeError) || e.kind !== 'not-found') throw e;
    }
  }
  if (!clusters)
    throw new KubeError(
      'not-found',
      'Cluster API is not installed on the management cluster (no cluster.x-k8s.io Cluster kind served)',
    );
  return Promise.all(
    clusters.map(async (c) => {
      const name = c.metadata!.name!;
      const namespace = c.metadata!.namespace!;
      const secret = await mgmt.get('v1', 'Secret', `${name}-kubeconfig`, namespace);
      const value = (secret?.data as Record<string, string> | undefined)?.value;
      if (!value)
        return {
          name,
          namespace,
          problem:
            `Secret ${namespace}/${name}-kubeconfig with key "value" not found (is the control plane ` +
            `initialized?)`,
        };
      return { name, namespace, kubeconfigYaml: Buffer.from(value, 'base64').toString('utf8') };
    }),
  );
}

// One bounded-concurrency helper for the tree (apply uses it too); re-exported for the fleet's callers.
