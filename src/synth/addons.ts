import { App, Chart, Yaml } from 'cdk8s';
import { buildBundle } from '../bundle/build';
import { BundledAddon } from '../model/addon-bundle';
import { ADDON_INDEX_API_VERSION, ADDON_INDEX_KIND, AddonIndex, AddonIndexEntry } from '../dist/addon-index';
import { ADDON_BUNDLE_FILE, ADDON_INDEX_FILE, addonFilePath } from '../dist/layout';
import { AddonDefinition, healthChecksFor, orderAddons, releaseFor, upgradeOrderProblems } from '../model/addon';
import { KObject } from '../model/object';
import { StackDefinition, StackContext } from '../model/stack';
import { describeObject, usedPaths } from '../render/render';

/** A file of a stack's output, relative to its dist/<name>/ folder. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

/** Kinds that are cluster-scoped: they must never carry a namespace. */
export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'StorageClass',
  'CSIDriver',
  'PriorityClass',
  'APIService',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'IngressClass',
  'RuntimeClass',
  'PersistentVolume',
  'VolumeSnapshotClass',
]);

// Apply order inside one addon: definitions before what uses them (CRDs before custom resources,
// identities and config before workloads, the APIService after the Service it points at).
const KIND_ORDER = [
  'CustomResourceDefinition',
  'Namespace',
  'PriorityClass',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'CSIDriver',
  'StorageClass',
  'Service',
  'DaemonSet',
  'Deployment',
  'StatefulSet',
  'APIService',
];
const kindRank = (kind = '') => {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
};

/** Builds one addon for a stack version and checks what the output rules demand; errors name the object. */
export function buildAddonObjects(addon: AddonDefinition, ctx: StackContext): KObject[] {
  releaseFor(addon, ctx.minor);
  const app = new App({ outdir: '.cskit-unused' });
  // No chart namespace: it would be stamped on cluster-scoped objects too (cdk8s-ecosystem.md §6).
  const chart = new Chart(app, addon.name, { disableResourceNameHashes: true });
  addon.build(chart, ctx);
  const objects = chart.toJson() as KObject[];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const o of objects) {
    const what = `addon ${addon.name}, ${describeObject(o)}`;
    if (!o.metadata?.name) problems.push(`${what}: metadata.name is not set; set an explicit name`);
    const kind = o.kind ?? '';
    if (CLUSTER_SCOPED_KINDS.has(kind) && o.metadata?.namespace)
      problems.push(`${what}: cluster-scoped kind must not have metadata.namespace`);
    if (!CLUSTER_SCOPED_KINDS.has(kind) && !o.metadata?.namespace)
      problems.push(`${what}: namespaced kind needs metadata.namespace (the addon's namespace is ${addon.namespace})`);
    if (JSON.stringify(o).includes('cdk8s.io/metadata.addr'))
      problems.push(`${what}: carries the construct-address label cdk8s.io/metadata.addr; use explicit selectors`);
    const key = `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? ''} ${o.metadata?.name}`;
    if (seen.has(key)) problems.push(`${what}: defined twice`);
    seen.add(key);
  }
  const used = usedPaths(addon.name, objects);
  problems.push(...used.problems);
  const declared = new Set(addon.inputs.map((i) => i.path));
  for (const p of used.paths) {
    if (!declared.has(p))
      problems.push(
        `addon ${addon.name}: uses {{${p}}} but does not declare it in inputs; add { path: '${p}', type, description }`,
      );
  }
  if (problems.length) throw new Error(problems.join('\n'));
  // Stable sort: construct order is kept within a kind rank.
  return objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => kindRank(a.o.kind) - kindRank(b.o.kind) || a.i - b.i)
    .map((x) => x.o);
}

/**
 * The addon part of a stack's output: addons/<NN>-<addon>.yaml in install order (objects still holding
 * their `{{…}}` per-cluster expressions), addons.yaml, the index `cskit addons list/render` read, and
 * addon-bundle.yaml, the same objects as AddonBundle object(s) for the management cluster (src/bundle/).
 * The ClusterResourceSet form needs per-cluster values, so `cskit addons render` produces it.
 */
export function synthesizeAddons(def: StackDefinition, ctx: StackContext): OutputFile[] {
  if (def.addons.length === 0) return [];
  const ordered = orderAddons(def.addons);
  const upgradeProblems = upgradeOrderProblems(ordered);
  if (upgradeProblems.length) throw new Error(upgradeProblems.join('\n'));
  const files: OutputFile[] = [];
  const bundled: BundledAddon[] = [];
  const addons = ordered.map((a, i): AddonIndexEntry => {
    const order = i + 1;
    const file = addonFilePath(order, a.name);
    const objects = buildAddonObjects(a, ctx);
    files.push({ path: file, content: Yaml.stringify(...objects) });
    const rel = releaseFor(a, ctx.minor);
    bundled.push({
      name: a.name,
      order,
      version: rel.version,
      phase: a.phase,
      upgrade: a.upgrade,
      namespace: a.namespace,
      dependsOn: [...(a.dependsOn ?? [])],
      inputs: a.inputs,
      healthChecks: healthChecksFor(a, objects),
      // Through JSON so the bundle holds exactly what the addon file's YAML reads back as (no undefined fields).
      manifests: JSON.parse(JSON.stringify(objects)) as KObject[],
    });
    return {
      name: a.name,
      order,
      version: rel.version,
      phase: a.phase,
      namespace: a.namespace,
      description: a.description,
      ...(a.dependsOn?.length ? { dependsOn: [...a.dependsOn] } : {}),
      file,
      images: Object.fromEntries(Object.entries(rel.images).sort(([x], [y]) => x.localeCompare(y))),
      inputs: a.inputs.map((inp) => ({ path: inp.path, type: inp.type, description: inp.description })),
    };
  });
  const indexDoc: AddonIndex = {
    apiVersion: ADDON_INDEX_API_VERSION,
    kind: ADDON_INDEX_KIND,
    stack: ctx.name,
    kubernetesVersion: ctx.kubernetesVersion,
    addons,
  };
  files.push({ path: ADDON_INDEX_FILE, content: Yaml.stringify(indexDoc) });
  files.push({ path: ADDON_BUNDLE_FILE, content: Yaml.stringify(...buildBundle(ctx, bundled)) });
  return files;
}
