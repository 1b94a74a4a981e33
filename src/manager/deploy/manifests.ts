/**
 * `cskit manager manifests`: everything that runs the manager inside a management cluster, synthesized with cdk8s
 * (cdk8s-plus-27 for the Namespace, ServiceAccount, roles, bindings, Deployment and Service; plain ApiObjects for
 * the kinds it has no construct for: our CRDs, the ExtensionConfig, the PodDisruptionBudget, cert-manager's
 * Issuer and Certificate). Versioned with the package (the image tag and the app.kubernetes.io/version label).
 *
 * The hook server's certificate (docs/manager.md, "Operations"): cert-manager (a Cluster API prerequisite,
 * `clusterctl init` installs it) issues it into the Secret `cskit-manager-tls`, the pod mounts it, and Cluster API
 * copies its `ca.crt` into the ExtensionConfig's caBundle (annotation runtime.cluster.x-k8s.io/inject-ca-from-secret).
 * So the manager needs no right to write Secrets or its ExtensionConfig. `tls: 'secret'` leaves the Issuer and
 * Certificate out for those who bring that Secret themselves.
 */
import { ApiObject, App, Chart, Duration, Size, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { MANAGER_MANIFEST_FILE } from '../../dist/output';
import { bundleCrd } from '../../model/addon-bundle-crd';
import { KObject } from '../../model/object';
import { clusterAddonsCrd } from '../crd';
import { DEFAULT_KUBECONFIG_SECRET } from '../secret-template';
import { Rule, rulesFor } from './rbac';

export const MANAGER_NAME = 'cskit-manager';
export const DEFAULT_NAMESPACE = 'cskit-system';
export const TLS_SECRET = 'cskit-manager-tls';
/** The ExtensionConfig name CAPI prefixes the handlers with (the manager's --extension-name default). */
export const EXTENSION_NAME = 'cskit-addons';
/** Ports: the Runtime SDK hooks (the manager's --hook-port default) and metrics/health (wt/ops: /metrics etc.). */
export const HOOK_PORT = 9443;
export const METRICS_PORT = 8080;
/** The image's numeric non-root user (Dockerfile `USER`): runAsNonRoot can only be checked for a numeric user. */
export const RUN_AS_USER = 65532;
const TLS_DIR = '/etc/cskit-manager/tls';

export interface ManifestOptions {
  /** The package version: image tag and version label. */
  readonly version: string;
  /** Image reference; default `localhost/cskit:<version>` (what `docker build -t` of the Dockerfile names it). */
  readonly image?: string;
  readonly namespace?: string;
  readonly replicas?: number;
  readonly kubeconfigSecret?: string;
  /** Where the serving certificate comes from. */
  readonly tls?: 'cert-manager' | 'secret';
  /** Rule ids to leave out (the RBAC e2e proves each one is needed). */
  readonly withoutRules?: readonly string[];
  /**
   * One shard of a fleet split between manager Deployments: its objects, Lease and ExtensionConfig are named
   * `cskit-manager-<shard>` / `cskit-addons-<shard>`, so shards live side by side in one namespace.
   */
  readonly shard?: string;
  /** The Clusters this manager owns (label selector, the manager's --selector); required with a shard. */
  readonly selector?: string;
}

/** The names of one manager Deployment's objects: `cskit-manager…`, or `cskit-manager-<shard>…` for a shard. */
export function manifestNames(shard?: string) {
  const base = shard ? `${MANAGER_NAME}-${shard}` : MANAGER_NAME;
  return {
    base,
    /** Where the serving certificate is (cert-manager writes it, the pod mounts it). */
    tlsSecret: `${base}-tls`,
    extension: shard ? `${EXTENSION_NAME}-${shard}` : EXTENSION_NAME,
    /** The leader-election Lease (the manager's default name without a shard). */
    lease: base,
  };
}

export const defaultImage = (version: string): string => `localhost/cskit:${version}`;

/** The container arguments of the manager in the cluster. */
export function managerArgs(o: Pick<ManifestOptions, 'kubeconfigSecret' | 'shard' | 'selector'> = {}): string[] {
  return [
    'manager',
    '--leader-elect',
    ...(o.shard ? ['--leader-elect-lease-name', manifestNames(o.shard).lease] : []),
    ...(o.selector ? ['--selector', o.selector] : []),
    '--no-install-crd',
    '--kubeconfig-secret',
    o.kubeconfigSecret ?? DEFAULT_KUBECONFIG_SECRET,
    '--hook-host',
    '0.0.0.0',
    '--hook-port',
    String(HOOK_PORT),
    '--tls-cert-file',
    `${TLS_DIR}/tls.crt`,
    '--tls-key-file',
    `${TLS_DIR}/tls.key`,
    '--tls-ca-file',
    `${TLS_DIR}/ca.crt`,
  ];
}

const resource = (r: Rule, resourceName?: string): kplus.IApiEndpoint & kplus.IApiResource => {
  const api = { apiGroup: r.apiGroup, resourceType: r.resource, resourceName };
  return { ...api, asApiResource: () => api, asNonApiResource: () => undefined };
};
/** One endpoint per allowed name (cdk8s-plus writes one rule each), or the whole resource. */
const endpoints = (r: Rule) => (r.resourceNames ?? [undefined]).map((n) => resource(r, n));

/** The synthesized objects, in cdk8s order (CRDs and the Namespace first is apply's business: it orders by kind). */
export function managerManifests(o: ManifestOptions): KObject[] {
  const ns = o.namespace ?? DEFAULT_NAMESPACE;
  if (o.shard && !o.selector)
    throw new Error('a shard needs a selector: without one it would take every Cluster and overlap the other shards');
  const n = manifestNames(o.shard);
  // On every object, the same in every shard (the Namespace and CRDs are shared: applying two shards must agree).
  const labels = {
    'app.kubernetes.io/name': MANAGER_NAME,
    'app.kubernetes.io/part-of': 'cskit',
    'app.kubernetes.io/version': o.version,
  };
  // The pods of this Deployment (of this shard): what its Service and PodDisruptionBudget select.
  const select = { 'app.kubernetes.io/name': n.base };
  const app = new App({ outdir: '.cskit-unused' });
  // No chart namespace: it would be stamped on the cluster-scoped objects too.
  const chart = new Chart(app, n.base, { disableResourceNameHashes: true, labels });
  const meta = (name: string) => ({ name, namespace: ns });

  for (const crd of [clusterAddonsCrd(), bundleCrd()])
    new ApiObject(chart, `crd-${crd.metadata?.name}`, crd as ConstructorParameters<typeof ApiObject>[2]);
  new kplus.Namespace(chart, 'namespace', { metadata: { name: ns } });
  const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: meta(n.base), automountToken: true });

  const rules = rulesFor(n.lease).filter((r) => !o.withoutRules?.includes(r.id));
  const cluster = new kplus.ClusterRole(chart, 'clusterrole', { metadata: { name: n.base } });
  const local = new kplus.Role(chart, 'role', { metadata: meta(n.base) });
  for (const r of rules) (r.scope === 'cluster' ? cluster : local).allow([...r.verbs], ...endpoints(r));
  new kplus.ClusterRoleBinding(chart, 'clusterrolebinding', {
    metadata: { name: n.base },
    role: cluster,
  }).addSubjects(sa);
  new kplus.RoleBinding(chart, 'rolebinding', { metadata: meta(n.base), role: local }).addSubjects(sa);

  const deployment = new kplus.Deployment(chart, 'deployment', {
    metadata: meta(n.base),
    replicas: o.replicas ?? 2,
    select: false,
    podMetadata: { labels: { ...labels, ...select } },
    serviceAccount: sa,
    automountServiceAccountToken: true,
    securityContext: { ensureNonRoot: true, user: RUN_AS_USER, group: RUN_AS_USER, fsGroup: RUN_AS_USER },
    // A new pod must be up before an old one goes: hooks with failurePolicy Fail are answered throughout a rollout.
    strategy: kplus.DeploymentStrategy.rollingUpdate({
      maxSurge: kplus.PercentOrAbsolute.absolute(1),
      maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
    }),
    containers: [
      {
        name: 'manager',
        image: o.image ?? defaultImage(o.version),
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        args: managerArgs(o),
        ports: [
          { name: 'hooks', number: HOOK_PORT },
          { name: 'metrics', number: METRICS_PORT },
        ],
        // Node's compile cache and HOME live in /tmp (an emptyDir): the root filesystem is read-only.
        envVariables: { HOME: kplus.EnvValue.fromValue('/tmp') },
        securityContext: {
          ensureNonRoot: true,
          user: RUN_AS_USER,
          group: RUN_AS_USER,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          privileged: false,
        },
        resources: {
          cpu: { request: kplus.Cpu.millis(50) },
          memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) },
        },
        liveness: kplus.Probe.fromHttpGet('/healthz', { port: METRICS_PORT, periodSeconds: Duration.seconds(20) }),
        readiness: kplus.Probe.fromHttpGet('/readyz', { port: METRICS_PORT, periodSeconds: Duration.seconds(10) }),
      },
    ],
  });
  deployment.select(kplus.LabelSelector.of({ labels: select }));
  const tlsSecret = kplus.Secret.fromSecretName(chart, 'tls-secret', n.tlsSecret);
  deployment.containers[0].mount(TLS_DIR, kplus.Volume.fromSecret(chart, 'tls-volume', tlsSecret, { name: 'tls' }), {
    readOnly: true,
  });
  deployment.containers[0].mount('/tmp', kplus.Volume.fromEmptyDir(chart, 'tmp-volume', 'tmp'));

  new kplus.Service(chart, 'service', {
    metadata: meta(n.base),
    selector: kplus.Pods.select(chart, 'pods', { labels: select }),
    ports: [
      { name: 'hooks', port: 443, targetPort: HOOK_PORT },
      { name: 'metrics', port: METRICS_PORT, targetPort: METRICS_PORT },
    ],
  });

  new ApiObject(chart, 'pdb', {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(n.base),
    spec: { minAvailable: 1, selector: { matchLabels: select } },
  });

  new ApiObject(chart, 'extension-config', {
    apiVersion: 'runtime.cluster.x-k8s.io/v1beta2',
    kind: 'ExtensionConfig',
    metadata: {
      name: n.extension,
      // Cluster API's ExtensionConfig controller copies ca.crt of this Secret into spec.clientConfig.caBundle.
      annotations: { 'runtime.cluster.x-k8s.io/inject-ca-from-secret': `${ns}/${n.tlsSecret}` },
    },
    spec: {
      clientConfig: { service: { name: n.base, namespace: ns, port: 443 } },
      namespaceSelector: {},
    },
  });

  if ((o.tls ?? 'cert-manager') === 'cert-manager') {
    // A CA of our own between the self-signed root and the serving certificate: renewing the serving certificate
    // keeps ca.crt (what CAPI trusts) the same, so a pod still serving the previous certificate stays trusted.
    const issuer = (id: string, name: string, spec: object) =>
      new ApiObject(chart, id, { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: meta(name), spec });
    const certificate = (id: string, name: string, spec: object) =>
      new ApiObject(chart, id, { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: meta(name), spec });
    issuer('selfsigned-issuer', `${n.base}-selfsigned`, { selfSigned: {} });
    certificate('ca-certificate', `${n.base}-ca`, {
      isCA: true,
      commonName: `${n.base}-ca`,
      secretName: `${n.base}-ca`,
      duration: '87600h',
      privateKey: { algorithm: 'ECDSA', size: 256 },
      issuerRef: { kind: 'Issuer', name: `${n.base}-selfsigned` },
    });
    issuer('ca-issuer', `${n.base}-ca`, { ca: { secretName: `${n.base}-ca` } });
    certificate('serving-certificate', n.tlsSecret, {
      secretName: n.tlsSecret,
      // CAPI dials https://<service>.<namespace>.svc (the TLS server name).
      dnsNames: [`${n.base}.${ns}.svc`, `${n.base}.${ns}.svc.cluster.local`],
      // Renewed 30 days before it ends; the manager re-reads the mounted files (server.ts), no restart needed.
      duration: '8760h',
      renewBefore: '720h',
      privateKey: { algorithm: 'ECDSA', size: 256 },
      issuerRef: { kind: 'Issuer', name: `${n.base}-ca` },
    });
  }
  return (chart.toJson() as KObject[]).map(tidy);
}

/**
 * What cdk8s-plus adds that we do not want: the construct-address label on the pods (the selector is explicit, and
 * the address would change with the construct tree, rolling the pods for nothing) and empty resourceNames lists.
 */
function tidy(o: KObject): KObject {
  const labels = o.spec?.template?.metadata?.labels;
  if (labels) delete labels[kplus.Pod.ADDRESS_LABEL];
  for (const r of (o.rules ?? []) as Array<{ resourceNames?: unknown[] }>)
    if (r.resourceNames?.length === 0) delete r.resourceNames;
  return o;
}

/** The YAML `cskit manager manifests` writes: one file, the documents in the order above. */

export function manifestFiles(o: ManifestOptions): Array<{ path: string; content: string }> {
  return [{ path: MANAGER_MANIFEST_FILE, content: Yaml.stringify(...managerManifests(o)) }];
}
