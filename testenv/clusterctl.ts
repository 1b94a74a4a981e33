/**
 * The real clusterctl for the `clusterctl move` e2e test, and what `clusterctl init` leaves in a management cluster
 * that testenv/capi.ts does not (it installs Cluster API from the Go modules, not with clusterctl):
 *   - the labels clusterctl puts on every component it installs (`clusterctl.cluster.x-k8s.io: ""` and
 *     `cluster.x-k8s.io/provider: <provider>`, cmd/clusterctl/client/repository/components.go); `clusterctl move`
 *     only discovers kinds whose CRD carries the first one, so without them it would move nothing of Cluster API's;
 *   - the provider inventory: the Provider CRD (read from the cluster-api module, as clusterctl embeds it) and one
 *     Provider object per installed provider, in its namespace, at the version installed. `clusterctl move` checks
 *     that the target has every provider of the source at a version at least as new.
 * Nothing upstream is committed: the manifest comes from the Go module cache like the CRDs of testenv/capi-manifests.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import type { KObject } from '../src/model/object';
import type { CapiEnv } from './capi';
import { goModDir } from './capi-manifests';
import { clusterctlBinDir } from './harness';
import { SetupKube } from './setup-kube';

export const CLUSTERCTL = 'clusterctl';
const CLUSTERCTL_LABEL = 'clusterctl.cluster.x-k8s.io';
const PROVIDER_LABEL = 'cluster.x-k8s.io/provider';

/** The clusterctl binary when it is not built (empty when it is). */
export function missingClusterctl(dir = clusterctlBinDir()): string[] {
  const bin = path.join(dir, CLUSTERCTL);
  return fs.existsSync(bin) ? [] : [bin];
}

export const clusterctlBinary = (): string => path.join(clusterctlBinDir(), CLUSTERCTL);

/**
 * cert-manager's CRDs at the version `clusterctl init` installs (testenv/build.sh copies them from the cert-manager Go
 * module): what a management cluster has for the manager's Issuer and Certificate; nothing of cert-manager runs.
 */
export const certManagerCrdDir = (): string => path.join(clusterctlBinDir(), '..', 'cert-manager-crds');

/** The cert-manager.io Issuer and Certificate CRD files when they are not copied yet (empty when they are). */
export function missingCertManagerCrds(dir = certManagerCrdDir()): string[] {
  return ['cert-manager.io_issuers.yaml', 'cert-manager.io_certificates.yaml']
    .map((f) => path.join(dir, f))
    .filter((f) => !fs.existsSync(f));
}

/** Every CRD of the copied cert-manager.io group, with the version it came from. */
export function certManagerCrds(dir = certManagerCrdDir()): { version: string; crds: KObject[] } {
  const crds = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as KObject))
    .filter((o) => o?.kind === 'CustomResourceDefinition');
  return { version: fs.readFileSync(path.join(dir, '.version'), 'utf8').trim(), crds };
}

/** One provider as clusterctl's inventory names it (ManifestLabel: `cluster-api`, `<type prefix>-<name>`). */
interface ProviderSpec {
  readonly name: string;
  readonly type: 'CoreProvider' | 'BootstrapProvider' | 'ControlPlaneProvider' | 'InfrastructureProvider';
  readonly label: string;
  /** The namespace `clusterctl init` would install it into (the inventory object lives there). */
  readonly namespace: string;
  readonly version: (v: CapiEnv['versions']) => string;
  /** Whether a CRD (group, kind) is one of its components. */
  readonly owns: (group: string, kind: string) => boolean;
}

const INFRA = 'infrastructure.cluster.x-k8s.io';
const PROVIDERS: readonly ProviderSpec[] = [
  {
    name: 'cluster-api',
    type: 'CoreProvider',
    label: 'cluster-api',
    namespace: 'capi-system',
    version: (v) => v.capi,
    owns: (g) =>
      ['cluster.x-k8s.io', 'addons.cluster.x-k8s.io', 'runtime.cluster.x-k8s.io', 'ipam.cluster.x-k8s.io'].includes(g),
  },
  {
    name: 'kubeadm',
    type: 'BootstrapProvider',
    label: 'bootstrap-kubeadm',
    namespace: 'capi-kubeadm-bootstrap-system',
    version: (v) => v.capi,
    owns: (g) => g === 'bootstrap.cluster.x-k8s.io',
  },
  {
    name: 'kubeadm',
    type: 'ControlPlaneProvider',
    label: 'control-plane-kubeadm',
    namespace: 'capi-kubeadm-control-plane-system',
    version: (v) => v.capi,
    owns: (g) => g === 'controlplane.cluster.x-k8s.io',
  },
  {
    name: 'docker',
    type: 'InfrastructureProvider',
    label: 'infrastructure-docker',
    namespace: 'capd-system',
    version: (v) => v.capd,
    owns: (g, k) => g === INFRA && (k.startsWith('Docker') || k.startsWith('Dev')),
  },
  {
    name: 'openstack',
    type: 'InfrastructureProvider',
    label: 'infrastructure-openstack',
    namespace: 'capo-system',
    version: (v) => v.capo,
    owns: (g, k) => g === INFRA && k.startsWith('OpenStack'),
  },
];

async function must(kube: SetupKube, method: string, p: string, body: unknown, type = 'application/json') {
  const r = await kube.request(method, p, body, type);
  if (r.status >= 300) throw new Error(`${method} ${p}: HTTP ${r.status} ${r.body?.message ?? ''}`);
  return r.body;
}

/**
 * Makes a testenv management cluster look as `clusterctl init` would have left it: component labels on the Cluster
 * API and provider CRDs, the inventory CRD, and a Provider object per provider whose CRDs are installed. Returns
 * the inventory entries written (`<namespace>/<name> <version>`).
 */
export async function initAsClusterctl(capi: Pick<CapiEnv, 'kubeconfig' | 'versions'>): Promise<string[]> {
  const kube = new SetupKube(capi.kubeconfig);
  try {
    const crds = (await kube.get('/apis/apiextensions.k8s.io/v1/customresourcedefinitions')).items as Array<{
      metadata: { name: string; labels?: Record<string, string> };
      spec: { group: string; names: { kind: string } };
    }>;
    const installed = new Set<ProviderSpec>();
    for (const crd of crds) {
      const p = PROVIDERS.find((x) => x.owns(crd.spec.group, crd.spec.names.kind));
      if (!p) continue;
      installed.add(p);
      await must(
        kube,
        'PATCH',
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`,
        { metadata: { labels: { [CLUSTERCTL_LABEL]: '', [PROVIDER_LABEL]: p.label } } },
        'application/merge-patch+json',
      );
    }
    const manifest = path.join(
      goModDir(`sigs.k8s.io/cluster-api@${capi.versions.capi}`),
      'cmd/clusterctl/config/manifest/clusterctl-api.yaml',
    );
    for (const doc of parseAllDocuments(fs.readFileSync(manifest, 'utf8'))) {
      const o = doc.toJS();
      if (o?.kind === 'CustomResourceDefinition') await kube.apply(o);
    }
    const established = async () => {
      const crd = await kube.get(
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/providers.' + CLUSTERCTL_LABEL,
      );
      return (crd.status?.conditions ?? []).some(
        (c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True',
      );
    };
    for (let i = 0; !(await established()); i++) {
      if (i > 100) throw new Error('the clusterctl inventory CRD is not Established after 20 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    const written: string[] = [];
    for (const p of installed) {
      await kube.request('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: p.namespace },
      });
      const version = p.version(capi.versions);
      await must(
        kube,
        'PATCH',
        `/apis/${CLUSTERCTL_LABEL}/v1alpha3/namespaces/${p.namespace}/providers/${p.label}` +
          '?fieldManager=clusterctl&force=true',
        {
          apiVersion: `${CLUSTERCTL_LABEL}/v1alpha3`,
          kind: 'Provider',
          metadata: {
            name: p.label,
            namespace: p.namespace,
            labels: { [CLUSTERCTL_LABEL]: '', [`${CLUSTERCTL_LABEL}/core`]: 'inventory', [PROVIDER_LABEL]: p.label },
          },
          providerName: p.name,
          type: p.type,
          version,
        },
        'application/apply-patch+yaml',
      );
      written.push(`${p.namespace}/${p.label} ${version}`);
    }
    return written;
  } finally {
    kube.close();
  }
}
