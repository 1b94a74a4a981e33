import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments, parse } from 'yaml';

/**
 * Facts the Cluster API test environment (testenv/capi.ts) reads from the upstream Go modules at test time: the
 * CRDs with what kustomize would add to them (contract labels, conversion webhook), and the admission webhook
 * configurations rewritten from in-cluster Services to URLs on 127.0.0.1. Nothing upstream is committed: the
 * modules come from the Go module cache (`go mod download`, which fetches them from the proxy when missing).
 */

// upstream CRDs and webhook configurations, read and rewritten deep (kustomize's job done by hand)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

const INFRA_CRD_DIRS_CAPD = 'infrastructure/docker/config/crd';

/** One upstream manager we run, and where its module keeps its CRDs and webhook manifests. */
export interface ManagerSpec {
  /** Binary name in the testenv bin dir (testenv/build.sh). */
  readonly name: string;
  /** Kustomize directory of its CRDs, relative to the cluster-api module. */
  readonly crdDir: string;
  /** Its webhook manifests, relative to the cluster-api module. */
  readonly webhooks: string;
  /** Provider CRDs must carry contract labels; core CAPI's own CRDs have none. */
  readonly provider: boolean;
}

export const MANAGERS: readonly ManagerSpec[] = [
  { name: 'capi-manager', crdDir: 'config/crd', webhooks: 'config/webhook/manifests.yaml', provider: false },
  {
    name: 'capi-kubeadm-bootstrap',
    crdDir: 'bootstrap/kubeadm/config/crd',
    webhooks: 'bootstrap/kubeadm/config/webhook/manifests.yaml',
    provider: true,
  },
  {
    name: 'capi-kubeadm-control-plane',
    crdDir: 'controlplane/kubeadm/config/crd',
    webhooks: 'controlplane/kubeadm/config/webhook/manifests.yaml',
    provider: true,
  },
];

/**
 * CAPD, run only when asked (startCapi's `capd` option): the Docker infrastructure provider whose in-memory backend
 * gives tests real KubeadmControlPlane/MachineDeployment lifecycles without Docker. Paths are relative to the
 * `sigs.k8s.io/cluster-api/test` module at the version testenv/capd/go.mod builds (capdBuiltVersion).
 */
export const CAPD_MANAGER: ManagerSpec = {
  name: 'capd-manager',
  crdDir: INFRA_CRD_DIRS_CAPD,
  webhooks: 'infrastructure/docker/config/webhook/manifests.yaml',
  provider: true,
};

/**
 * The fixed ports CAPD's in-memory backend listens on, on all interfaces, without a flag to move them (upstream
 * `inmemory/pkg/server/mux.go`): the debug server, and the first of the workload API server listeners (one port per
 * workload cluster from there on). Hence one CAPD per machine.
 */
export const CAPD_FIXED_PORTS = { debug: 19000, firstWorkload: 20000 } as const;

/** The CAPD version testenv/build.sh builds: `sigs.k8s.io/cluster-api/test` in testenv/capd/go.mod. */
export function capdBuiltVersion(repo: string): string {
  const gomod = fs.readFileSync(path.join(repo, 'testenv', 'capd', 'go.mod'), 'utf8');
  const v = /^\s*sigs\.k8s\.io\/cluster-api\/test (v[\d.]+)/m.exec(gomod)?.[1];
  if (!v) throw new Error('testenv/capd/go.mod: no sigs.k8s.io/cluster-api/test requirement');
  return v;
}

/**
 * A manager's path inside the cluster-api module: CAPI v1.14 moved the core manager (main, config/) from the module
 * root to core/, so a path missing at the root is looked up there (v1.13 keeps working).
 */
export function managerPath(capiDir: string, rel: string): string {
  const root = path.join(capiDir, rel);
  const core = path.join(capiDir, 'core', rel);
  return !fs.existsSync(root) && fs.existsSync(core) ? core : root;
}

export interface ModuleDirs {
  readonly capi: { version: string; dir: string };
  readonly capo: { version: string; dir: string };
  readonly capd: { version: string; dir: string };
}

/** Infrastructure CRDs we install without running their providers (only their templates and objects are needed). */
export const INFRA_CRD_DIRS = { capo: 'config/crd', capd: INFRA_CRD_DIRS_CAPD } as const;

/** The directory of a Go module version in the module cache (downloaded from the proxy when missing). */
export function goModDir(spec: string, env: NodeJS.ProcessEnv = {}, wantSum?: string): string {
  let out: string;
  try {
    out = execFileSync('go', ['mod', 'download', '-json', spec], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', ...env },
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `cannot get Go module ${spec} (needs Go and the module proxy or a filled module cache): ` +
        `${err.stdout || err.stderr || err.message}`,
      { cause: e },
    );
  }
  const info = JSON.parse(out);
  if (!info.Dir) throw new Error(`go mod download ${spec}: ${info.Error ?? 'no directory'}`);
  if (wantSum && info.Sum !== wantSum)
    throw new Error(`checksum mismatch for ${spec}: got ${info.Sum}, want ${wantSum}`);
  return info.Dir;
}

/**
 * An older management cluster the stacks must keep working on (README "Management clusters"): the CAPD and CAPO
 * versions that go with that Cluster API version. `CSKIT_TESTENV_CAPI=v1.13.6` runs the Cluster API tests on it
 * (managers from capiBinDir(), i.e. ~/.cache/cskit-testenv/capi-v1.13.6/bin).
 */
export const OLDER_MANAGEMENT: Readonly<Record<string, { capd: string; capo: string; capoSum: string }>> = {
  'v1.13.6': { capd: 'v1.13.8', capo: 'v0.13.0', capoSum: 'h1:iZN/qJhDZas74Mo/zM1tz038niv68e1g5wYCQJ5yczo=' },
};

/**
 * The module versions: Cluster API as built (testenv/capi/go.mod), CAPO and CAPD as the typed imports were
 * generated from (scripts/import-crds.sh), so the tests check our output against the schemas we compiled against;
 * or, with $CSKIT_TESTENV_CAPI, an older management cluster from OLDER_MANAGEMENT.
 */
export function moduleDirs(repo: string): ModuleDirs {
  const older = process.env.CSKIT_TESTENV_CAPI;
  if (older) {
    const o = OLDER_MANAGEMENT[older];
    if (!o)
      throw new Error(
        `CSKIT_TESTENV_CAPI=${older}: not a known older management cluster (known: ${Object.keys(OLDER_MANAGEMENT)})`,
      );
    const capoEnv = { GONOSUMDB: 'sigs.k8s.io/cluster-api-provider-openstack' };
    return {
      capi: { version: older, dir: goModDir(`sigs.k8s.io/cluster-api@${older}`) },
      capd: { version: o.capd, dir: goModDir(`sigs.k8s.io/cluster-api/test@${o.capd}`) },
      capo: {
        version: o.capo,
        dir: goModDir(`sigs.k8s.io/cluster-api-provider-openstack@${o.capo}`, capoEnv, o.capoSum),
      },
    };
  }
  const gomod = fs.readFileSync(path.join(repo, 'testenv', 'capi', 'go.mod'), 'utf8');
  const capiVersion = /^\s*sigs\.k8s\.io\/cluster-api (v[\d.]+)/m.exec(gomod)?.[1];
  const script = fs.readFileSync(path.join(repo, 'scripts', 'import-crds.sh'), 'utf8');
  const pin = (name: string) => {
    const v = new RegExp(`^${name}=['"]?([^'"\\s]+)`, 'm').exec(script)?.[1];
    if (!v) throw new Error(`scripts/import-crds.sh: no ${name}= line`);
    return v;
  };
  if (!capiVersion) throw new Error('testenv/capi/go.mod: no sigs.k8s.io/cluster-api requirement');
  const capoVersion = pin('CAPO_VERSION');
  const capdVersion = pin('CAPD_VERSION');
  return {
    capi: { version: capiVersion, dir: goModDir(`sigs.k8s.io/cluster-api@${capiVersion}`) },
    capd: { version: capdVersion, dir: goModDir(`sigs.k8s.io/cluster-api/test@${capdVersion}`) },
    // The public checksum database does not know this CAPO version: the pinned hash is checked instead.
    capo: {
      version: capoVersion,
      dir: goModDir(
        `sigs.k8s.io/cluster-api-provider-openstack@${capoVersion}`,
        { GONOSUMDB: 'sigs.k8s.io/cluster-api-provider-openstack' },
        pin('CAPO_SUM'),
      ),
    },
  };
}

export interface KustomizedCrds {
  readonly crds: Obj[];
  /** Names of the CRDs the kustomization patches to a conversion webhook (`patches/webhook_in_*.yaml`). */
  readonly converted: Set<string>;
}

/**
 * The CRDs a `config/crd` kustomization lists, with the labels it adds. The contract labels
 * (`cluster.x-k8s.io/<contract>: <api version>`) exist only there, not in `bases/`, and the topology controller
 * cannot resolve template versions without them; `provider` makes their absence an error.
 */
export function kustomizedCrds(dir: string, provider: boolean): KustomizedCrds {
  const file = path.join(dir, 'kustomization.yaml');
  const k = parse(fs.readFileSync(file, 'utf8')) ?? {};
  const labels: Record<string, string> = { ...(k.commonLabels ?? {}) };
  for (const l of k.labels ?? []) Object.assign(labels, l.pairs ?? {});
  if (provider && !Object.keys(labels).some((l) => l.startsWith('cluster.x-k8s.io/')))
    throw new Error(`${file}: no contract label`);
  const crds: Obj[] = [];
  for (const r of k.resources ?? []) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, r), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      crd.metadata.labels = { ...(crd.metadata.labels ?? {}), ...labels };
      crds.push(crd);
    }
  }
  const converted = new Set<string>();
  for (const p of k.patches ?? k.patchesStrategicMerge ?? []) {
    const rel = typeof p === 'string' ? p : p.path;
    if (!rel || !/webhook_in_/.test(rel)) continue;
    const patch = parse(fs.readFileSync(path.join(dir, rel), 'utf8'));
    if (patch?.spec?.conversion?.strategy === 'Webhook') converted.add(patch.metadata.name);
  }
  return { crds, converted };
}

/** Points a CRD's conversion at a manager's webhook server, as the kustomize patch does through a Service. */
export function withConversion(crd: Obj, baseUrl: string, caBundle: string): Obj {
  return {
    ...crd,
    spec: {
      ...crd.spec,
      conversion: {
        strategy: 'Webhook',
        webhook: { conversionReviewVersions: ['v1'], clientConfig: { url: `${baseUrl}/convert`, caBundle } },
      },
    },
  };
}

/**
 * The manager's Mutating/ValidatingWebhookConfigurations with each Service reference replaced by a URL on
 * 127.0.0.1 and our CA. kubebuilder gives every provider the same configuration names, so each gets the
 * manager's name as a prefix.
 */
export function webhookConfigs(file: string, manager: string, baseUrl: string, caBundle: string): Obj[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((d) => d.toJS())
    .filter((o) => o?.kind)
    .map((cfg) => ({
      ...cfg,
      metadata: {
        name: `${manager}-${cfg.metadata.name}`,
        labels: { 'app.kubernetes.io/managed-by': 'cskit-testenv' },
      },
      webhooks: (cfg.webhooks ?? []).map((w: Obj) => {
        const svcPath = w.clientConfig?.service?.path;
        if (!svcPath) throw new Error(`${file}: webhook ${w.name} has no service path`);
        return { ...w, clientConfig: { url: `${baseUrl}${svcPath}`, caBundle } };
      }),
    }));
}
