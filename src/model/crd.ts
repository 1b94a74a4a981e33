/**
 * Our CustomResourceDefinitions (AddonBundle, ClusterAddons) as objects, from ONE builder so both have the same shape:
 * namespaced, one served and stored version, our own schema, and labelled for `clusterctl move`, which discovers only
 * kinds whose CRD has `clusterctl.cluster.x-k8s.io` and, with `clusterctl.cluster.x-k8s.io/move`, takes every object of
 * the kind along (objects owned by a Cluster move with it either way).
 */
import { CLUSTERCTL_LABEL, MOVE_LABEL } from './addon-bundle';
import { KObject } from './object';

export interface CrdSpec {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly openAPIV3Schema: object;
  readonly printerColumns: ReadonlyArray<{ name: string; type: string; jsonPath: string }>;
  /** A status subresource: status written only through it (the manager's ClusterAddons), spec by everyone else. */
  readonly statusSubresource?: boolean;
  readonly categories?: readonly string[];
}

export function namespacedCrd(c: CrdSpec): KObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${c.plural}.${c.group}`,
      labels: { [CLUSTERCTL_LABEL]: '', [MOVE_LABEL]: '', 'app.kubernetes.io/managed-by': 'cskit' },
    },
    spec: {
      group: c.group,
      scope: 'Namespaced',
      names: {
        kind: c.kind,
        listKind: `${c.kind}List`,
        plural: c.plural,
        singular: c.singular,
        ...(c.categories ? { categories: [...c.categories] } : {}),
      },
      versions: [
        {
          name: c.version,
          served: true,
          storage: true,
          ...(c.statusSubresource ? { subresources: { status: {} } } : {}),
          schema: { openAPIV3Schema: c.openAPIV3Schema },
          additionalPrinterColumns: [
            ...c.printerColumns,
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
        },
      ],
    },
  };
}
