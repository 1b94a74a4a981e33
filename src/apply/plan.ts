import { BUNDLE_GROUP, BUNDLE_KIND } from '../model/addon-bundle';
import { KObject } from '../kube/types';
import { ResourceInfo } from '../kube/apply-types';
import { GroupKind, PART_OF_LABEL, gkString, groupOf, versionOf } from './applyset';
import { gkOf, isCluster, isClusterClass, templateRefs } from './capi';
import { InputError } from '../util/errors';
import { Manifest } from './manifests';

/**
 * The desired state, computed without a cluster: every object with its resource, namespace, ApplySet label and
 * ordering level. Levels are applied one after the other; objects within a level at once.
 */
export const LEVELS = [
  'CustomResourceDefinitions',
  'Namespaces',
  'templates and other objects',
  'ClusterClasses',
  'Clusters',
] as const;

export interface PlannedObject {
  /** `Kind.group namespace/name`: unique in a plan. */
  readonly key: string;
  readonly source: string;
  readonly gk: GroupKind;
  readonly resource: ResourceInfo;
  readonly name: string;
  readonly namespace?: string;
  readonly level: number;
  /** ClusterClasses, the templates they refer to and AddonBundles: a released name never changes content. */
  readonly immutable: boolean;
  /** What is sent: the input object with namespace and ApplySet label set. */
  readonly body: KObject;
}

export interface Plan {
  readonly objects: PlannedObject[];
  /** Objects per level, in level order; empty levels are left out. */
  readonly levels: Array<{ level: number; objects: PlannedObject[] }>;
  readonly groupKinds: GroupKind[];
  /** Namespaces of namespaced members. */
  readonly namespaces: string[];
}

export const objectKey = (gk: GroupKind, name: string, namespace?: string): string =>
  `${gkString(gk)} ${namespace ? `${namespace}/` : ''}${name}`;

export const isAddonBundle = (gk: GroupKind): boolean => gk.group === BUNDLE_GROUP && gk.kind === BUNDLE_KIND;

/** Keys of the AddonBundle parts of a class in the plan (spec.class names it, same namespace). */
export function bundleKeysOf(objects: readonly PlannedObject[], cls: PlannedObject): string[] {
  return objects
    .filter((o) => isAddonBundle(o.gk) && o.namespace === cls.namespace && o.body.spec?.class === cls.name)
    .map((o) => o.key);
}

export function levelOf(gk: GroupKind): number {
  if (gk.group === 'apiextensions.k8s.io' && gk.kind === 'CustomResourceDefinition') return 0;
  if (gk.group === '' && gk.kind === 'Namespace') return 1;
  if (isClusterClass(gk)) return 3;
  if (isCluster(gk)) return 4;
  return 2;
}

/** Kinds that CRDs in the input define, so they can be planned before the CRDs are installed. */
export function crdResources(manifests: readonly Manifest[]): Map<string, ResourceInfo> {
  const out = new Map<string, ResourceInfo>();
  for (const { obj } of manifests) {
    if (obj.kind !== 'CustomResourceDefinition' || groupOf(String(obj.apiVersion)) !== 'apiextensions.k8s.io') continue;
    const s = obj.spec ?? {};
    for (const v of s.versions ?? []) {
      if (v?.served === false) continue;
      out.set(`${s.group}/${v.name}/${s.names?.kind}`, {
        group: s.group,
        version: v.name,
        kind: s.names?.kind,
        plural: s.names?.plural,
        namespaced: s.scope !== 'Cluster',
      });
    }
  }
  return out;
}

export const gvkKey = (apiVersion: string, kind: string): string =>
  `${groupOf(apiVersion)}/${versionOf(apiVersion)}/${kind}`;

/**
 * Builds the plan. `resources` maps gvkKey → how the server serves it (resolved by the caller: CRDs in the input,
 * else discovery). Bad input is refused before anything is sent.
 */
export function buildPlan(
  manifests: readonly Manifest[],
  resources: ReadonlyMap<string, ResourceInfo>,
  opts: { namespace: string; applySetId: string },
): Plan {
  const objects: PlannedObject[] = [];
  const seen = new Map<string, string>();
  for (const m of manifests) {
    const { obj } = m;
    const gk = gkOf(obj);
    const res = resources.get(gvkKey(String(obj.apiVersion), gk.kind));
    if (!res)
      throw new InputError(
        `${m.source}: ${gk.kind} (${obj.apiVersion}) is not served by the cluster; ` +
          'install its CRD or fix apiVersion/kind',
      );
    const labels = { ...(obj.metadata?.labels ?? {}) };
    if (PART_OF_LABEL in labels) {
      throw new InputError(
        `${m.source}: ${gk.kind} ${obj.metadata!.name} already carries the label ${PART_OF_LABEL}; ` +
          'remove it from the input (apply sets it)',
      );
    }
    labels[PART_OF_LABEL] = opts.applySetId;
    const namespace = res.namespaced ? obj.metadata?.namespace || opts.namespace : undefined;
    const metadata: Record<string, unknown> = { ...obj.metadata, labels };
    if (namespace) metadata.namespace = namespace;
    else delete metadata.namespace;
    const name = String(obj.metadata!.name);
    const key = objectKey(gk, name, namespace);
    if (seen.has(key))
      throw new InputError(`${m.source}: ${key} is also defined in ${seen.get(key)}; each object may appear once`);
    seen.set(key, m.source);
    objects.push({
      key,
      source: m.source,
      gk,
      resource: res,
      name,
      namespace,
      level: levelOf(gk),
      immutable: false,
      body: { ...obj, metadata },
    });
  }
  // Templates a ClusterClass of the input refers to (same namespace) are as immutable as the class, and so are addon
  // bundles: they are released with a class version (its content hash covers them).
  const immutable = new Set<string>(objects.filter((o) => isAddonBundle(o.gk)).map((o) => o.key));
  for (const o of objects) {
    if (!isClusterClass(o.gk)) continue;
    immutable.add(o.key);
    for (const r of templateRefs(o.body))
      immutable.add(objectKey({ group: groupOf(r.apiVersion), kind: r.kind }, r.name, o.namespace));
  }
  const planned = objects.map((o) => (immutable.has(o.key) ? { ...o, immutable: true } : o));
  const levels = [...new Set(planned.map((o) => o.level))]
    .sort((a, b) => a - b)
    .map((level) => ({ level, objects: planned.filter((o) => o.level === level) }));
  const gks = new Map<string, GroupKind>();
  for (const o of planned) gks.set(gkString(o.gk), o.gk);
  return {
    objects: planned,
    levels,
    groupKinds: [...gks.values()],
    namespaces: [...new Set(planned.flatMap((o) => (o.namespace ? [o.namespace] : [])))].sort(),
  };
}
