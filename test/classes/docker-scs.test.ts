import { dockerScs } from '../../classes/docker-scs';
import { buildStack } from '../../src/synth/build';
import { patchedTemplates } from '../support/apply-patches';

const built = buildStack(dockerScs, { kubernetesVersion: '1.36.4', version: 'v1' });

test('docker stack: CAPD templates with the kind node image tagged by the Kubernetes version', () => {
  expect(built.classObjects.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual([
    'infrastructure.cluster.x-k8s.io/v1beta2 DockerClusterTemplate',
    'controlplane.cluster.x-k8s.io/v1beta2 KubeadmControlPlaneTemplate',
    'bootstrap.cluster.x-k8s.io/v1beta2 KubeadmConfigTemplate',
    'infrastructure.cluster.x-k8s.io/v1beta2 DockerMachineTemplate',
    'infrastructure.cluster.x-k8s.io/v1beta2 DockerMachineTemplate',
    'cluster.x-k8s.io/v1beta2 ClusterClass',
  ]);
  const t = patchedTemplates(built.classObjects, { version: 'v1.36.4' });
  expect(t.controlPlaneMachine.spec.template.spec.customImage).toBe('kindest/node:v1.36.4');
  expect(t['default-worker/infrastructure'].spec.template.spec.customImage).toBe('kindest/node:v1.36.4');
  expect(t.controlPlane.spec.template.spec.kubeadmConfigSpec.clusterConfiguration.imageRepository).toBeUndefined();
  const custom = patchedTemplates(built.classObjects, {
    version: 'v1.36.4',
    variables: { imageRepository: 'mirror.example/k8s', nodeImageRepository: 'mirror.example/node' },
  });
  expect(custom.controlPlane.spec.template.spec.kubeadmConfigSpec.clusterConfiguration.imageRepository).toBe(
    'mirror.example/k8s',
  );
  expect(custom['default-worker/infrastructure'].spec.template.spec.customImage).toBe('mirror.example/node:v1.36.4');
  expect(dockerScs.nodeImage(built.ctx)).toBe('kindest/node:v1.36.4');
});
