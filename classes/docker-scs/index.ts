import { Construct } from 'constructs';
import { ClusterClassConstruct, ClassPatch, ClassVariable } from '../../src/constructs/cluster-class';
import { nodeRegistration } from '../../src/constructs/kubeadm';
import { KubeadmConfigTemplateV1Beta2 } from '../../src/imports/capi-bootstrap-bootstrap.cluster.x-k8s.io';
import { KubeadmControlPlaneTemplateV1Beta2 } from '../../src/imports/capi-controlplane-controlplane.cluster.x-k8s.io';
import {
  DevClusterTemplateV1Beta2,
  DevMachineTemplateV1Beta2,
} from '../../src/imports/capd-infrastructure.cluster.x-k8s.io';
import { StackContext, StackDefinition } from '../../src/model/stack';
import { templateNames } from '../../src/model/naming';

// Kind node containers have no real disk pressure signal: disable disk-based eviction (as CAPD's quick start does).
const KUBELET = { 'eviction-hard': 'nodefs.available<0%,nodefs.inodesFree<0%,imagefs.available<0%' };
// The Docker socket lets CAPD's nodes run nested containers (kind-style).
const DOCKER_SOCKET = { containerPath: '/var/run/docker.sock', hostPath: '/var/run/docker.sock' };

// CAPD's Dev* templates hold exactly one backend: `docker` (kind node containers, the default) or `inMemory` (no
// containers: CAPD fakes machines, etcd and API server in memory, so Cluster API runs real control plane and
// MachineDeployment lifecycles on any machine, which is how the tests use this stack). The templates carry the docker
// backend; the `inMemoryBackend` patch replaces it, and the image patches apply only to the docker backend.
const BACKEND = { docker: 'docker', inMemory: 'inMemory' } as const;
const backendIs = (b: string) => `{{ if eq .backend "${b}" }}true{{ end }}`;

const variables: ClassVariable[] = [
  {
    name: 'backend',
    schema: {
      type: 'string',
      description:
        'Where CAPD runs the machines: docker (kind node containers, needs the Docker socket) or inMemory (simulated ' +
        'machines for tests: no containers, no workloads run).',
      enum: [BACKEND.docker, BACKEND.inMemory],
      default: BACKEND.docker,
    },
  },
  {
    name: 'imageRepository',
    schema: {
      type: 'string',
      description: "Container registry to pull the Kubernetes control plane images from; kubeadm's default when empty.",
      default: '',
      example: 'registry.k8s.io',
    },
  },
  {
    name: 'nodeImageRepository',
    schema: {
      type: 'string',
      description: 'Repository of the kind node image; the tag is the Kubernetes version (e.g. kindest/node:v1.36.4).',
      default: 'kindest/node',
      minLength: 1,
    },
  },
];

// Unset provisioning durations make CAPD's simulated VMs, nodes, etcd and API servers come up at once.
const IN_MEMORY = { op: 'replace', path: '/spec/template/spec/backend', value: { inMemory: {} } } as const;
// CAPD's webhook gives a DevClusterTemplate with the docker backend (ours, as stored) the control plane port 6443.
// The in-memory backend serves each Cluster's simulated API server on a port of its own, picked only when the
// DevCluster names none: with 6443 copied from the template every in-memory Cluster claimed the same port and only
// one of them ever got its control plane initialized. `add` first (it replaces an existing member) so the `remove`
// finds the field whether or not a webhook defaulted it.
const ENDPOINT = '/spec/template/spec/controlPlaneEndpoint';
const NO_ENDPOINT = [
  { op: 'add', path: ENDPOINT, value: { port: 6443 } },
  { op: 'remove', path: ENDPOINT },
] as const;
const image = (versionVar: string) => `{{ .nodeImageRepository }}:{{ .${versionVar} }}`;
const patches: ClassPatch[] = [
  {
    name: 'imageRepository',
    enabledIf: '{{ if .imageRepository }}true{{ end }}',
    definitions: [
      {
        target: { controlPlane: true },
        ops: [
          {
            op: 'add',
            path: '/spec/template/spec/kubeadmConfigSpec/clusterConfiguration/imageRepository',
            variable: 'imageRepository',
          },
        ],
      },
    ],
  },
  {
    name: 'controlPlaneImage',
    description: 'Kind node image of control plane nodes, tagged with the control plane Kubernetes version.',
    enabledIf: backendIs(BACKEND.docker),
    definitions: [
      {
        target: { controlPlaneMachine: true },
        ops: [
          {
            op: 'add',
            path: '/spec/template/spec/backend/docker/customImage',
            template: image('builtin.controlPlane.version'),
          },
        ],
      },
    ],
  },
  {
    name: 'workerImage',
    description: 'Kind node image of worker nodes, tagged with the MachineDeployment Kubernetes version.',
    enabledIf: backendIs(BACKEND.docker),
    definitions: [
      {
        target: { workerMachine: ['default-worker'] },
        ops: [
          {
            op: 'add',
            path: '/spec/template/spec/backend/docker/customImage',
            template: image('builtin.machineDeployment.version'),
          },
        ],
      },
    ],
  },
  {
    name: 'inMemoryBackend',
    description: "CAPD's in-memory backend instead of Docker containers, for the cluster and every machine.",
    enabledIf: backendIs(BACKEND.inMemory),
    definitions: [
      { target: { infrastructureCluster: true }, ops: [IN_MEMORY, ...NO_ENDPOINT] },
      { target: { controlPlaneMachine: true }, ops: [IN_MEMORY] },
      { target: { workerMachine: ['default-worker'] }, ops: [IN_MEMORY] },
    ],
  },
];

/**
 * Docker (CAPD) cluster stack for local development, on CAPD's Dev* templates; `backend: inMemory` runs it without
 * Docker (the tests). Not failure-safe storage (see docs/addons.md).
 */
export const dockerScs: StackDefinition = {
  provider: 'docker',
  stack: 'scs',
  description: 'Docker (CAPD) cluster stack for local development, with Cilium and metrics-server',
  buildClass(scope: Construct, ctx: StackContext) {
    const cls = ctx.name;
    const infrastructure = new DevClusterTemplateV1Beta2(scope, 'cluster', {
      metadata: { name: templateNames.cluster(cls) },
      // CAPD needs no cluster-level settings: its load balancer container is the default.
      spec: { template: { spec: { backend: { docker: {} } } } },
    });
    const controlPlane = new KubeadmControlPlaneTemplateV1Beta2(scope, 'control-plane', {
      metadata: { name: templateNames.controlPlane(cls) },
      spec: {
        template: {
          spec: {
            kubeadmConfigSpec: {
              clusterConfiguration: {
                // The API server is reached through the CAPD load balancer container and from the host.
                apiServer: { certSaNs: ['localhost', '127.0.0.1', '0.0.0.0', 'host.docker.internal'] },
              },
              initConfiguration: { nodeRegistration: nodeRegistration(KUBELET) },
              joinConfiguration: { nodeRegistration: nodeRegistration(KUBELET) },
            },
          },
        },
      },
    });
    const machine = (id: string, name: string) =>
      new DevMachineTemplateV1Beta2(scope, id, {
        metadata: { name },
        spec: { template: { spec: { backend: { docker: { extraMounts: [DOCKER_SOCKET] } } } } },
      });
    const workerBootstrap = new KubeadmConfigTemplateV1Beta2(scope, 'default-worker-bootstrap', {
      metadata: { name: templateNames.worker(cls, 'default-worker') },
      spec: { template: { spec: { joinConfiguration: { nodeRegistration: nodeRegistration(KUBELET) } } } },
    });
    new ClusterClassConstruct(scope, 'cluster-class', {
      name: cls,
      infrastructure,
      controlPlane,
      controlPlaneMachine: machine('control-plane-machine', templateNames.controlPlane(cls)),
      workers: [
        {
          class: 'default-worker',
          bootstrap: workerBootstrap,
          infrastructure: machine('default-worker-machine', templateNames.worker(cls, 'default-worker')),
        },
      ],
      variables,
      patches,
    });
  },
  nodeImage: (ctx) => `kindest/node:v${ctx.kubernetesVersion}`,
  // Loaded on first use: the addon definitions bring cdk8s-plus-27 (100–300 ms to load), which a build without
  // addons never needs (bench:synth's like-for-like comparison with the SCS cluster-class chart).
  get addons() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../../addons') as typeof import('../../addons')).dockerAddons;
  },
};
