import { Construct } from 'constructs';
import { AddonDefinition, releaseFor } from '../../src/model/addon';
import { StackContext } from '../../src/model/stack';
import { addonLabels, k8s, q, rule, selectorLabels } from '../common';
import { metricsServerReleases } from './facts';

const NS = 'kube-system';
const NAME = 'metrics-server';

export const metricsReaderRules = [rule(['metrics.k8s.io'], ['pods', 'nodes'], ['get', 'list', 'watch'])];
export const metricsServerRules = [
  rule([''], ['nodes/metrics'], ['get']),
  rule([''], ['pods', 'nodes'], ['get', 'list', 'watch']),
];

export function buildMetricsServer(scope: Construct, ctx: StackContext): void {
  const rel = releaseFor(metricsServer, ctx.minor);
  // SCS adds the cluster's API endpoint host as a `domain` label (scs-cluster-stacks.md §2.1).
  const labels = addonLabels(NAME);
  new k8s.KubeServiceAccount(scope, 'sa', { metadata: { name: NAME, namespace: NS, labels } });
  new k8s.KubeClusterRole(scope, 'reader', {
    metadata: {
      name: 'system:metrics-server-aggregated-reader',
      labels: {
        ...labels,
        'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
        'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
        'rbac.authorization.k8s.io/aggregate-to-view': 'true',
      },
    },
    rules: metricsReaderRules,
  });
  new k8s.KubeClusterRole(scope, 'role', {
    metadata: { name: 'system:metrics-server', labels },
    rules: metricsServerRules,
  });
  const subjects = [{ kind: 'ServiceAccount', name: NAME, namespace: NS }];
  new k8s.KubeClusterRoleBinding(scope, 'binding', {
    metadata: { name: 'system:metrics-server', labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:metrics-server' },
    subjects,
  });
  new k8s.KubeClusterRoleBinding(scope, 'auth-delegator', {
    metadata: { name: 'metrics-server:system:auth-delegator', labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
    subjects,
  });
  new k8s.KubeRoleBinding(scope, 'auth-reader', {
    metadata: { name: 'metrics-server-auth-reader', namespace: NS, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extension-apiserver-authentication-reader' },
    subjects,
  });
  const sel = selectorLabels(NAME, 'server');
  new k8s.KubeService(scope, 'service', {
    metadata: { name: NAME, namespace: NS, labels },
    spec: {
      selector: sel,
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: k8s.IntOrString.fromString('https') }],
    },
  });
  const probe = (path: string, failureThreshold: number) => ({
    httpGet: { path, port: k8s.IntOrString.fromString('https'), scheme: 'HTTPS' },
    periodSeconds: 10,
    failureThreshold,
    initialDelaySeconds: path === '/readyz' ? 20 : 0,
  });
  new k8s.KubeDeployment(scope, 'deployment', {
    metadata: { name: NAME, namespace: NS, labels: { ...labels, domain: '{{controlPlaneEndpoint.host}}' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: sel },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0) } },
      template: {
        metadata: { labels: { ...sel, 'app.kubernetes.io/managed-by': 'cskit' } },
        spec: {
          serviceAccountName: NAME,
          automountServiceAccountToken: true,
          priorityClassName: 'system-cluster-critical',
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          containers: [
            {
              name: 'metrics-server',
              image: rel.images.server,
              imagePullPolicy: 'IfNotPresent',
              args: [
                '--secure-port=10250',
                '--cert-dir=/tmp',
                '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
                '--kubelet-use-node-status-port',
                '--metric-resolution=15s',
                // SCS passes this: kubelet serving certificates are self-signed in CAPI clusters.
                '--kubelet-insecure-tls',
              ],
              ports: [{ name: 'https', containerPort: 10250, protocol: 'TCP' }],
              livenessProbe: probe('/livez', 3),
              readinessProbe: probe('/readyz', 3),
              resources: { requests: { cpu: q('100m'), memory: q('200Mi') } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                runAsUser: 1000,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  });
  new k8s.KubeApiService(scope, 'apiservice', {
    metadata: { name: 'v1beta1.metrics.k8s.io', labels },
    spec: {
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      groupPriorityMinimum: 100,
      versionPriority: 100,
      insecureSkipTlsVerify: true,
      service: { name: NAME, namespace: NS, port: 443 },
    },
  });
}

export const metricsServer: AddonDefinition = {
  name: NAME,
  description: 'metrics-server (resource metrics API for HPA and kubectl top)',
  namespace: NS,
  phase: 'metrics',
  // After the whole cluster: metrics-server is an aggregated API server (not newer than the kube-apiserver, as
  // for Kubernetes' own components) that reads every kubelet's resource metrics; nothing else waits for it, so it
  // moves last, when every kubelet runs the new minor, and never holds CAPI back.
  upgrade: 'AfterClusterUpgrade',
  releases: metricsServerReleases,
  inputs: [
    {
      path: 'controlPlaneEndpoint.host',
      type: 'string',
      description: 'API endpoint host, set as the `domain` label (as SCS does)',
    },
  ],
  build: buildMetricsServer,
};
