/**
 * Where the manager's bundles come from: the AddonBundle objects `cskit apply` put next to each ClusterClass in the
 * management cluster, read by THE bundle reader (src/bundle/read.ts). A class without any bundle part is not the
 * manager's; a bundle that does not read is an InputError naming the object and field (reported on the Cluster).
 * The resource is our own CRD's, known without discovery: a discovery answer cached before `cskit apply` installed
 * the CRD must not hide bundles applied later.
 */
import { BUNDLE_GROUP, BUNDLE_KIND, BUNDLE_PLURAL, BUNDLE_VERSION, CLASS_LABEL } from '../model/addon-bundle';
import { readBundle } from '../bundle/read';
import { KubeApi } from '../kube/api';
import { ResourceInfo } from '../kube/apply-types';
import { KubeError } from '../kube/types';
import { BundleSource } from './state';

export const ADDON_BUNDLES: ResourceInfo = {
  group: BUNDLE_GROUP,
  version: BUNDLE_VERSION,
  kind: BUNDLE_KIND,
  plural: BUNDLE_PLURAL,
  namespaced: true,
};

export function clusterBundles(api: Pick<KubeApi, 'list'>): BundleSource {
  return {
    async get(namespace, className) {
      let parts;
      try {
        parts = await api.list(ADDON_BUNDLES, { namespace, labelSelector: `${CLASS_LABEL}=${className}` });
      } catch (e) {
        // No AddonBundle CRD yet: no stack with a bundle was applied here, so no class is the manager's.
        if (e instanceof KubeError && e.status === 404) return undefined;
        throw e;
      }
      if (!parts.length) return undefined;
      return readBundle(parts, className);
    },
  };
}
