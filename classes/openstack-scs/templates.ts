import { Construct } from 'constructs';
import { KubeadmConfigTemplateV1Beta2 } from '../../src/imports/capi-bootstrap-bootstrap.cluster.x-k8s.io';
import { KubeadmControlPlaneTemplateV1Beta2 } from '../../src/imports/capi-controlplane-controlplane.cluster.x-k8s.io';
import {
  OpenStackClusterTemplate,
  OpenStackClusterTemplateSpecTemplateSpecManagedSecurityGroupsAllNodesSecurityGroupRulesDirection as Direction,
  OpenStackClusterTemplateSpecTemplateSpecManagedSecurityGroupsAllNodesSecurityGroupRulesRemoteManagedGroups as Group,
  OpenStackMachineTemplate,
  OpenStackClusterTemplateSpecTemplateSpecIdentityRef,
} from '../../src/imports/capo-infrastructure.cluster.x-k8s.io';
import { args, nodeRegistration } from '../../src/constructs/kubeadm';
import { templateNames } from '../../src/model/naming';

/** Placeholder for fields every cluster gets from a patch (flavor, image): never reaches a real machine. */
export const SET_BY_PATCH = 'overridden-by-patch';

// Nodes are registered by the external OpenStack cloud controller manager; kubelet names the node after
// the instance and reports its provider ID (cloud-init fills the Jinja placeholders).
const KUBELET = { 'cloud-provider': 'external', 'provider-id': 'openstack:///{{ instance_id }}' };
const NODE_NAME = '{{ local_hostname }}';

// Security group rules Cilium needs between all nodes (VXLAN overlay, health checks, Hubble).
const CILIUM_RULES: Array<[string, string, number]> = [
  ['cilium-vxlan', 'udp', 8472],
  ['cilium-health', 'tcp', 4240],
  ['cilium-hubble', 'tcp', 4244],
];

export function openstackTemplates(scope: Construct, cls: string) {
  const infrastructure = new OpenStackClusterTemplate(scope, 'cluster', {
    metadata: { name: templateNames.cluster(cls) },
    spec: {
      template: {
        spec: {
          // `type` (CAPO v0.14, required with default Secret) is left to the apiserver's defaulting: CAPO v0.13 has no
          // such field, so omitting it keeps one output valid for both management cluster versions.
          identityRef: {
            name: 'openstack',
            cloudName: 'openstack',
          } as OpenStackClusterTemplateSpecTemplateSpecIdentityRef,
          apiServerLoadBalancer: { enabled: false },
          disableApiServerFloatingIp: false,
          managedSubnets: [{ cidr: '10.8.0.0/20' }],
          managedSecurityGroups: {
            allowAllInClusterTraffic: false,
            allNodesSecurityGroupRules: CILIUM_RULES.map(([name, protocol, port]) => ({
              name,
              description: `${name} between all nodes`,
              direction: Direction.INGRESS,
              protocol,
              portRangeMin: port,
              portRangeMax: port,
              remoteManagedGroups: [Group.CONTROLPLANE, Group.WORKER],
            })),
          },
        },
      },
    },
  });

  const controlPlane = new KubeadmControlPlaneTemplateV1Beta2(scope, 'control-plane', {
    metadata: { name: templateNames.controlPlane(cls) },
    spec: {
      template: {
        spec: {
          kubeadmConfigSpec: {
            clusterConfiguration: {
              apiServer: { extraArgs: args({ profiling: 'false' }) },
              // Metrics endpoints reachable for monitoring inside the cluster network (as the SCS stacks do).
              controllerManager: { extraArgs: args({ 'bind-address': '0.0.0.0', profiling: 'false' }) },
              scheduler: { extraArgs: args({ 'bind-address': '0.0.0.0', profiling: 'false' }) },
              etcd: {
                local: {
                  // etcd tuning of the SCS stacks: bounded history, tolerant elections on cloud disks.
                  extraArgs: args({
                    'auto-compaction-mode': 'periodic',
                    'auto-compaction-retention': '8h',
                    'election-timeout': '2500',
                    'heartbeat-interval': '250',
                    'snapshot-count': '6400',
                    'listen-metrics-urls': 'http://0.0.0.0:2381',
                  }),
                },
              },
            },
            initConfiguration: { nodeRegistration: nodeRegistration(KUBELET, NODE_NAME) },
            joinConfiguration: { nodeRegistration: nodeRegistration(KUBELET, NODE_NAME) },
          },
        },
      },
    },
  });

  const machine = (id: string, name: string) =>
    new OpenStackMachineTemplate(scope, id, {
      metadata: { name },
      spec: { template: { spec: { flavor: SET_BY_PATCH, image: { filter: { name: SET_BY_PATCH } } } } },
    });
  const controlPlaneMachine = machine('control-plane-machine', templateNames.controlPlane(cls));
  const workerMachine = machine('default-worker-machine', templateNames.worker(cls, 'default-worker'));

  const workerBootstrap = new KubeadmConfigTemplateV1Beta2(scope, 'default-worker-bootstrap', {
    metadata: { name: templateNames.worker(cls, 'default-worker') },
    spec: { template: { spec: { joinConfiguration: { nodeRegistration: nodeRegistration(KUBELET, NODE_NAME) } } } },
  });

  return { infrastructure, controlPlane, controlPlaneMachine, workerMachine, workerBootstrap };
}
