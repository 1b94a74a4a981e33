import { openstackScs } from '../../classes/openstack-scs';
import { dockerScs } from '../../classes/docker-scs';
import { KObject } from '../../src/model/object';
import { buildStack } from '../../src/synth/build';

const v2 = buildStack(openstackScs, { kubernetesVersion: '1.36.4', version: 'v1' }).classObjects;
const v1 = buildStack(
  openstackScs,
  { kubernetesVersion: '1.36.4', version: 'v1' },
  { capiApiVersion: 'v1beta1' },
).classObjects;
const byKind = (objs: readonly KObject[], kind: string) => objs.filter((o) => o.kind === kind);
/** The parts of a ClusterClass patch these tests read. */
type Patch = { name: string; definitions: { selector: { apiVersion: string }; jsonPatches: unknown[] }[] };

test('every CAPI group is emitted at v1beta1; CAPO stays at its own v1beta1', () => {
  expect(v1.map((o) => o.apiVersion)).toEqual(v2.map((o) => o.apiVersion!.replace('/v1beta2', '/v1beta1')));
  expect(v1.every((o) => o.apiVersion!.endsWith('/v1beta1'))).toBe(true);
  const docker = buildStack(
    dockerScs,
    { kubernetesVersion: '1.36.4', version: 'v1' },
    { capiApiVersion: 'v1beta1' },
  ).classObjects;
  expect(docker.map((o) => o.apiVersion)).toContain('infrastructure.cluster.x-k8s.io/v1beta1');
});

test('ClusterClass references use v1beta1 ref fields with v1beta1 versions', () => {
  const cc = byKind(v1, 'ClusterClass')[0];
  expect(cc.spec.infrastructure).toEqual({
    ref: {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
      kind: 'OpenStackClusterTemplate',
      name: 'openstack-scs-1-36-v1-cluster',
    },
  });
  expect(cc.spec.controlPlane.ref).toEqual({
    apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
    kind: 'KubeadmControlPlaneTemplate',
    name: 'openstack-scs-1-36-v1-control-plane',
  });
  expect(cc.spec.controlPlane.templateRef).toBeUndefined();
  expect(cc.spec.controlPlane.machineInfrastructure.ref.kind).toBe('OpenStackMachineTemplate');
  expect(cc.spec.workers.machineDeployments[0]).toEqual({
    class: 'default-worker',
    template: {
      bootstrap: {
        ref: {
          apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta1',
          kind: 'KubeadmConfigTemplate',
          name: 'openstack-scs-1-36-v1-default-worker',
        },
      },
      infrastructure: {
        ref: {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
          kind: 'OpenStackMachineTemplate',
          name: 'openstack-scs-1-36-v1-default-worker',
        },
      },
    },
  });
  expect(
    cc.spec.patches.every((p: Patch) => p.definitions.every((d) => !d.selector.apiVersion.endsWith('/v1beta2'))),
  ).toBe(true);
});

test('kubeadm extra args become maps, and OIDC arg patches become map keys', () => {
  const kcp = byKind(v1, 'KubeadmControlPlaneTemplate')[0];
  const cfg = kcp.spec.template.spec.kubeadmConfigSpec;
  expect(cfg.clusterConfiguration.controllerManager.extraArgs).toEqual({
    'bind-address': '0.0.0.0',
    profiling: 'false',
  });
  expect(cfg.joinConfiguration.nodeRegistration.kubeletExtraArgs).toEqual({
    'cloud-provider': 'external',
    'provider-id': 'openstack:///{{ instance_id }}',
  });
  const oidc = byKind(v1, 'ClusterClass')[0].spec.patches.find((p: Patch) => p.name === 'oidcConfig').definitions[0]
    .jsonPatches;
  expect(oidc[1]).toEqual({
    op: 'add',
    path: '/spec/template/spec/kubeadmConfigSpec/clusterConfiguration/apiServer/extraArgs/oidc-issuer-url',
    valueFrom: { template: '{{ .oidcConfig.issuerURL | toJson }}' },
  });
  const bootstrap = byKind(v1, 'KubeadmConfigTemplate')[0];
  expect(bootstrap.spec.template.spec.joinConfiguration.nodeRegistration.kubeletExtraArgs['cloud-provider']).toBe(
    'external',
  );
});

test('the v1beta2 build is not modified by the conversion', () => {
  const again = buildStack(openstackScs, { kubernetesVersion: '1.36.4', version: 'v1' }).classObjects;
  expect(again).toEqual(v2);
  expect(byKind(v2, 'ClusterClass')[0].spec.infrastructure.templateRef).toBeDefined();
});
