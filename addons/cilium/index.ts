import { Construct } from 'constructs';
import { AddonDefinition, releaseFor } from '../../src/model/addon';
import { StackContext } from '../../src/model/stack';
import { addonLabels, clusterRbac, hostPath, k8s, q, rule, selectorLabels, tolerateEverything } from '../common';
import { ciliumReleases } from './facts';

const NS = 'kube-system';
const NAME = 'cilium';

/**
 * `cilium-config` keys. Settings follow the SCS scs2 values (scs-cluster-stacks.md §2.1): kubernetes IPAM
 * (pod CIDRs from the node spec), session affinity and SCTP on, kube-proxy kept (no replacement),
 * VXLAN tunnel routing. Hubble, the L7 proxy (separate Envoy DaemonSet) and Gateway API are off: they need
 * components this addon does not ship.
 */
export function ciliumConfig(): Record<string, string> {
  return {
    'agent-not-ready-taint-key': 'node.cilium.io/agent-not-ready',
    'auto-direct-node-routes': 'false',
    'bpf-map-dynamic-size-ratio': '0.0025',
    'cluster-id': '0',
    'cluster-name': 'default',
    'cni-exclusive': 'true',
    'cni-log-file': '/var/run/cilium/cilium-cni.log',
    'custom-cni-conf': 'false',
    'enable-endpoint-health-checking': 'true',
    'enable-health-checking': 'true',
    'enable-hubble': 'false',
    'enable-ipv4': 'true',
    'enable-ipv6': 'false',
    'enable-l7-proxy': 'false',
    'enable-policy': 'default',
    'enable-sctp': 'true',
    'enable-session-affinity': 'true',
    'external-envoy-proxy': 'false',
    'identity-allocation-mode': 'crd',
    'install-no-conntrack-iptables-rules': 'false',
    ipam: 'kubernetes',
    'k8s-require-ipv4-pod-cidr': 'true',
    'kube-proxy-replacement': 'false',
    'operator-api-serve-addr': '127.0.0.1:9234',
    'routing-mode': 'tunnel',
    'tunnel-protocol': 'vxlan',
    'write-cni-conf-when-ready': '/host/etc/cni/net.d/05-cilium.conflist',
  };
}

const ciliumCrs = [
  'ciliumbgpadvertisements',
  'ciliumbgpclusterconfigs',
  'ciliumbgpnodeconfigoverrides',
  'ciliumbgpnodeconfigs',
  'ciliumbgppeerconfigs',
  'ciliumcidrgroups',
  'ciliumclusterwideenvoyconfigs',
  'ciliumclusterwidenetworkpolicies',
  'ciliumegressgatewaypolicies',
  'ciliumendpoints',
  'ciliumendpointslices',
  'ciliumenvoyconfigs',
  'ciliumidentities',
  'ciliuml2announcementpolicies',
  'ciliumloadbalancerippools',
  'ciliumlocalredirectpolicies',
  'ciliumnetworkpolicies',
  'ciliumnodeconfigs',
  'ciliumnodes',
  'ciliumpodippools',
];

/** RBAC of the agent: watch what it enforces, own its endpoints/identities/node object. */
export const agentRules = [
  rule(['networking.k8s.io'], ['networkpolicies'], ['get', 'list', 'watch']),
  rule(['discovery.k8s.io'], ['endpointslices'], ['get', 'list', 'watch']),
  rule([''], ['namespaces', 'services', 'pods', 'endpoints', 'nodes'], ['get', 'list', 'watch']),
  rule([''], ['pods/status', 'nodes/status'], ['patch']),
  rule(['apiextensions.k8s.io'], ['customresourcedefinitions'], ['get', 'list', 'watch']),
  rule(['cilium.io'], ciliumCrs, ['get', 'list', 'watch']),
  rule(['cilium.io'], ['ciliumidentities'], ['create']),
  rule(['cilium.io'], ['ciliumendpoints'], ['create', 'delete', 'get', 'update', 'patch']),
  rule(['cilium.io'], ['ciliumnodes', 'ciliumnodes/status'], ['get', 'update', 'patch']),
  rule(
    ['cilium.io'],
    ['ciliumendpoints/status', 'ciliuml2announcementpolicies/status', 'ciliumbgpnodeconfigs/status'],
    ['patch'],
  ),
];

/** RBAC of the operator: registers Cilium CRDs, garbage-collects identities/endpoints, removes the not-ready taint. */
export const operatorRules = [
  rule([''], ['pods'], ['get', 'list', 'watch', 'delete']),
  rule([''], ['configmaps'], ['patch']),
  rule([''], ['nodes'], ['list', 'watch']),
  rule([''], ['nodes', 'nodes/status'], ['patch']),
  rule(['discovery.k8s.io'], ['endpointslices'], ['get', 'list', 'watch']),
  rule([''], ['services/status'], ['update', 'patch']),
  rule([''], ['namespaces', 'secrets', 'services', 'endpoints'], ['get', 'list', 'watch']),
  rule(
    ['cilium.io'],
    [
      'ciliumnetworkpolicies',
      'ciliumnetworkpolicies/status',
      'ciliumclusterwidenetworkpolicies',
      'ciliumclusterwidenetworkpolicies/status',
    ],
    ['create', 'update', 'deletecollection', 'patch', 'get', 'list', 'watch'],
  ),
  rule(['cilium.io'], ['ciliumendpoints', 'ciliumidentities'], ['delete', 'list', 'watch']),
  rule(['cilium.io'], ['ciliumidentities'], ['update', 'create']),
  rule(['cilium.io'], ['ciliumnodes'], ['create', 'update', 'get', 'list', 'watch', 'delete']),
  rule(['cilium.io'], ['ciliumnodes/status'], ['update']),
  rule(
    ['cilium.io'],
    [
      'ciliumendpointslices',
      'ciliumenvoyconfigs',
      'ciliumbgppeerconfigs',
      'ciliumbgpadvertisements',
      'ciliumbgpnodeconfigs',
    ],
    ['create', 'update', 'get', 'list', 'watch', 'delete', 'patch'],
  ),
  rule(
    ['cilium.io'],
    [
      'ciliumloadbalancerippools',
      'ciliumpodippools',
      'ciliumbgpclusterconfigs',
      'ciliumbgpnodeconfigoverrides',
      'ciliumcidrgroups',
      'ciliumnodeconfigs',
      'ciliuml2announcementpolicies',
      'ciliumlocalredirectpolicies',
      'ciliumegressgatewaypolicies',
    ],
    ['get', 'list', 'watch'],
  ),
  rule(
    ['cilium.io'],
    [
      'ciliumloadbalancerippools/status',
      'ciliumpodippools/status',
      'ciliumbgpclusterconfigs/status',
      'ciliumbgppeerconfigs/status',
      'ciliumlocalredirectpolicies/status',
    ],
    ['patch'],
  ),
  rule(['apiextensions.k8s.io'], ['customresourcedefinitions'], ['create', 'get', 'list', 'watch', 'update']),
  rule(['coordination.k8s.io'], ['leases'], ['create', 'get', 'update']),
];

const env = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });

/** Builds the Cilium agent, operator, config and RBAC for one Kubernetes minor. */
export function buildCilium(scope: Construct, ctx: StackContext): void {
  const rel = releaseFor(cilium, ctx.minor);
  const labels = addonLabels(NAME);
  new k8s.KubeConfigMap(scope, 'config', {
    metadata: { name: 'cilium-config', namespace: NS, labels },
    data: ciliumConfig(),
  });
  clusterRbac(scope, { name: 'cilium', namespace: NS, labels: addonLabels(NAME, 'agent'), rules: agentRules });
  clusterRbac(scope, {
    name: 'cilium-operator',
    namespace: NS,
    labels: addonLabels(NAME, 'operator'),
    rules: operatorRules,
  });

  const agentSel = selectorLabels(NAME, 'agent');
  const caps = [
    'CHOWN',
    'KILL',
    'NET_ADMIN',
    'NET_RAW',
    'IPC_LOCK',
    'SYS_MODULE',
    'SYS_ADMIN',
    'SYS_RESOURCE',
    'DAC_OVERRIDE',
    'FOWNER',
    'SETGID',
    'SETUID',
  ];
  const spcT = { seLinuxOptions: { level: 's0', type: 'spc_t' } };
  const health = (failureThreshold: number, periodSeconds: number) => ({
    httpGet: {
      host: '127.0.0.1',
      path: '/healthz',
      port: k8s.IntOrString.fromNumber(9879),
      scheme: 'HTTP',
      httpHeaders: [{ name: 'brief', value: 'true' }],
    },
    failureThreshold,
    periodSeconds,
    successThreshold: 1,
  });
  new k8s.KubeDaemonSet(scope, 'agent', {
    metadata: { name: 'cilium', namespace: NS, labels: addonLabels(NAME, 'agent') },
    spec: {
      selector: { matchLabels: agentSel },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(2) } },
      template: {
        metadata: { labels: { ...agentSel, 'app.kubernetes.io/managed-by': 'cskit' } },
        spec: {
          serviceAccountName: 'cilium',
          automountServiceAccountToken: true,
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 1,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: tolerateEverything,
          initContainers: [
            {
              name: 'config',
              image: rel.images.agent,
              imagePullPolicy: 'IfNotPresent',
              command: ['cilium-dbg', 'build-config'],
              env: [env('K8S_NODE_NAME', 'spec.nodeName'), env('CILIUM_K8S_NAMESPACE', 'metadata.namespace')],
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
            {
              name: 'mount-cgroup',
              image: rel.images.agent,
              imagePullPolicy: 'IfNotPresent',
              env: [
                { name: 'CGROUP_ROOT', value: '/run/cilium/cgroupv2' },
                { name: 'BIN_PATH', value: '/opt/cni/bin' },
              ],
              // Copies cilium-mount onto the host and runs it in the host's mount namespace (pid 1).
              command: [
                'sh',
                '-ec',
                'cp /usr/bin/cilium-mount /hostbin/cilium-mount; nsenter --cgroup=/hostproc/1/ns/cgroup ' +
                  '--mount=/hostproc/1/ns/mnt "${BIN_PATH}/cilium-mount" $CGROUP_ROOT; rm /hostbin/cilium-mount',
              ],
              volumeMounts: [
                { name: 'hostproc', mountPath: '/hostproc' },
                { name: 'cni-path', mountPath: '/hostbin' },
              ],
              securityContext: {
                ...spcT,
                capabilities: { add: ['SYS_ADMIN', 'SYS_CHROOT', 'SYS_PTRACE'], drop: ['ALL'] },
              },
            },
            {
              name: 'apply-sysctl-overwrites',
              image: rel.images.agent,
              imagePullPolicy: 'IfNotPresent',
              env: [{ name: 'BIN_PATH', value: '/opt/cni/bin' }],
              command: [
                'sh',
                '-ec',
                'cp /usr/bin/cilium-sysctlfix /hostbin/cilium-sysctlfix; nsenter --mount=/hostproc/1/ns/mnt ' +
                  '"${BIN_PATH}/cilium-sysctlfix"; rm /hostbin/cilium-sysctlfix',
              ],
              volumeMounts: [
                { name: 'hostproc', mountPath: '/hostproc' },
                { name: 'cni-path', mountPath: '/hostbin' },
              ],
              securityContext: {
                ...spcT,
                capabilities: { add: ['SYS_ADMIN', 'SYS_CHROOT', 'SYS_PTRACE'], drop: ['ALL'] },
              },
            },
            {
              name: 'mount-bpf-fs',
              image: rel.images.agent,
              imagePullPolicy: 'IfNotPresent',
              command: ['/bin/bash', '-c', '--'],
              args: ['mount | grep "/sys/fs/bpf type bpf" || mount -t bpf bpf /sys/fs/bpf'],
              securityContext: { privileged: true },
              volumeMounts: [{ name: 'bpf-maps', mountPath: '/sys/fs/bpf', mountPropagation: 'Bidirectional' }],
            },
            {
              name: 'clean-cilium-state',
              image: rel.images.agent,
              imagePullPolicy: 'IfNotPresent',
              command: ['/init-container.sh'],
              env: [
                {
                  name: 'CILIUM_ALL_STATE',
                  valueFrom: { configMapKeyRef: { name: 'cilium-config', key: 'clean-cilium-state', optional: true } },
                },
                {
                  name: 'CILIUM_BPF_STATE',
                  valueFrom: {
                    configMapKeyRef: { name: 'cilium-config', key: 'clean-cilium-bpf-state', optional: true },
                  },
                },
                {
                  name: 'WRITE_CNI_CONF_WHEN_READY',
                  valueFrom: {
                    configMapKeyRef: { name: 'cilium-config', key: 'write-cni-conf-when-ready', optional: true },
                  },
                },
              ],
              securityContext: {
                ...spcT,
                capabilities: { add: ['NET_ADMIN', 'SYS_MODULE', 'SYS_ADMIN', 'SYS_RESOURCE'], drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'bpf-maps', mountPath: '/sys/fs/bpf' },
                { name: 'cilium-cgroup', mountPath: '/run/cilium/cgroupv2', mountPropagation: 'HostToContainer' },
                { name: 'cilium-run', mountPath: '/var/run/cilium' },
              ],
            },
            {
              name: 'install-cni-binaries',
              image: rel.images.agent,
              imagePullPolicy: 'IfNotPresent',
              command: ['/install-plugin.sh'],
              resources: { requests: { cpu: q('100m'), memory: q('10Mi') } },
              securityContext: { ...spcT, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'cni-path', mountPath: '/host/opt/cni/bin' }],
            },
          ],
          containers: [
            {
              name: 'cilium-agent',
              image: rel.images.agent,
              imagePullPolicy: 'IfNotPresent',
              command: ['cilium-agent'],
              args: ['--config-dir=/tmp/cilium/config-map'],
              env: [
                env('K8S_NODE_NAME', 'spec.nodeName'),
                env('CILIUM_K8S_NAMESPACE', 'metadata.namespace'),
                { name: 'CILIUM_CLUSTERMESH_CONFIG', value: '/var/lib/cilium/clustermesh/' },
                { name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: q('1') } } },
              ],
              startupProbe: { ...health(105, 2), initialDelaySeconds: 5 },
              livenessProbe: { ...health(10, 30), timeoutSeconds: 5 },
              readinessProbe: { ...health(3, 30), timeoutSeconds: 5 },
              lifecycle: { preStop: { exec: { command: ['/cni-uninstall.sh'] } } },
              securityContext: { ...spcT, capabilities: { add: caps, drop: ['ALL'] } },
              terminationMessagePolicy: 'FallbackToLogsOnError',
              volumeMounts: [
                { name: 'host-proc-sys-net', mountPath: '/host/proc/sys/net' },
                { name: 'host-proc-sys-kernel', mountPath: '/host/proc/sys/kernel' },
                { name: 'bpf-maps', mountPath: '/sys/fs/bpf', mountPropagation: 'HostToContainer' },
                { name: 'cilium-run', mountPath: '/var/run/cilium' },
                { name: 'etc-cni-netd', mountPath: '/host/etc/cni/net.d' },
                { name: 'lib-modules', mountPath: '/lib/modules', readOnly: true },
                { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'tmp', emptyDir: {} },
            hostPath('cilium-run', '/var/run/cilium', 'DirectoryOrCreate'),
            hostPath('bpf-maps', '/sys/fs/bpf', 'DirectoryOrCreate'),
            hostPath('hostproc', '/proc', 'Directory'),
            hostPath('cilium-cgroup', '/run/cilium/cgroupv2', 'DirectoryOrCreate'),
            hostPath('cni-path', '/opt/cni/bin', 'DirectoryOrCreate'),
            hostPath('etc-cni-netd', '/etc/cni/net.d', 'DirectoryOrCreate'),
            hostPath('lib-modules', '/lib/modules'),
            hostPath('xtables-lock', '/run/xtables.lock', 'FileOrCreate'),
            hostPath('host-proc-sys-net', '/proc/sys/net', 'Directory'),
            hostPath('host-proc-sys-kernel', '/proc/sys/kernel', 'Directory'),
          ],
        },
      },
    },
  });

  const opSel = selectorLabels(NAME, 'operator');
  new k8s.KubeDeployment(scope, 'operator', {
    metadata: { name: 'cilium-operator', namespace: NS, labels: addonLabels(NAME, 'operator') },
    spec: {
      replicas: 2,
      selector: { matchLabels: opSel },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(0), maxUnavailable: k8s.IntOrString.fromNumber(1) },
      },
      template: {
        metadata: { labels: { ...opSel, 'app.kubernetes.io/managed-by': 'cskit' } },
        spec: {
          serviceAccountName: 'cilium-operator',
          automountServiceAccountToken: true,
          // Host network: the operator must run before the CNI it installs is ready.
          hostNetwork: true,
          priorityClassName: 'system-cluster-critical',
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: tolerateEverything,
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: opSel }, topologyKey: 'kubernetes.io/hostname' },
              ],
            },
          },
          containers: [
            {
              name: 'cilium-operator',
              image: rel.images.operator,
              imagePullPolicy: 'IfNotPresent',
              command: ['cilium-operator-generic'],
              args: ['--config-dir=/tmp/cilium/config-map'],
              env: [env('K8S_NODE_NAME', 'spec.nodeName'), env('CILIUM_K8S_NAMESPACE', 'metadata.namespace')],
              livenessProbe: {
                httpGet: {
                  host: '127.0.0.1',
                  path: '/healthz',
                  port: k8s.IntOrString.fromNumber(9234),
                  scheme: 'HTTP',
                },
                initialDelaySeconds: 60,
                periodSeconds: 10,
                timeoutSeconds: 3,
              },
              readinessProbe: {
                httpGet: {
                  host: '127.0.0.1',
                  path: '/healthz',
                  port: k8s.IntOrString.fromNumber(9234),
                  scheme: 'HTTP',
                },
                initialDelaySeconds: 0,
                periodSeconds: 5,
                timeoutSeconds: 3,
                failureThreshold: 5,
              },
              terminationMessagePolicy: 'FallbackToLogsOnError',
              volumeMounts: [{ name: 'cilium-config-path', mountPath: '/tmp/cilium/config-map', readOnly: true }],
            },
          ],
          volumes: [{ name: 'cilium-config-path', configMap: { name: 'cilium-config' } }],
        },
      },
    },
  });
}

export const cilium: AddonDefinition = {
  name: NAME,
  description: 'Cilium CNI (agent DaemonSet, operator), kubernetes IPAM',
  namespace: NS,
  phase: 'cni',
  // Before the upgrade: KCP rolls control plane machines first, and each new machine (new kubelet) is NotReady
  // until the CNI agent runs on it, so the release meant for the new minor must be in place before the first new
  // machine joins. Cilium has no "not newer than the kube-apiserver" rule (it is not a Kubernetes component in
  // the skew policy) and each Cilium release supports a range of Kubernetes minors; the releases we ship
  // (facts.ts: 1.19.4 for 1.35-1.37) cover both sides of every adjacent upgrade of our stacks.
  upgrade: 'BeforeClusterUpgrade',
  releases: ciliumReleases,
  inputs: [],
  build: buildCilium,
};
