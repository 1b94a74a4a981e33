/**
 * Regenerates src/schema/bundle.json: the OpenAPI schemas `cskit verify` checks objects against.
 *
 * - Kubernetes built-in kinds: the official OpenAPI v3 documents of k8s.io/kubernetes (api/openapi-spec/v3/), at the
 *   version the test control plane pins (testenv/k8s/go.mod), only the kinds below and the definitions they reach.
 * - Cluster API, CAPO, CAPD and cert-manager kinds: the openAPIV3Schema of every served version of their CRDs, at the
 *   versions pinned in scripts/import-crds.sh (one source of truth for the CRD pins).
 *
 * Descriptions, defaults, examples and patch/CEL annotations are dropped: they do not take part in the structural
 * checks
 * and make up most of the size. Everything else is kept as upstream wrote it; the conversion to JSON Schema semantics
 * (int-or-string, preserve-unknown-fields, pruning = unknown field) happens at run time in schema/convert.ts.
 *
 * Usage: npx ts-node scripts/import-schemas.ts   (needs Go and the Go module proxy; run from the repo root)
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

const ROOT = path.resolve(__dirname, '..').replace(/\/lib$/, '');
const OUT = path.join(ROOT, 'src/schema/bundle.json');

/**
 * Older Kubernetes minors our stacks target, one patch each (the newest is testenv/k8s/go.mod's). A built-in object is
 * judged by the schema of its stack's minor (metadata.yaml versions.kubernetes): a field added in 1.36 is unknown to a
 * 1.34 apiserver. Only definitions that differ from the newest are stored again, suffixed `@<minor>`.
 */
const OLDER_KUBERNETES = ['v1.35.4', 'v1.34.11'];

/** Built-in kinds: what our stacks ship plus the kinds addon manifests commonly carry. */
const CORE_KINDS: ReadonlyArray<[string, string[]]> = [
  [
    'v1',
    [
      'ConfigMap',
      'Secret',
      'Service',
      'ServiceAccount',
      'Namespace',
      'Pod',
      'PersistentVolumeClaim',
      'PersistentVolume',
      'LimitRange',
      'ResourceQuota',
      'Endpoints',
    ],
  ],
  ['apps/v1', ['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet']],
  ['batch/v1', ['Job', 'CronJob']],
  ['rbac.authorization.k8s.io/v1', ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']],
  ['storage.k8s.io/v1', ['StorageClass', 'CSIDriver', 'VolumeAttachment']],
  ['policy/v1', ['PodDisruptionBudget']],
  ['networking.k8s.io/v1', ['NetworkPolicy', 'Ingress', 'IngressClass']],
  ['scheduling.k8s.io/v1', ['PriorityClass']],
  ['apiregistration.k8s.io/v1', ['APIService']],
  ['apiextensions.k8s.io/v1', ['CustomResourceDefinition']],
  ['admissionregistration.k8s.io/v1', ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']],
  ['autoscaling/v2', ['HorizontalPodAutoscaler']],
  ['coordination.k8s.io/v1', ['Lease']],
];

/**
 * CRD files per module (relative to the module root): the kinds a cluster stack or a cluster built from it uses, and
 * those of the manager's own manifests (`cskit manager manifests`: the ExtensionConfig, cert-manager's Issuer and
 * Certificate).
 */
const CRDS: Record<'capi' | 'capd' | 'capo' | 'certManager', string[]> = {
  capi: [
    'config/crd/bases/cluster.x-k8s.io_clusterclasses.yaml',
    'config/crd/bases/cluster.x-k8s.io_clusters.yaml',
    'config/crd/bases/cluster.x-k8s.io_machinedeployments.yaml',
    'config/crd/bases/cluster.x-k8s.io_machinehealthchecks.yaml',
    'config/crd/bases/addons.cluster.x-k8s.io_clusterresourcesets.yaml',
    // the manager's ExtensionConfig (cskit manager manifests)
    'config/crd/bases/runtime.cluster.x-k8s.io_extensionconfigs.yaml',
    'bootstrap/kubeadm/config/crd/bases/bootstrap.cluster.x-k8s.io_kubeadmconfigtemplates.yaml',
    'bootstrap/kubeadm/config/crd/bases/bootstrap.cluster.x-k8s.io_kubeadmconfigs.yaml',
    'controlplane/kubeadm/config/crd/bases/controlplane.cluster.x-k8s.io_kubeadmcontrolplanetemplates.yaml',
    'controlplane/kubeadm/config/crd/bases/controlplane.cluster.x-k8s.io_kubeadmcontrolplanes.yaml',
  ],
  capo: ['openstackclustertemplates', 'openstackmachinetemplates', 'openstackclusters', 'openstackmachines'].map(
    (n) => `config/crd/bases/infrastructure.cluster.x-k8s.io_${n}.yaml`,
  ),
  capd: [
    'dockerclustertemplates',
    'dockermachinetemplates',
    'dockerclusters',
    'dockermachines',
    'devclustertemplates',
    'devmachinetemplates',
    'devclusters',
    'devmachines',
  ].map((n) => `infrastructure/docker/config/crd/bases/infrastructure.cluster.x-k8s.io_${n}.yaml`),
  certManager: ['deploy/crds/cert-manager.io_issuers.yaml', 'deploy/crds/cert-manager.io_certificates.yaml'],
};

/** Schema keywords that take part in validation; everything else is dropped. */
const KEEP = new Set([
  'type',
  'properties',
  'items',
  'additionalProperties',
  'required',
  'enum',
  'format',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'uniqueItems',
  'multipleOf',
  'nullable',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  '$ref',
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
]);

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Keeps validation keywords; `properties` keys are field names, so they are kept whatever they are called. */
function strip(s: Json, crd = false): Json {
  if (Array.isArray(s)) return s.map((x) => strip(x, crd));
  if (!s || typeof s !== 'object') return s;
  const out: Json = {};
  // The apiserver defaults a field before it validates, so a required field with a default is never missing
  // (CAPO v0.14's identityRef.type): keep it out of `required`, or objects relying on the default would be findings.
  // CRDs only: built-in OpenAPI documents carry `default: ""` on required strings that no defaulting fills.
  const defaulted = new Set(
    Object.entries((crd ? (s.properties ?? {}) : {}) as Record<string, Json>)
      .filter(([, ps]) => ps && typeof ps === 'object' && 'default' in ps)
      .map(([p]) => p),
  );
  for (const [k, v] of Object.entries(s)) {
    if (!KEEP.has(k)) continue;
    if (k === 'required' && Array.isArray(v)) {
      const req = (v as string[]).filter((r) => !defaulted.has(r));
      if (req.length) out[k] = req;
      continue;
    }
    if (k === 'properties')
      out[k] = Object.fromEntries(Object.entries(v as object).map(([p, ps]) => [p, strip(ps, crd)]));
    else if (k === '$ref') out[k] = String(v).replace('#/components/schemas/', '#/definitions/');
    else if (typeof v === 'object' && k !== 'enum' && k !== 'required' && k !== 'x-kubernetes-list-map-keys')
      out[k] = strip(v, crd);
    else out[k] = v;
  }
  return out;
}

function pin(script: string, name: string): string {
  const m = new RegExp(`^${name}='?([^'\\s]+)'?`, 'm').exec(script);
  if (!m) throw new Error(`scripts/import-crds.sh: no ${name}=`);
  return m[1];
}

/** `go mod download` into the module cache; returns the module directory. Checks the sum when one is pinned. */
function moduleDir(mod: string, sum?: string, env: NodeJS.ProcessEnv = {}): string {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-schemas-'));
  try {
    const out = execFileSync('go', ['mod', 'download', '-json', mod], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', ...env },
    });
    const info = JSON.parse(out);
    if (!info.Dir) throw new Error(`cannot download ${mod}: ${out}`);
    if (sum && info.Sum !== sum) throw new Error(`checksum mismatch for ${mod}: got ${info.Sum}, want ${sum}`);
    return info.Dir;
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

/** Every component schema of a Kubernetes version's OpenAPI v3 documents, by definition name. */
function allSchemas(dir: string): Record<string, Json> {
  const specDir = path.join(dir, 'api/openapi-spec/v3');
  const all: Record<string, Json> = {};
  for (const f of fs.readdirSync(specDir).sort())
    Object.assign(all, JSON.parse(fs.readFileSync(path.join(specDir, f), 'utf8')).components?.schemas ?? {});
  return all;
}

const refsOf = (s: Json): string[] => {
  const out: string[] = [];
  JSON.stringify(s, (k, v) => {
    if (k === '$ref' && typeof v === 'string') out.push(v.replace(/^#\/(components\/schemas|definitions)\//, ''));
    return v;
  });
  return out;
};

/** The kinds' root definitions and everything they reach, stripped. Returns kind key -> root definition name. */
function coreSchemas(all: Record<string, Json>, definitions: Record<string, Json>): Record<string, string> {
  const roots: Record<string, string> = {};
  for (const [gv, names] of CORE_KINDS) {
    const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
    for (const kind of names) {
      const id = Object.keys(all).find((k) =>
        (all[k]['x-kubernetes-group-version-kind'] ?? []).some(
          (g: Json) => g.group === group && g.version === version && g.kind === kind,
        ),
      );
      if (!id) throw new Error(`no OpenAPI schema for ${gv} ${kind}`);
      roots[`${gv}/${kind}`] = id;
      const visit = (name: string) => {
        if (definitions[name]) return;
        definitions[name] = strip(all[name]);
        refsOf(all[name]).forEach(visit);
      };
      visit(id);
    }
  }
  return roots;
}

/**
 * An older minor's definitions where they differ from the newest: a definition is stored again as `name@minor` when it
 * changed, or when anything it references did (its references must then point at the older variants).
 */
function olderSchemas(
  minor: string,
  all: Record<string, Json>,
  roots: Record<string, string>,
  definitions: Record<string, Json>,
): number {
  const old: Record<string, Json> = {};
  for (const id of Object.values(roots)) {
    const visit = (name: string) => {
      if (old[name] || !all[name]) return;
      old[name] = strip(all[name]);
      refsOf(all[name]).forEach(visit);
    };
    visit(id);
  }
  const changed = new Set(Object.keys(old).filter((n) => JSON.stringify(old[n]) !== JSON.stringify(definitions[n])));
  for (let grew = true; grew;) {
    // references to changed definitions make a definition change too
    grew = false;
    for (const n of Object.keys(old)) {
      if (!changed.has(n) && refsOf(old[n]).some((r) => changed.has(r))) {
        changed.add(n);
        grew = true;
      }
    }
  }
  for (const n of changed) {
    definitions[`${n}@${minor}`] = JSON.parse(
      JSON.stringify(old[n], (k, v) =>
        k === '$ref' && typeof v === 'string' && changed.has(v.replace('#/definitions/', '')) ? `${v}@${minor}` : v,
      ),
    );
  }
  return changed.size;
}

function crdSchemas(dir: string, files: string[], kinds: Record<string, Json>): void {
  for (const f of files) {
    // CAPI v1.14 moved the core provider's config/ from the module root to core/.
    const file = fs.existsSync(path.join(dir, f)) ? path.join(dir, f) : path.join(dir, 'core', f);
    for (const d of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const crd = d.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions) {
        if (!v.served) continue;
        kinds[`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`] = {
          source: 'crd',
          schema: strip(v.schema.openAPIV3Schema, true),
        };
      }
    }
  }
}

/** One definition or kind per line: small diffs when a pin moves. */
function write(bundle: {
  comment: string;
  sources: Json;
  kubernetesMinors: Json;
  definitions: Json;
  kinds: Json;
}): void {
  const obj = (o: Record<string, Json>) =>
    `{\n${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}: ${JSON.stringify(o[k])}`)
      .join(',\n')}\n}`;
  const text =
    `{\n"comment": ${JSON.stringify(bundle.comment)},\n"sources": ${JSON.stringify(bundle.sources)},\n` +
    `"kubernetesMinors": ${JSON.stringify(bundle.kubernetesMinors)},\n` +
    `"definitions": ${obj(bundle.definitions)},\n"kinds": ${obj(bundle.kinds)}\n}\n`;
  JSON.parse(text); // never write a broken file
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(`${OUT}.tmp`, text);
  fs.renameSync(`${OUT}.tmp`, OUT);
  process.stdout.write(
    `wrote ${path.relative(ROOT, OUT)}: ${Object.keys(bundle.kinds).length} kinds, ` +
      `${Object.keys(bundle.definitions).length} definitions, ${Math.round(text.length / 1024)} KiB\n`,
  );
}

const minorOf = (v: string) => /^v?(\d+\.\d+)/.exec(v)![1];

function main(): void {
  const crdPins = fs.readFileSync(path.join(ROOT, 'scripts/import-crds.sh'), 'utf8');
  const k8sMod = /^require k8s\.io\/kubernetes (v\S+)/m.exec(
    fs.readFileSync(path.join(ROOT, 'testenv/k8s/go.mod'), 'utf8'),
  );
  if (!k8sMod) throw new Error('testenv/k8s/go.mod: no k8s.io/kubernetes requirement');
  const sources = {
    'k8s.io/kubernetes': k8sMod[1],
    'sigs.k8s.io/cluster-api': pin(crdPins, 'CAPI_VERSION'),
    'sigs.k8s.io/cluster-api/test': pin(crdPins, 'CAPD_VERSION'),
    'sigs.k8s.io/cluster-api-provider-openstack': pin(crdPins, 'CAPO_VERSION'),
    'github.com/cert-manager/cert-manager': pin(crdPins, 'CERT_MANAGER_VERSION'),
  };
  const definitions: Record<string, Json> = {};
  const kinds: Record<string, Json> = {};
  const roots = coreSchemas(allSchemas(moduleDir(`k8s.io/kubernetes@${sources['k8s.io/kubernetes']}`)), definitions);
  for (const [key, id] of Object.entries(roots))
    kinds[key] = { source: 'kubernetes', schema: { $ref: `#/definitions/${id}` } };
  const kubernetesMinors: Record<string, string> = {
    [minorOf(sources['k8s.io/kubernetes'])]: sources['k8s.io/kubernetes'],
  };
  for (const v of OLDER_KUBERNETES) {
    const n = olderSchemas(minorOf(v), allSchemas(moduleDir(`k8s.io/kubernetes@${v}`)), roots, definitions);
    kubernetesMinors[minorOf(v)] = v;
    process.stdout.write(`Kubernetes ${v}: ${n} definitions differ from ${sources['k8s.io/kubernetes']}\n`);
  }
  crdSchemas(moduleDir(`sigs.k8s.io/cluster-api@${sources['sigs.k8s.io/cluster-api']}`), CRDS.capi, kinds);
  crdSchemas(moduleDir(`sigs.k8s.io/cluster-api/test@${sources['sigs.k8s.io/cluster-api/test']}`), CRDS.capd, kinds);
  crdSchemas(
    moduleDir(
      `sigs.k8s.io/cluster-api-provider-openstack@${sources['sigs.k8s.io/cluster-api-provider-openstack']}`,
      pin(crdPins, 'CAPO_SUM'),
      { GONOSUMDB: 'sigs.k8s.io/cluster-api-provider-openstack' },
    ),
    CRDS.capo,
    kinds,
  );
  crdSchemas(
    moduleDir(`github.com/cert-manager/cert-manager@${sources['github.com/cert-manager/cert-manager']}`),
    CRDS.certManager,
    kinds,
  );
  write({
    comment:
      'GENERATED by scripts/import-schemas.ts from the pinned upstream versions in "sources"; do not edit. ' +
      'Kubernetes kinds: api/openapi-spec/v3 of k8s.io/kubernetes ' +
      '(older minors in "kubernetesMinors": definitions that differ, as name@minor); ' +
      'other kinds: the openAPIV3Schema of each served CRD version. ' +
      'Descriptions, defaults and patch/CEL annotations are dropped.',
    sources,
    kubernetesMinors,
    definitions,
    kinds,
  });
}

try {
  main();
} catch (e) {
  process.stderr.write(`import-schemas: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
