import { Construct } from 'constructs';
import { AddonDefinition, releaseFor } from '../../src/model/addon';
import { StackContext } from '../../src/model/stack';
import { cloudConf, CLOUDS_YAML_SECRET } from '../cloud-config';
import {
  addonLabels,
  clusterRbac,
  controlPlaneTolerations,
  hostPath,
  k8s,
  rule,
  selectorLabels,
  tolerateEverything,
} from '../common';
import { CINDER_DRIVER, cinderReleases } from './facts';
import { cinderStorageClasses } from './storage-classes';

const NS = 'kube-system';
const NAME = 'cinder-csi';
const SECRET = 'csi-cloud-config';

const leases = rule(['coordination.k8s.io'], ['leases'], ['get', 'watch', 'list', 'delete', 'update', 'create']);
const events = rule([''], ['events'], ['get', 'list', 'watch', 'create', 'update', 'patch']);

/** Controller RBAC: the union of what external-attacher, -provisioner, -snapshotter and -resizer need. */
export const controllerRules = [
  rule([''], ['persistentvolumes'], ['get', 'list', 'watch', 'create', 'delete', 'patch']),
  rule([''], ['persistentvolumeclaims'], ['get', 'list', 'watch', 'update']),
  rule([''], ['persistentvolumeclaims/status'], ['patch']),
  rule([''], ['pods', 'nodes'], ['get', 'list', 'watch']),
  rule(['storage.k8s.io'], ['storageclasses', 'csinodes'], ['get', 'list', 'watch']),
  rule(['storage.k8s.io'], ['volumeattachments'], ['get', 'list', 'watch', 'patch']),
  rule(['storage.k8s.io'], ['volumeattachments/status'], ['patch']),
  rule(['snapshot.storage.k8s.io'], ['volumesnapshots'], ['get', 'list']),
  rule(['snapshot.storage.k8s.io'], ['volumesnapshotclasses'], ['get', 'list', 'watch']),
  rule(
    ['snapshot.storage.k8s.io'],
    ['volumesnapshotcontents'],
    ['create', 'get', 'list', 'watch', 'update', 'delete', 'patch'],
  ),
  rule(['snapshot.storage.k8s.io'], ['volumesnapshotcontents/status'], ['update', 'patch']),
  events,
  leases,
];
export const nodeRules = [events];

const socketDir = '/var/lib/csi/sockets/pluginproxy/';
const sidecarEnv = [{ name: 'ADDRESS', value: `${socketDir}csi.sock` }];
const sidecarMounts = [{ name: 'socket-dir', mountPath: socketDir }];
const cloudMounts = [
  { name: 'cloud-config', mountPath: '/etc/config', readOnly: true },
  { name: 'clouds-yaml', mountPath: '/etc/openstack', readOnly: true },
];
const cloudVolumes = [
  { name: 'cloud-config', secret: { secretName: SECRET } },
  { name: 'clouds-yaml', secret: { secretName: CLOUDS_YAML_SECRET } },
];
const healthProbe = {
  httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('healthz') },
  initialDelaySeconds: 10,
  timeoutSeconds: 10,
  periodSeconds: 60,
  failureThreshold: 5,
};

export function buildCinderCsi(scope: Construct, ctx: StackContext): void {
  const rel = releaseFor(cinderCsi, ctx.minor);
  const img = rel.images;
  const labels = addonLabels(NAME);
  new k8s.KubeSecret(scope, 'cloud-config', {
    metadata: { name: SECRET, namespace: NS, labels },
    type: 'Opaque',
    stringData: { 'cloud.conf': cloudConf },
  });
  new k8s.KubeCsiDriver(scope, 'driver', {
    metadata: { name: CINDER_DRIVER, labels },
    spec: { attachRequired: true, podInfoOnMount: true, volumeLifecycleModes: ['Persistent', 'Ephemeral'] },
  });
  clusterRbac(scope, {
    name: 'csi-cinder-controller',
    namespace: NS,
    labels: addonLabels(NAME, 'controller'),
    rules: controllerRules,
  });
  clusterRbac(scope, { name: 'csi-cinder-node', namespace: NS, labels: addonLabels(NAME, 'node'), rules: nodeRules });

  const sidecar = (name: string, image: string, args: string[]) => ({
    name,
    image,
    imagePullPolicy: 'IfNotPresent',
    args,
    env: sidecarEnv,
    volumeMounts: sidecarMounts,
  });
  const ctrlSel = selectorLabels(NAME, 'controller');
  new k8s.KubeDeployment(scope, 'controller', {
    metadata: { name: 'openstack-cinder-csi-controllerplugin', namespace: NS, labels: addonLabels(NAME, 'controller') },
    spec: {
      replicas: 1,
      selector: { matchLabels: ctrlSel },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) },
      },
      template: {
        metadata: { labels: { ...ctrlSel, 'app.kubernetes.io/managed-by': 'cskit' } },
        spec: {
          serviceAccountName: 'csi-cinder-controller',
          automountServiceAccountToken: true,
          priorityClassName: 'system-cluster-critical',
          // SCS pins the controller to control plane nodes.
          nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
          tolerations: controlPlaneTolerations,
          containers: [
            sidecar('csi-attacher', img.attacher, [
              '--csi-address=$(ADDRESS)',
              '--timeout=3m',
              '--leader-election=true',
              '--default-fstype=ext4',
            ]),
            sidecar('csi-provisioner', img.provisioner, [
              '--csi-address=$(ADDRESS)',
              '--timeout=3m',
              '--default-fstype=ext4',
              '--feature-gates=Topology=true',
              '--extra-create-metadata',
              '--leader-election=true',
            ]),
            sidecar('csi-snapshotter', img.snapshotter, [
              '--csi-address=$(ADDRESS)',
              '--timeout=3m',
              '--extra-create-metadata',
              '--leader-election=true',
            ]),
            sidecar('csi-resizer', img.resizer, [
              '--csi-address=$(ADDRESS)',
              '--timeout=3m',
              '--handle-volume-inuse-error=false',
              '--leader-election=true',
            ]),
            sidecar('liveness-probe', img.livenessProbe, ['--csi-address=$(ADDRESS)']),
            {
              name: 'cinder-csi-plugin',
              image: img.plugin,
              imagePullPolicy: 'IfNotPresent',
              args: [
                '/bin/cinder-csi-plugin',
                '--endpoint=$(CSI_ENDPOINT)',
                '--cloud-config=$(CLOUD_CONFIG)',
                '--cluster={{cluster.name}}',
                '--provide-node-service=false',
                '--v=1',
              ],
              env: [
                { name: 'CSI_ENDPOINT', value: 'unix://csi/csi.sock' },
                { name: 'CLOUD_CONFIG', value: '/etc/config/cloud.conf' },
              ],
              ports: [{ name: 'healthz', containerPort: 9808, protocol: 'TCP' }],
              livenessProbe: healthProbe,
              volumeMounts: [{ name: 'socket-dir', mountPath: '/csi' }, ...cloudMounts],
            },
          ],
          volumes: [{ name: 'socket-dir', emptyDir: {} }, ...cloudVolumes],
        },
      },
    },
  });

  const nodeSel = selectorLabels(NAME, 'node');
  const pluginDir = `/var/lib/kubelet/plugins/${CINDER_DRIVER}`;
  new k8s.KubeDaemonSet(scope, 'node', {
    metadata: { name: 'openstack-cinder-csi-nodeplugin', namespace: NS, labels: addonLabels(NAME, 'node') },
    spec: {
      selector: { matchLabels: nodeSel },
      template: {
        metadata: { labels: { ...nodeSel, 'app.kubernetes.io/managed-by': 'cskit' } },
        spec: {
          serviceAccountName: 'csi-cinder-node',
          automountServiceAccountToken: true,
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
          tolerations: tolerateEverything,
          containers: [
            {
              name: 'node-driver-registrar',
              image: img.nodeDriverRegistrar,
              imagePullPolicy: 'IfNotPresent',
              args: ['--csi-address=$(ADDRESS)', '--kubelet-registration-path=$(DRIVER_REG_SOCK_PATH)'],
              env: [
                { name: 'ADDRESS', value: '/csi/csi.sock' },
                { name: 'DRIVER_REG_SOCK_PATH', value: `${pluginDir}/csi.sock` },
              ],
              volumeMounts: [
                { name: 'socket-dir', mountPath: '/csi' },
                { name: 'registration-dir', mountPath: '/registration' },
              ],
            },
            {
              name: 'liveness-probe',
              image: img.livenessProbe,
              imagePullPolicy: 'IfNotPresent',
              args: ['--csi-address=/csi/csi.sock'],
              volumeMounts: [{ name: 'socket-dir', mountPath: '/csi' }],
            },
            {
              name: 'cinder-csi-plugin',
              image: img.plugin,
              imagePullPolicy: 'IfNotPresent',
              args: [
                '/bin/cinder-csi-plugin',
                '--endpoint=$(CSI_ENDPOINT)',
                '--provide-controller-service=false',
                '--cloud-config=$(CLOUD_CONFIG)',
                '--v=1',
              ],
              env: [
                { name: 'CSI_ENDPOINT', value: 'unix://csi/csi.sock' },
                { name: 'CLOUD_CONFIG', value: '/etc/config/cloud.conf' },
              ],
              // Mounting block devices into pods needs a privileged container with mount propagation.
              securityContext: {
                privileged: true,
                capabilities: { add: ['SYS_ADMIN'] },
                allowPrivilegeEscalation: true,
              },
              ports: [{ name: 'healthz', containerPort: 9808, protocol: 'TCP' }],
              livenessProbe: healthProbe,
              volumeMounts: [
                { name: 'socket-dir', mountPath: '/csi' },
                { name: 'kubelet-dir', mountPath: '/var/lib/kubelet', mountPropagation: 'Bidirectional' },
                { name: 'pods-probe-dir', mountPath: '/dev', mountPropagation: 'HostToContainer' },
                ...cloudMounts,
              ],
            },
          ],
          volumes: [
            hostPath('socket-dir', pluginDir, 'DirectoryOrCreate'),
            hostPath('registration-dir', '/var/lib/kubelet/plugins_registry/', 'Directory'),
            hostPath('kubelet-dir', '/var/lib/kubelet', 'Directory'),
            hostPath('pods-probe-dir', '/dev', 'Directory'),
            ...cloudVolumes,
          ],
        },
      },
    },
  });
  cinderStorageClasses(scope, labels);
}

export const cinderCsi: AddonDefinition = {
  name: NAME,
  description: 'Cinder CSI (controller + node plugin), default StorageClass csi-cinder-sc-delete, csi-cinder-sc-retain',
  namespace: NS,
  phase: 'csi',
  // After the control plane, with the CCM it depends on (an addon never moves before its dependencies): the
  // Cinder CSI plugin is released per Kubernetes minor by cloud-provider-openstack like the OCCM, and its sidecars
  // (external-provisioner, -attacher, -resizer) watch storage APIs of the kube-apiserver, so the new release goes
  // in once the API server is new and before the workers whose kubelets call its node plugin are replaced.
  upgrade: 'AfterControlPlaneUpgrade',
  dependsOn: ['openstack-ccm'],
  releases: cinderReleases,
  inputs: [{ path: 'cluster.name', type: 'string', description: 'Cluster name, tags Cinder volumes (--cluster)' }],
  build: buildCinderCsi,
};
