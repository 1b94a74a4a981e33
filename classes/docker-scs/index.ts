import { Construct } from 'constructs';
import { ClusterClassConstruct, ClassPatch, ClassVariable } from '../../src/constructs/cluster-class';
import { nodeRegistration } from '../../src/constructs/kubeadm';
import { KubeadmConfigTemplateV1Beta2 } from '../../src/imports/capi-bootstrap-bootstrap.cluster.x-k8s.io';
import { KubeadmControlPlaneTemplateV1Beta2 } from '../../src/imports/capi-controlplane-controlplane.cluster.x-k8s.io';
import {
  DockerClusterTemplateV1Beta2,
  DockerMachineTemplateV1Beta2,
} from '../../src/imports/capd-infrastructure.cluster.x-k8s.io';
import { StackContext, StackDefinition } from '../../src/model/stack';
import { templateNames } from '../../src/model/naming';

// Kind node containers have no real disk pressure signal: disable disk-based eviction (as CAPD's quick start does).
const KUBELET = { 'eviction-hard': 'nodefs.available<0%,nodefs.inodesFree<0%,imagefs.available<0%' };
// The Docker socket lets CAPD's nodes run nested containers (kind-style).
const DOCKER_SOCKET = { containerPath: '/var/run/docker.sock', hostPath: '/var/run/docker.sock' };

const variables: ClassVariable[] = [
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
    definitions: [
      {
        target: { controlPlaneMachine: true },
        ops: [{ op: 'add', path: '/spec/template/spec/customImage', template: image('builtin.controlPlane.version') }],
      },
    ],
  },
  {
    name: 'workerImage',
    description: 'Kind node image of worker nodes, tagged with the MachineDeployment Kubernetes version.',
    definitions: [
      {
        target: { workerMachine: ['default-worker'] },
        ops: [
          { op: 'add', path: '/spec/template/spec/customImage', template: image('builtin.machineDeployment.version') },
        ],
      },
    ],
  },
];

/** Docker (CAPD) cluster stack for local development; not failure-safe storage (see docs/addons.md). */
export const dockerScs: StackDefinition = {
  provider: 'docker',
  stack: 'scs',
  description: 'Docker (CAPD) cluster stack for local development, with Cilium and metrics-server',
  buildClass(scope: Construct, ctx: StackContext) {
    const cls = ctx.name;
    const infrastructure = new DockerClusterTemplateV1Beta2(scope, 'cluster', {
      metadata: { name: templateNames.cluster(cls) },
      // CAPD needs no cluster-level settings: its load balancer container is the default.
      spec: { template: { spec: {} } },
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
      new DockerMachineTemplateV1Beta2(scope, id, {
        metadata: { name },
        spec: { template: { spec: { extraMounts: [DOCKER_SOCKET] } } },
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
