import { openstackScs } from '../../classes/openstack-scs';
import { variables } from '../../classes/openstack-scs/variables';
import { buildStack } from '../../src/synth/build';
import { patchedTemplates } from '../support/apply-patches';

const built = buildStack(openstackScs, { kubernetesVersion: '1.36.4', version: 'v3' });
const objects = built.classObjects;
const cc = objects.find((o) => o.kind === 'ClusterClass')!;
const withVars = (vars: Record<string, unknown>) => patchedTemplates(objects, { version: 'v1.36.4', variables: vars });
const defaults = withVars({});
const spec = (role: string, t = defaults) => t[role].spec.template.spec;
const apiArgs = (t: typeof defaults) =>
  spec('controlPlane', t).kubeadmConfigSpec.clusterConfiguration.apiServer.extraArgs;

test('the class carries the full scs2 variable set, none required, each described', () => {
  const names = cc.spec.variables.map((v: { name: string }) => v.name);
  expect(names).toEqual(
    expect.arrayContaining([
      'imageName',
      'imageIsOrc',
      'imageAddVersion',
      'disableAPIServerFloatingIP',
      'networkExternalID',
      'networkMTU',
      'dnsNameservers',
      'nodeCIDR',
      'controlPlaneFlavor',
      'controlPlaneRootDisk',
      'controlPlaneServerGroupID',
      'controlPlaneAvailabilityZones',
      'controlPlaneOmitAvailabilityZone',
      'workerFlavor',
      'workerRootDisk',
      'workerServerGroupID',
      'workerAdditionalBlockDevices',
      'sshKeyName',
      'securityGroups',
      'securityGroupIDs',
      'workerSecurityGroups',
      'workerSecurityGroupIDs',
      'identityRef',
      'certSANs',
      'apiServerLoadBalancer',
      'apiServerLoadBalancerOctaviaAmphoraAllowedCIDRs',
      'oidcConfig',
    ]),
  );
  expect(names).toHaveLength(27);
  for (const v of cc.spec.variables) {
    expect(v.required).toBe(false);
    expect(v.schema.openAPIV3Schema.description).toMatch(/\w/);
  }
});

test('scs2 defaults reach the templates without any variable set', () => {
  expect(spec('controlPlaneMachine').flavor).toBe('SCS-2V-4');
  expect(spec('default-worker/infrastructure').flavor).toBe('SCS-4V-8');
  expect(spec('controlPlaneMachine').image).toEqual({ filter: { name: 'ubuntu-capi-image-v1.36.4' } });
  expect(spec('default-worker/infrastructure').image).toEqual({ filter: { name: 'ubuntu-capi-image-v1.36.4' } });
  expect(spec('controlPlaneMachine').rootVolume).toEqual({ sizeGiB: 50 });
  expect(spec('infrastructureCluster').apiServerLoadBalancer).toEqual({ enabled: true, provider: 'ovn' });
  expect(spec('infrastructureCluster').managedSubnets).toEqual([
    { cidr: '10.8.0.0/20', dnsNameservers: ['9.9.9.9', '149.112.112.112'] },
  ]);
  expect(spec('infrastructureCluster').identityRef).toEqual({ name: 'openstack', cloudName: 'openstack' });
  // optional settings stay unset
  for (const f of ['externalNetwork', 'networkMTU', 'controlPlaneAvailabilityZones'])
    expect(spec('infrastructureCluster')[f]).toBeUndefined();
  for (const f of ['serverGroup', 'sshKeyName', 'securityGroups'])
    expect(spec('controlPlaneMachine')[f]).toBeUndefined();
  expect(apiArgs(defaults).map((a: { name: string }) => a.name)).not.toContain('oidc-issuer-url');
});

// Each variable, set to a non-default value, must change exactly the field it controls.
const wiring: Array<[string, unknown, string, (t: typeof defaults) => unknown, unknown]> = [
  ['workerFlavor', 'SCS-8V-16', 'worker flavor', (t) => spec('default-worker/infrastructure', t).flavor, 'SCS-8V-16'],
  ['controlPlaneFlavor', 'SCS-4V-8', 'control plane flavor', (t) => spec('controlPlaneMachine', t).flavor, 'SCS-4V-8'],
  [
    'workerRootDisk',
    100,
    'worker root volume',
    (t) => spec('default-worker/infrastructure', t).rootVolume,
    { sizeGiB: 100 },
  ],
  [
    'controlPlaneRootDisk',
    0,
    'no control plane root volume',
    (t) => spec('controlPlaneMachine', t).rootVolume,
    undefined,
  ],
  [
    'imageName',
    'debian-capi',
    'control plane image',
    (t) => spec('controlPlaneMachine', t).image,
    { filter: { name: 'debian-capi-v1.36.4' } },
  ],
  [
    'imageAddVersion',
    false,
    'image without version',
    (t) => spec('default-worker/infrastructure', t).image,
    { filter: { name: 'ubuntu-capi-image' } },
  ],
  [
    'imageIsOrc',
    true,
    'ORC image reference',
    (t) => spec('default-worker/infrastructure', t).image,
    { imageRef: { name: 'ubuntu-capi-image-v1.36.4' } },
  ],
  [
    'disableAPIServerFloatingIP',
    true,
    'floating IP',
    (t) => spec('infrastructureCluster', t).disableAPIServerFloatingIP,
    true,
  ],
  [
    'networkExternalID',
    '0a1b2c3d-0000-4000-8000-000000000001',
    'external network',
    (t) => spec('infrastructureCluster', t).externalNetwork,
    { id: '0a1b2c3d-0000-4000-8000-000000000001' },
  ],
  ['networkMTU', 1400, 'MTU', (t) => spec('infrastructureCluster', t).networkMTU, 1400],
  [
    'nodeCIDR',
    '10.20.0.0/16',
    'node subnet',
    (t) => spec('infrastructureCluster', t).managedSubnets[0].cidr,
    '10.20.0.0/16',
  ],
  [
    'dnsNameservers',
    ['1.1.1.1'],
    'subnet DNS',
    (t) => spec('infrastructureCluster', t).managedSubnets[0].dnsNameservers,
    ['1.1.1.1'],
  ],
  [
    'controlPlaneServerGroupID',
    'sg-cp',
    'control plane server group',
    (t) => spec('controlPlaneMachine', t).serverGroup,
    { id: 'sg-cp' },
  ],
  [
    'workerServerGroupID',
    'sg-w',
    'worker server group',
    (t) => spec('default-worker/infrastructure', t).serverGroup,
    { id: 'sg-w' },
  ],
  [
    'controlPlaneAvailabilityZones',
    ['az1', 'az2'],
    'control plane AZs',
    (t) => spec('infrastructureCluster', t).controlPlaneAvailabilityZones,
    ['az1', 'az2'],
  ],
  [
    'controlPlaneOmitAvailabilityZone',
    true,
    'omit AZ',
    (t) => spec('infrastructureCluster', t).controlPlaneOmitAvailabilityZone,
    true,
  ],
  ['sshKeyName', 'ops', 'worker SSH key', (t) => spec('default-worker/infrastructure', t).sshKeyName, 'ops'],
  [
    'securityGroups',
    ['a', 'b'],
    'control plane security groups',
    (t) => spec('controlPlaneMachine', t).securityGroups,
    [{ filter: { name: 'a' } }, { filter: { name: 'b' } }],
  ],
  [
    'securityGroupIDs',
    ['id1'],
    'worker security groups by ID',
    (t) => spec('default-worker/infrastructure', t).securityGroups,
    [{ id: 'id1' }],
  ],
  [
    'workerSecurityGroups',
    ['w'],
    'worker-only security groups',
    (t) => spec('default-worker/infrastructure', t).securityGroups,
    [{ filter: { name: 'w' } }],
  ],
  [
    'workerSecurityGroupIDs',
    ['wid'],
    'worker-only security group IDs',
    (t) => spec('default-worker/infrastructure', t).securityGroups,
    [{ id: 'wid' }],
  ],
  [
    'workerAdditionalBlockDevices',
    [{ name: 'data', sizeGiB: 80 }],
    'extra volumes',
    (t) => spec('default-worker/infrastructure', t).additionalBlockDevices,
    [{ name: 'data', sizeGiB: 80, storage: { type: 'Volume', volume: { type: '__DEFAULT__' } } }],
  ],
  [
    'identityRef',
    { name: 'creds' },
    'identity',
    (t) => spec('infrastructureCluster', t).identityRef,
    { name: 'creds', cloudName: 'openstack' },
  ],
  [
    'certSANs',
    ['api.example.com'],
    'API certificate SANs',
    (t) => spec('controlPlane', t).kubeadmConfigSpec.clusterConfiguration.apiServer.certSANs,
    ['api.example.com'],
  ],
  [
    'apiServerLoadBalancer',
    'octavia-amphora',
    'amphora LB',
    (t) => spec('infrastructureCluster', t).apiServerLoadBalancer,
    { enabled: true, provider: 'amphora' },
  ],
  [
    'apiServerLoadBalancer',
    'none',
    'no LB',
    (t) => spec('infrastructureCluster', t).apiServerLoadBalancer,
    { enabled: false },
  ],
];

test.each(wiring)('%s=%j sets the %s', (name, value, _what, get, expected) => {
  expect(get(defaults)).not.toEqual(expected);
  expect(get(withVars({ [name]: value }))).toEqual(expected);
});

test('apiServerLoadBalancerOctaviaAmphoraAllowedCIDRs applies to amphora only', () => {
  const cidrs = ['192.0.2.0/24'];
  expect(
    spec('infrastructureCluster', withVars({ apiServerLoadBalancerOctaviaAmphoraAllowedCIDRs: cidrs }))
      .apiServerLoadBalancer.allowedCIDRs,
  ).toBeUndefined();
  const t = withVars({
    apiServerLoadBalancer: 'octavia-amphora',
    apiServerLoadBalancerOctaviaAmphoraAllowedCIDRs: cidrs,
  });
  expect(spec('infrastructureCluster', t).apiServerLoadBalancer).toEqual({
    enabled: true,
    provider: 'amphora',
    allowedCIDRs: cidrs,
  });
});

test('securityGroupIDs wins over securityGroups, workerSecurityGroups over both on workers', () => {
  const t = withVars({ securityGroups: ['n'], securityGroupIDs: ['i'], workerSecurityGroups: ['w'] });
  expect(spec('controlPlaneMachine', t).securityGroups).toEqual([{ id: 'i' }]);
  expect(spec('default-worker/infrastructure', t).securityGroups).toEqual([{ filter: { name: 'w' } }]);
});

test('oidcConfig adds the API server OIDC flags with defaults for the claims', () => {
  const t = withVars({ oidcConfig: { clientID: 'kube', issuerURL: 'https://id.example.com/realms/x' } });
  expect(apiArgs(t)).toEqual(
    expect.arrayContaining([
      { name: 'oidc-client-id', value: 'kube' },
      { name: 'oidc-issuer-url', value: 'https://id.example.com/realms/x' },
      { name: 'oidc-username-claim', value: 'preferred_username' },
      { name: 'oidc-groups-claim', value: 'groups' },
      { name: 'oidc-username-prefix', value: 'oidc:' },
      { name: 'oidc-groups-prefix', value: 'oidc:' },
    ]),
  );
  expect(apiArgs(t)).toContainEqual({ name: 'profiling', value: 'false' });
});

test('every variable is read by at least one patch', () => {
  const used = JSON.stringify(cc.spec.patches);
  for (const v of variables) expect(used).toMatch(new RegExp(`\\.${v.name}\\b|"${v.name}"`));
});

test('node image name is derived from the Kubernetes version of each stack', () => {
  const other = buildStack(openstackScs, { kubernetesVersion: '1.35.8', version: 'v1' });
  const t = patchedTemplates(other.classObjects, { version: 'v1.35.8' });
  expect(t.controlPlaneMachine.spec.template.spec.image.filter.name).toBe('ubuntu-capi-image-v1.35.8');
  expect(openstackScs.nodeImage(other.ctx)).toBe('ubuntu-capi-image-v1.35.8');
});
