/**
 * Where the manager's bundles come from: the AddonBundle objects `cskit apply` put next to each ClusterClass in the
 * management cluster, read by THE bundle reader (src/bundle/read.ts). A class without any bundle part is not the
 * manager's; a bundle that does not read is an InputError naming the object and field (reported on the Cluster).
 */
import { BUNDLE_GROUP, BUNDLE_KIND, CLASS_LABEL } from '../bundle/types';
import { readBundle } from '../bundle/read';
import { KubeApi } from '../kube/api';
import { BundleSource } from './state';

export function clusterBundles(api: Pick<KubeApi, 'resource' | 'list'>): BundleSource {
  return {
    async get(namespace, className) {
      const res = await api.resource(BUNDLE_GROUP, BUNDLE_KIND);
      if (!res) return undefined; // the CRD is not installed: no stack with a bundle was applied here
      const parts = await api.list(res, { namespace, labelSelector: `${CLASS_LABEL}=${className}` });
      if (!parts.length) return undefined;
      return readBundle(parts, className);
    },
  };
}
