import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { repoRoot } from '../../../testenv/harness';
import { managerPath } from '../../../testenv/capi-manifests';

/**
 * The upstream CRDs `cskit apply` e2e tests need (Cluster, ClusterClass, the kubeadm and OpenStack templates), read
 * from the Go module cache at the versions scripts/import-crds.sh pins (filled from the module proxy when missing).
 * Nothing upstream is committed. No controllers run: these tests need the API types, not reconciliation.
 */
const repo = repoRoot();

function pin(name: string): string {
  const script = fs.readFileSync(path.join(repo, 'scripts', 'import-crds.sh'), 'utf8');
  const v = new RegExp(`^${name}=['"]?([^'"\\s]+)`, 'm').exec(script)?.[1];
  if (!v) throw new Error(`scripts/import-crds.sh: no ${name}= line`);
  return v;
}

function moduleDir(spec: string, env: NodeJS.ProcessEnv = {}): string {
  const out = execFileSync('go', ['mod', 'download', '-json', spec], {
    encoding: 'utf8',
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', ...env },
  });
  return JSON.parse(out).Dir;
}

export type CrdName =
  | 'clusters'
  | 'clusterclasses'
  | 'kubeadmconfigtemplates'
  | 'kubeadmcontrolplanetemplates'
  | 'openstackclustertemplates'
  | 'openstackmachinetemplates'
  | 'dockerclustertemplates'
  | 'dockermachinetemplates'
  | 'devclustertemplates'
  | 'devmachinetemplates'
  | 'kubeadmcontrolplanes'
  | 'extensionconfigs';

export function capiCrds(names: readonly CrdName[]): object[] {
  const capi = moduleDir(`sigs.k8s.io/cluster-api@${pin('CAPI_VERSION')}`);
  const files: Record<CrdName, () => string> = {
    // managerPath: CAPI v1.14 keeps the core CRDs under core/.
    clusters: () => managerPath(capi, 'config/crd/bases/cluster.x-k8s.io_clusters.yaml'),
    clusterclasses: () => managerPath(capi, 'config/crd/bases/cluster.x-k8s.io_clusterclasses.yaml'),
    // the addon manager reads the control plane's status.version and ships an ExtensionConfig
    kubeadmcontrolplanes: () =>
      path.join(capi, 'controlplane/kubeadm/config/crd/bases/controlplane.cluster.x-k8s.io_kubeadmcontrolplanes.yaml'),
    extensionconfigs: () => managerPath(capi, 'config/crd/bases/runtime.cluster.x-k8s.io_extensionconfigs.yaml'),
    kubeadmconfigtemplates: () =>
      path.join(capi, 'bootstrap/kubeadm/config/crd/bases/bootstrap.cluster.x-k8s.io_kubeadmconfigtemplates.yaml'),
    kubeadmcontrolplanetemplates: () =>
      path.join(
        capi,
        'controlplane/kubeadm/config/crd/bases/controlplane.cluster.x-k8s.io_kubeadmcontrolplanetemplates.yaml',
      ),
    openstackclustertemplates: () =>
      path.join(capo(), 'config/crd/bases/infrastructure.cluster.x-k8s.io_openstackclustertemplates.yaml'),
    openstackmachinetemplates: () =>
      path.join(capo(), 'config/crd/bases/infrastructure.cluster.x-k8s.io_openstackmachinetemplates.yaml'),
    dockerclustertemplates: () =>
      path.join(
        capd(),
        'infrastructure/docker/config/crd/bases/infrastructure.cluster.x-k8s.io_dockerclustertemplates.yaml',
      ),
    dockermachinetemplates: () =>
      path.join(
        capd(),
        'infrastructure/docker/config/crd/bases/infrastructure.cluster.x-k8s.io_dockermachinetemplates.yaml',
      ),
    devclustertemplates: () =>
      path.join(
        capd(),
        'infrastructure/docker/config/crd/bases/infrastructure.cluster.x-k8s.io_devclustertemplates.yaml',
      ),
    devmachinetemplates: () =>
      path.join(
        capd(),
        'infrastructure/docker/config/crd/bases/infrastructure.cluster.x-k8s.io_devmachinetemplates.yaml',
      ),
  };
  return names.map((n) => parse(fs.readFileSync(files[n](), 'utf8')));
}

const capd = (): string => moduleDir(`sigs.k8s.io/cluster-api/test@${pin('CAPD_VERSION')}`);

let capoDir: string | undefined;
function capo(): string {
  // The public checksum database does not know this CAPO version (scripts/import-crds.sh pins its hash).
  capoDir ??= moduleDir(`sigs.k8s.io/cluster-api-provider-openstack@${pin('CAPO_VERSION')}`, {
    GONOSUMDB: 'sigs.k8s.io/cluster-api-provider-openstack',
  });
  return capoDir;
}

export const ALL_STACK_CRDS: CrdName[] = [
  'clusters',
  'clusterclasses',
  'kubeadmconfigtemplates',
  'kubeadmcontrolplanetemplates',
  'openstackclustertemplates',
  'openstackmachinetemplates',
  'dockerclustertemplates',
  'dockermachinetemplates',
  // the docker-scs stacks' templates since they moved to CAPD's Dev* kinds
  'devclustertemplates',
  'devmachinetemplates',
];
