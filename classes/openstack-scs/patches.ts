/**
 * Patches with the meaning of the SCS `scs2` patches: each variable is wired to the template field it
 * controls. Order matters where two patches write the same field (later wins).
 */

import { ClassPatch, PatchOp, PatchTarget } from '../../src/constructs/cluster-class';
import { argTemplate } from '../../src/constructs/kubeadm';

const cluster: PatchTarget = { infrastructureCluster: true };
const kcp: PatchTarget = { controlPlane: true };
const cpMachine: PatchTarget = { controlPlaneMachine: true };
const workerMachine: PatchTarget = { workerMachine: ['default-worker'] };

const ifSet = (v: string) => `{{ if .${v} }}true{{ end }}`;
const spec = (field: string) => `/spec/template/spec/${field}`;
const set = (target: PatchTarget, ops: PatchOp[]) => ({ target, ops });
const fromVar = (path: string, variable: string, op: PatchOp['op'] = 'add'): PatchOp => ({ op, path, variable });
const fromTemplate = (path: string, template: string, op: PatchOp['op'] = 'add'): PatchOp => ({ op, path, template });

/** Node image: `imageName[-<version>]`, as an ORC reference or a Glance name filter. */
function imageTemplate(versionVar: string): string {
  return (
    '{{ $name := .imageName }}' +
    `{{ if .imageAddVersion }}{{ $name = printf "%s-%s" .imageName .${versionVar} }}{{ end }}` +
    '{{ if .imageIsOrc }}{"imageRef": {"name": {{ $name | toJson }}}}' +
    '{{ else }}{"filter": {"name": {{ $name | toJson }}}}{{ end }}'
  );
}

const securityGroupsByName = (v: string) =>
  `[{{ range $i, $n := .${v} }}{{ if $i }}, {{ end }}{"filter": {"name": {{ $n | toJson }}}}{{ end }}]`;
const securityGroupsByID = (v: string) =>
  `[{{ range $i, $n := .${v} }}{{ if $i }}, {{ end }}{"id": {{ $n | toJson }}}{{ end }}]`;
const OIDC_ARGS: Array<[string, string]> = [
  ['oidc-client-id', 'clientID'],
  ['oidc-issuer-url', 'issuerURL'],
  ['oidc-username-claim', 'usernameClaim'],
  ['oidc-groups-claim', 'groupsClaim'],
  ['oidc-username-prefix', 'usernamePrefix'],
  ['oidc-groups-prefix', 'groupsPrefix'],
];

export const patches: ClassPatch[] = [
  {
    name: 'apiServerLoadBalancerOctaviaAmphora',
    description: 'Octavia load balancer with the amphora provider in front of the API server.',
    enabledIf: '{{ if eq .apiServerLoadBalancer "octavia-amphora" }}true{{ end }}',
    definitions: [
      set(cluster, [
        { op: 'replace', path: spec('apiServerLoadBalancer'), value: { enabled: true, provider: 'amphora' } },
      ]),
    ],
  },
  {
    name: 'apiServerLoadBalancerOctaviaOVN',
    description: 'Octavia load balancer with the OVN provider in front of the API server.',
    enabledIf: '{{ if eq .apiServerLoadBalancer "octavia-ovn" }}true{{ end }}',
    definitions: [
      set(cluster, [{ op: 'replace', path: spec('apiServerLoadBalancer'), value: { enabled: true, provider: 'ovn' } }]),
    ],
  },
  {
    name: 'apiServerLoadBalancerOctaviaAmphoraAllowedCIDRs',
    description: 'Restricts the amphora load balancer to the given source CIDRs.',
    enabledIf:
      '{{ if and (eq .apiServerLoadBalancer "octavia-amphora") ' +
      '.apiServerLoadBalancerOctaviaAmphoraAllowedCIDRs }}true{{ end }}',
    definitions: [
      set(cluster, [
        fromVar(spec('apiServerLoadBalancer/allowedCIDRs'), 'apiServerLoadBalancerOctaviaAmphoraAllowedCIDRs'),
      ]),
    ],
  },
  {
    name: 'networkExternalID',
    enabledIf: ifSet('networkExternalID'),
    definitions: [set(cluster, [fromTemplate(spec('externalNetwork'), '{"id": {{ .networkExternalID | toJson }}}')])],
  },
  {
    name: 'networkMTU',
    enabledIf: ifSet('networkMTU'),
    definitions: [set(cluster, [fromVar(spec('networkMTU'), 'networkMTU')])],
  },
  {
    name: 'controlPlaneAvailabilityZones',
    enabledIf: ifSet('controlPlaneAvailabilityZones'),
    definitions: [set(cluster, [fromVar(spec('controlPlaneAvailabilityZones'), 'controlPlaneAvailabilityZones')])],
  },
  {
    name: 'controlPlaneOmitAvailabilityZone',
    enabledIf: ifSet('controlPlaneOmitAvailabilityZone'),
    definitions: [
      set(cluster, [fromVar(spec('controlPlaneOmitAvailabilityZone'), 'controlPlaneOmitAvailabilityZone')]),
    ],
  },
  {
    name: 'identityRef',
    definitions: [set(cluster, [fromVar(spec('identityRef'), 'identityRef', 'replace')])],
  },
  {
    name: 'nodeCIDRSubnet',
    description: 'The node subnet and its DNS servers.',
    definitions: [
      set(cluster, [
        fromTemplate(
          spec('managedSubnets'),
          '[{"cidr": {{ .nodeCIDR | toJson }}, "dnsNameservers": {{ .dnsNameservers | toJson }}}]',
          'replace',
        ),
      ]),
    ],
  },
  {
    name: 'disableAPIServerFloatingIP',
    definitions: [set(cluster, [fromVar(spec('disableAPIServerFloatingIP'), 'disableAPIServerFloatingIP', 'replace')])],
  },
  {
    name: 'controlPlaneImage',
    description: 'Control plane node image, named after the control plane Kubernetes version.',
    definitions: [
      set(cpMachine, [fromTemplate(spec('image'), imageTemplate('builtin.controlPlane.version'), 'replace')]),
    ],
  },
  {
    name: 'controlPlaneFlavor',
    definitions: [set(cpMachine, [fromVar(spec('flavor'), 'controlPlaneFlavor', 'replace')])],
  },
  {
    name: 'controlPlaneRootDisk',
    enabledIf: ifSet('controlPlaneRootDisk'),
    definitions: [set(cpMachine, [fromTemplate(spec('rootVolume'), '{"sizeGiB": {{ .controlPlaneRootDisk }}}')])],
  },
  {
    name: 'controlPlaneServerGroupID',
    enabledIf: ifSet('controlPlaneServerGroupID'),
    definitions: [
      set(cpMachine, [fromTemplate(spec('serverGroup'), '{"id": {{ .controlPlaneServerGroupID | toJson }}}')]),
    ],
  },
  {
    name: 'securityGroups',
    enabledIf: ifSet('securityGroups'),
    definitions: [cpMachine, workerMachine].map((t) =>
      set(t, [fromTemplate(spec('securityGroups'), securityGroupsByName('securityGroups'))]),
    ),
  },
  {
    name: 'securityGroupIDs',
    enabledIf: ifSet('securityGroupIDs'),
    definitions: [cpMachine, workerMachine].map((t) =>
      set(t, [fromTemplate(spec('securityGroups'), securityGroupsByID('securityGroupIDs'))]),
    ),
  },
  {
    name: 'sshKeyName',
    enabledIf: ifSet('sshKeyName'),
    definitions: [cpMachine, workerMachine].map((t) => set(t, [fromVar(spec('sshKeyName'), 'sshKeyName')])),
  },
  {
    name: 'workerImage',
    description: 'Worker node image, named after the MachineDeployment Kubernetes version.',
    definitions: [
      set(workerMachine, [fromTemplate(spec('image'), imageTemplate('builtin.machineDeployment.version'), 'replace')]),
    ],
  },
  {
    name: 'workerFlavor',
    definitions: [set(workerMachine, [fromVar(spec('flavor'), 'workerFlavor', 'replace')])],
  },
  {
    name: 'workerRootDisk',
    enabledIf: ifSet('workerRootDisk'),
    definitions: [set(workerMachine, [fromTemplate(spec('rootVolume'), '{"sizeGiB": {{ .workerRootDisk }}}')])],
  },
  {
    name: 'workerServerGroupID',
    enabledIf: ifSet('workerServerGroupID'),
    definitions: [
      set(workerMachine, [fromTemplate(spec('serverGroup'), '{"id": {{ .workerServerGroupID | toJson }}}')]),
    ],
  },
  {
    name: 'workerAdditionalBlockDevices',
    enabledIf: ifSet('workerAdditionalBlockDevices'),
    definitions: [
      set(workerMachine, [
        fromTemplate(
          spec('additionalBlockDevices'),
          '[{{ range $i, $d := .workerAdditionalBlockDevices }}{{ if $i }}, {{ end }}' +
            '{"name": {{ $d.name | toJson }}, "sizeGiB": {{ $d.sizeGiB }}, ' +
            '"storage": {"type": "Volume", "volume": {"type": {{ $d.type | toJson }}}}}' +
            '{{ end }}]',
        ),
      ]),
    ],
  },
  {
    name: 'workerSecurityGroups',
    enabledIf: ifSet('workerSecurityGroups'),
    definitions: [
      set(workerMachine, [fromTemplate(spec('securityGroups'), securityGroupsByName('workerSecurityGroups'))]),
    ],
  },
  {
    name: 'workerSecurityGroupIDs',
    enabledIf: ifSet('workerSecurityGroupIDs'),
    definitions: [
      set(workerMachine, [fromTemplate(spec('securityGroups'), securityGroupsByID('workerSecurityGroupIDs'))]),
    ],
  },
  {
    name: 'certSANs',
    enabledIf: ifSet('certSANs'),
    definitions: [set(kcp, [fromVar(spec('kubeadmConfigSpec/clusterConfiguration/apiServer/certSANs'), 'certSANs')])],
  },
  {
    name: 'oidcConfig',
    description: 'OpenID Connect flags of the API server.',
    enabledIf: ifSet('oidcConfig'),
    definitions: [
      set(
        kcp,
        OIDC_ARGS.map(([flag, field]) =>
          fromTemplate(
            spec('kubeadmConfigSpec/clusterConfiguration/apiServer/extraArgs/-'),
            argTemplate(flag, `{{ .oidcConfig.${field} | toJson }}`),
          ),
        ),
      ),
    ],
  },
];
