import { KObject } from '../../../src/model/object';
import { Manifest } from '../../../src/apply/manifests';

/** A small stack (two templates and the ClusterClass using them) and ConfigMaps, as manifests. */
export function stack(name = 'docker-scs-1-36-v1', spec: Record<string, unknown> = {}): KObject[] {
  return [
    {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'DockerClusterTemplate',
      metadata: { name: `${name}-cluster` },
      spec: { template: { spec: { loadBalancer: {} } } },
    },
    {
      apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
      kind: 'KubeadmControlPlaneTemplate',
      metadata: { name: `${name}-control-plane` },
      spec: { template: { spec: { kubeadmConfigSpec: {} } } },
    },
    {
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'ClusterClass',
      metadata: { name },
      spec: {
        infrastructure: {
          templateRef: {
            apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
            kind: 'DockerClusterTemplate',
            name: `${name}-cluster`,
          },
        },
        controlPlane: {
          templateRef: {
            apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
            kind: 'KubeadmControlPlaneTemplate',
            name: `${name}-control-plane`,
          },
        },
        ...spec,
      },
    },
  ];
}

export const configMap = (name: string, data: Record<string, string> = { a: '1' }, namespace?: string): KObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  data,
});

export const manifests = (objs: KObject[], file = 'in.yaml'): Manifest[] =>
  objs.map((obj, i) => ({ obj: JSON.parse(JSON.stringify(obj)), source: `${file}#${i + 1}` }));
