/**
 * The SCS `scs2` variable set (names, types, defaults as in the SCS cluster stacks), each with a
 * description shown by cluster UIs. None is required: every cluster can be created with defaults.
 */

import { ClassVariable, VariableSchema } from '../../src/constructs/cluster-class';

const str = (description: string, extra: Partial<VariableSchema> = {}): VariableSchema => ({
  type: 'string',
  description,
  ...extra,
});
const bool = (description: string, dflt: boolean): VariableSchema => ({ type: 'boolean', description, default: dflt });
const strings = (description: string, extra: Partial<VariableSchema> = {}): VariableSchema => ({
  type: 'array',
  description,
  items: { type: 'string' },
  ...extra,
});

export const LOAD_BALANCERS = ['none', 'octavia-amphora', 'octavia-ovn'] as const;

export const variables: ClassVariable[] = [
  {
    name: 'imageName',
    schema: str('Base name of the node image (OpenStack Glance image, or ORC Image when imageIsOrc).', {
      default: 'ubuntu-capi-image',
      minLength: 1,
    }),
  },
  {
    name: 'imageIsOrc',
    schema: bool(
      'Reference the node image as an ORC Image object (imageRef) instead of a Glance image name filter.',
      false,
    ),
  },
  {
    name: 'imageAddVersion',
    schema: bool(
      'Append "-<Kubernetes version>" (e.g. -v1.36.4) to imageName, so the image follows the cluster version.',
      true,
    ),
  },
  {
    name: 'disableAPIServerFloatingIP',
    schema: bool('Do not attach a floating IP to the API server (load balancer or control plane).', false),
  },
  {
    name: 'networkExternalID',
    schema: str('ID of the external (provider) network; the cloud default is used when unset.', { format: 'uuid' }),
  },
  {
    name: 'networkMTU',
    schema: {
      type: 'integer',
      description: 'MTU of the cluster network; the cloud default is used when unset.',
      minimum: 1280,
      maximum: 9000,
    },
  },
  {
    name: 'dnsNameservers',
    schema: strings('DNS servers of the node subnet.', { default: ['9.9.9.9', '149.112.112.112'] }),
  },
  {
    name: 'nodeCIDR',
    schema: str('CIDR of the node subnet created for the cluster.', { default: '10.8.0.0/20', format: 'cidr' }),
  },
  {
    name: 'controlPlaneFlavor',
    schema: str('OpenStack flavor of control plane nodes.', { default: 'SCS-2V-4', minLength: 1 }),
  },
  {
    name: 'controlPlaneRootDisk',
    schema: {
      type: 'integer',
      description: "Root volume size of control plane nodes in GiB; 0 uses the flavor's local disk.",
      default: 50,
      minimum: 0,
    },
  },
  {
    name: 'controlPlaneServerGroupID',
    schema: str('Server group of control plane nodes (e.g. anti-affinity); none when empty.', { default: '' }),
  },
  { name: 'controlPlaneAvailabilityZones', schema: strings('Availability zones to spread control plane nodes over.') },
  {
    name: 'controlPlaneOmitAvailabilityZone',
    schema: { type: 'boolean', description: 'Let Nova choose the availability zone of control plane nodes.' },
  },
  { name: 'workerFlavor', schema: str('OpenStack flavor of worker nodes.', { default: 'SCS-4V-8', minLength: 1 }) },
  {
    name: 'workerRootDisk',
    schema: {
      type: 'integer',
      description: "Root volume size of worker nodes in GiB; 0 uses the flavor's local disk.",
      default: 50,
      minimum: 0,
    },
  },
  { name: 'workerServerGroupID', schema: str('Server group of worker nodes; none when empty.', { default: '' }) },
  {
    name: 'workerAdditionalBlockDevices',
    schema: {
      type: 'array',
      description: 'Extra Cinder volumes attached to every worker node.',
      default: [],
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string', description: 'Device name, also the volume name suffix.', minLength: 1 },
          sizeGiB: { type: 'integer', description: 'Size in GiB.', default: 20, minimum: 1 },
          type: { type: 'string', description: 'Cinder volume type.', default: '__DEFAULT__' },
        },
      },
    },
  },
  { name: 'sshKeyName', schema: str('Nova key pair injected into every node; none when empty.', { default: '' }) },
  { name: 'securityGroups', schema: strings('Names of extra security groups for all nodes.', { default: [] }) },
  {
    name: 'securityGroupIDs',
    schema: strings('IDs of extra security groups for all nodes (applied after securityGroups, replacing it).', {
      default: [],
    }),
  },
  {
    name: 'workerSecurityGroups',
    schema: strings('Names of extra security groups for worker nodes only (replaces securityGroups on workers).', {
      default: [],
    }),
  },
  {
    name: 'workerSecurityGroupIDs',
    schema: strings('IDs of extra security groups for worker nodes only (applied last).', { default: [] }),
  },
  {
    name: 'identityRef',
    schema: {
      type: 'object',
      description: 'Secret with the clouds.yaml CAPO uses, and the cloud in it.',
      default: {},
      properties: {
        name: { type: 'string', description: 'Name of the Secret holding clouds.yaml.', default: 'openstack' },
        cloudName: { type: 'string', description: 'Name of the cloud in clouds.yaml.', default: 'openstack' },
      },
    },
  },
  {
    name: 'certSANs',
    schema: strings('Extra subject alternative names of the API server certificate.', { default: [] }),
  },
  {
    name: 'apiServerLoadBalancer',
    schema: str('API server load balancer: none, octavia-amphora or octavia-ovn.', {
      default: 'octavia-ovn',
      enum: [...LOAD_BALANCERS],
    }),
  },
  {
    name: 'apiServerLoadBalancerOctaviaAmphoraAllowedCIDRs',
    schema: strings('CIDRs allowed to reach the API server (octavia-amphora only).'),
  },
  {
    name: 'oidcConfig',
    schema: {
      type: 'object',
      description: 'OpenID Connect authentication of the API server.',
      required: ['clientID', 'issuerURL'],
      properties: {
        clientID: { type: 'string', description: 'Client ID the tokens must be issued for.', minLength: 1 },
        issuerURL: { type: 'string', description: 'HTTPS URL of the issuer.', pattern: '^https://' },
        usernameClaim: { type: 'string', description: 'JWT claim used as user name.', default: 'preferred_username' },
        groupsClaim: { type: 'string', description: 'JWT claim used as groups.', default: 'groups' },
        usernamePrefix: { type: 'string', description: 'Prefix of user names.', default: 'oidc:' },
        groupsPrefix: { type: 'string', description: 'Prefix of group names.', default: 'oidc:' },
      },
    },
  },
];
