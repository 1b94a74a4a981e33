import { Construct } from 'constructs';
import { AddonDefinition, releaseFor } from '../../src/model/addon';
import { StackContext } from '../../src/model/stack';
import { cloudConf, CLOUDS_YAML_SECRET } from '../cloud-config';
import { addonLabels, clusterRbac, k8s, q, rule, selectorLabels } from '../common';
import { occmReleases } from './facts';

const NS = 'kube-system';
const NAME = 'openstack-ccm';
const SA = 'openstack-cloud-controller-manager';

/** RBAC of the cloud controller manager (node, route, service and PV label controllers). */
export const occmRules = [
  rule(['coordination.k8s.io'], ['leases'], ['get', 'create', 'update']),
  rule([''], ['events'], ['create', 'patch', 'update']),
  rule([''], ['nodes'], ['*']),
  rule([''], ['nodes/status'], ['patch']),
  rule([''], ['services'], ['list', 'patch', 'update', 'watch']),
  rule([''], ['services/status'], ['patch']),
  rule([''], ['serviceaccounts/token'], ['create']),
  rule([''], ['serviceaccounts'], ['create', 'get']),
  rule([''], ['persistentvolumes'], ['*']),
  rule([''], ['endpoints'], ['create', 'get', 'list', 'watch', 'update']),
  rule([''], ['configmaps'], ['get', 'list', 'watch']),
  rule([''], ['secrets'], ['list', 'get', 'watch']),
];

export function buildOccm(scope: Construct, ctx: StackContext): void {
  const rel = releaseFor(openstackCcm, ctx.minor);
  const labels = addonLabels(NAME);
  new k8s.KubeSecret(scope, 'cloud-config', {
    metadata: { name: 'ccm-cloud-config', namespace: NS, labels },
    type: 'Opaque',
    stringData: { 'cloud.conf': cloudConf },
  });
  clusterRbac(scope, {
    name: 'system:cloud-controller-manager',
    namespace: NS,
    labels,
    rules: occmRules,
    serviceAccount: SA,
  });
  new k8s.KubeServiceAccount(scope, 'sa', { metadata: { name: SA, namespace: NS, labels } });
  const sel = selectorLabels(NAME, 'controller-manager');
  new k8s.KubeDaemonSet(scope, 'manager', {
    metadata: { name: 'openstack-cloud-controller-manager', namespace: NS, labels },
    spec: {
      selector: { matchLabels: sel },
      updateStrategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels: { ...sel, 'app.kubernetes.io/managed-by': 'cskit' } },
        spec: {
          serviceAccountName: SA,
          automountServiceAccountToken: true,
          // Host network: it runs before the CNI and initializes the nodes the CNI waits for.
          hostNetwork: true,
          dnsPolicy: 'Default',
          priorityClassName: 'system-cluster-critical',
          // SCS sets the chart's control-plane nodeSelector to null; we follow that (any node).
          tolerations: [
            { key: 'node.cloudprovider.kubernetes.io/uninitialized', value: 'true', effect: 'NoSchedule' },
            { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
            { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
          ],
          securityContext: { runAsUser: 1001 },
          containers: [
            {
              name: 'openstack-cloud-controller-manager',
              image: rel.images.manager,
              imagePullPolicy: 'IfNotPresent',
              args: [
                '/bin/openstack-cloud-controller-manager',
                '--v=1',
                '--cluster-name={{cluster.name}}',
                '--cloud-config=$(CLOUD_CONFIG)',
                '--cloud-provider=openstack',
                '--use-service-account-credentials=false',
                '--bind-address=127.0.0.1',
              ],
              env: [{ name: 'CLOUD_CONFIG', value: '/etc/config/cloud.conf' }],
              resources: { requests: { cpu: q('200m') } },
              volumeMounts: [
                { name: 'cloud-config-volume', mountPath: '/etc/config', readOnly: true },
                { name: 'clouds-yaml', mountPath: '/etc/openstack', readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'cloud-config-volume', secret: { secretName: 'ccm-cloud-config' } },
            { name: 'clouds-yaml', secret: { secretName: CLOUDS_YAML_SECRET } },
          ],
        },
      },
    },
  });
}

export const openstackCcm: AddonDefinition = {
  name: NAME,
  description: 'OpenStack cloud controller manager (clouds.yaml from Secret kube-system/clouds-yaml)',
  namespace: NS,
  phase: 'ccm',
  // After the control plane: the Kubernetes version skew policy says a cloud-controller-manager must not be newer
  // than the kube-apiserver it talks to and may be one minor older. OCCM follows the Kubernetes minor
  // (facts.ts), so the old OCCM keeps running (one minor older: allowed) while the control plane moves, and the
  // new one is installed once every kube-apiserver has the new minor, before workers roll.
  upgrade: 'AfterControlPlaneUpgrade',
  dependsOn: ['cilium'],
  releases: occmReleases,
  inputs: [{ path: 'cluster.name', type: 'string', description: 'Cluster name, tags load balancers (--cluster-name)' }],
  build: buildOccm,
};
