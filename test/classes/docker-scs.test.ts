import { dockerScs } from '../../classes/docker-scs';
import { buildStack } from '../../src/synth/build';
import { patchedTemplates } from '../support/apply-patches';

const built = buildStack(dockerScs, { kubernetesVersion: '1.36.4', version: 'v1' });

test('docker stack: CAPD Dev* templates with the kind node image tagged by the Kubernetes version', () => {
  expect(built.classObjects.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual([
    'infrastructure.cluster.x-k8s.io/v1beta2 DevClusterTemplate',
    'controlplane.cluster.x-k8s.io/v1beta2 KubeadmControlPlaneTemplate',
    'bootstrap.cluster.x-k8s.io/v1beta2 KubeadmConfigTemplate',
    'infrastructure.cluster.x-k8s.io/v1beta2 DevMachineTemplate',
    'infrastructure.cluster.x-k8s.io/v1beta2 DevMachineTemplate',
    'cluster.x-k8s.io/v1beta2 ClusterClass',
  ]);
  const t = patchedTemplates(built.classObjects, { version: 'v1.36.4' });
  expect(t.controlPlaneMachine.spec.template.spec.backend.docker.customImage).toBe('kindest/node:v1.36.4');
  expect(t['default-worker/infrastructure'].spec.template.spec.backend.docker.customImage).toBe('kindest/node:v1.36.4');
  expect(t.controlPlane.spec.template.spec.kubeadmConfigSpec.clusterConfiguration.imageRepository).toBeUndefined();
  const custom = patchedTemplates(built.classObjects, {
    version: 'v1.36.4',
    variables: { imageRepository: 'mirror.example/k8s', nodeImageRepository: 'mirror.example/node' },
  });
  expect(custom.controlPlane.spec.template.spec.kubeadmConfigSpec.clusterConfiguration.imageRepository).toBe(
    'mirror.example/k8s',
  );
  expect(custom['default-worker/infrastructure'].spec.template.spec.backend.docker.customImage).toBe(
    'mirror.example/node:v1.36.4',
  );
  expect(dockerScs.nodeImage(built.ctx)).toBe('kindest/node:v1.36.4');
});

test('docker stack: backend docker by default (socket mounted); inMemory replaces cluster and machine backends', () => {
  const docker = patchedTemplates(built.classObjects, { version: 'v1.36.4' });
  expect(docker.infrastructureCluster.spec.template.spec.backend).toEqual({ docker: {} });
  for (const m of [docker.controlPlaneMachine, docker['default-worker/infrastructure']])
    expect(Object.keys(m.spec.template.spec.backend)).toEqual(['docker']);
  expect(docker.controlPlaneMachine.spec.template.spec.backend.docker.extraMounts).toEqual([
    { containerPath: '/var/run/docker.sock', hostPath: '/var/run/docker.sock' },
  ]);

  const mem = patchedTemplates(built.classObjects, { version: 'v1.36.4', variables: { backend: 'inMemory' } });
  // Exactly one backend each (CAPD rejects both), and no Docker image patch leaks into the in-memory machines.
  for (const tpl of [mem.infrastructureCluster, mem.controlPlaneMachine, mem['default-worker/infrastructure']])
    expect(tpl.spec.template.spec.backend).toEqual({ inMemory: {} });
  // No control plane endpoint, also when CAPD's webhook stored the docker default port 6443 in the template: the
  // in-memory backend then gives each Cluster a port of its own (with 6443 every in-memory Cluster claimed the same).
  expect(mem.infrastructureCluster.spec.template.spec.controlPlaneEndpoint).toBeUndefined();
  const infra = built.classObjects.find((o) => o.kind === 'DevClusterTemplate')!;
  const stored = {
    ...infra,
    spec: { template: { spec: { ...infra.spec.template.spec, controlPlaneEndpoint: { port: 6443 } } } },
  };
  const memStored = patchedTemplates(
    built.classObjects.map((o) => (o === infra ? stored : o)),
    { version: 'v1.36.4', variables: { backend: 'inMemory' } },
  );
  expect(memStored.infrastructureCluster.spec.template.spec).toEqual({ backend: { inMemory: {} } });
  expect(docker.infrastructureCluster.spec.template.spec.controlPlaneEndpoint).toBeUndefined();

  const cls = built.classObjects.find((o) => o.kind === 'ClusterClass')!;
  const backend = cls.spec.variables.find((v: { name: string }) => v.name === 'backend');
  expect(backend.schema.openAPIV3Schema).toMatchObject({ enum: ['docker', 'inMemory'], default: 'docker' });
});
