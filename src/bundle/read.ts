/**
 * Reads a class's AddonBundle objects (as the API server returns them, or as verify reads them from a stack folder)
 * into typed addons in install order. The one reader of bundles: the manager and `cskit verify` use it. Each part
 * is judged by the CRD's own schema (src/model/addon-bundle-crd.ts, through the schema registry), then the parts are
 * checked against each other; every problem names the bundle object and the field, and nothing half-read is returned.
 */
import { ValidateFunction } from 'ajv';
import { AddonHealthCheck, AddonInput, AddonPhase, AddonUpgradePhase } from '../model/addon';
import { KObject } from '../model/object';
import { stripNulls } from '../schema/convert';
import { toProblems } from '../schema/errors';
import { SchemaRegistry, kindKey, sharedRegistry } from '../schema/registry';
import { InputError } from '../util/errors';
import {
  AddonBundle,
  BUNDLE_API_VERSION,
  BUNDLE_KIND,
  BundledAddon,
  CLASS_LABEL,
  bundlePartName,
} from '../model/addon-bundle';

interface PartSpec {
  class: string;
  stack: string;
  kubernetesVersion: string;
  part: number;
  parts: number;
  addons: Array<{
    name: string;
    order: number;
    version: string;
    phase: AddonPhase;
    upgrade: AddonUpgradePhase;
    namespace: string;
    dependsOn?: string[];
    inputs?: AddonInput[];
    healthChecks?: AddonHealthCheck[];
    manifests: KObject[];
  }>;
}

const where = (o: KObject) =>
  `${BUNDLE_KIND} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '(no name)'}`;

function validator(registry: SchemaRegistry): ValidateFunction {
  const v = registry.validator(BUNDLE_API_VERSION, BUNDLE_KIND);
  if (!v) throw new Error(`the schema registry does not know ${kindKey(BUNDLE_API_VERSION, BUNDLE_KIND)}`);
  return v;
}

/** Schema problems of one bundle object, as `field: expected …, found …` lines. */
export function bundleSchemaProblems(obj: KObject, registry: SchemaRegistry = sharedRegistry()): string[] {
  const validate = validator(registry);
  if (validate(obj)) return [];
  const data = stripNulls(obj);
  if (validate(data)) return [];
  return toProblems(validate.errors ?? [], data).map(
    (p) => `${p.path || '(object)'}: expected ${p.expected}, found ${p.found}`,
  );
}

/**
 * The bundle of `className` from `objects` (the AddonBundles labelled with its class; others are ignored).
 * Throws InputError listing every problem: a missing or extra part, a part of another class, fields that break the
 * schema, parts that disagree, an addon split across parts whose fields differ, orders that are not 1..N.
 */
export function readBundle(
  objects: readonly KObject[],
  className: string,
  registry: SchemaRegistry = sharedRegistry(),
): AddonBundle {
  const mine = objects.filter(
    (o) => o.kind === BUNDLE_KIND && (o.metadata?.labels?.[CLASS_LABEL] === className || o.spec?.class === className),
  );
  if (!mine.length)
    throw new InputError(
      `no ${BUNDLE_KIND} for class ${className}: apply the stack folder with \`cskit apply dist/${className}\``,
    );
  const problems: string[] = [];
  const specs: Array<{ obj: KObject; spec: PartSpec }> = [];
  for (const obj of mine) {
    const own = bundleSchemaProblems(obj, registry);
    if (own.length) {
      problems.push(...own.map((p) => `${where(obj)}: ${p}`));
      continue;
    }
    const spec = obj.spec as PartSpec;
    if (spec.class !== className) problems.push(`${where(obj)}: spec.class is ${spec.class}, not ${className}`);
    if (obj.metadata?.labels?.[CLASS_LABEL] !== className)
      problems.push(`${where(obj)}: metadata.labels["${CLASS_LABEL}"] must be ${className}`);
    specs.push({ obj, spec });
  }
  if (problems.length) throw bundleError(className, problems);

  const first = specs[0].spec;
  for (const { obj, spec } of specs) {
    for (const f of ['stack', 'kubernetesVersion', 'parts'] as const) {
      if (spec[f] !== first[f])
        problems.push(`${where(obj)}: spec.${f} is ${spec[f]}, but ${where(specs[0].obj)} has ${first[f]}`);
    }
    if (spec.part > spec.parts)
      problems.push(`${where(obj)}: spec.part ${spec.part} is beyond spec.parts ${spec.parts}`);
    const expected = bundlePartName(className, spec.part, spec.parts);
    if (obj.metadata?.name !== expected)
      problems.push(`${where(obj)}: part ${spec.part} of ${spec.parts} must be named ${expected}`);
  }
  const byPart = new Map<number, { obj: KObject; spec: PartSpec }>();
  for (const s of specs) {
    if (byPart.has(s.spec.part))
      problems.push(`${where(s.obj)}: spec.part ${s.spec.part} is also ${where(byPart.get(s.spec.part)!.obj)}`);
    byPart.set(s.spec.part, s);
  }
  for (let n = 1; n <= first.parts; n++)
    if (!byPart.has(n))
      problems.push(`part ${n} of ${first.parts} (${bundlePartName(className, n, first.parts)}) is missing`);
  if (problems.length) throw bundleError(className, problems);

  // Join the parts: an addon continued in the next part has the same fields and more manifests.
  const addons = new Map<string, { addon: BundledAddon; at: string }>();
  for (let n = 1; n <= first.parts; n++) {
    const { obj, spec } = byPart.get(n)!;
    spec.addons.forEach((a, i) => {
      const at = `${where(obj)}: spec.addons[${i}]`;
      const addon: BundledAddon = {
        name: a.name,
        order: a.order,
        version: a.version,
        phase: a.phase,
        upgrade: a.upgrade,
        namespace: a.namespace,
        dependsOn: a.dependsOn ?? [],
        inputs: a.inputs ?? [],
        healthChecks: a.healthChecks ?? [],
        manifests: a.manifests,
      };
      const prior = addons.get(a.name);
      if (!prior) {
        addons.set(a.name, { addon, at });
        return;
      }
      const fields = (x: BundledAddon) => JSON.stringify({ ...x, manifests: [] });
      if (fields(prior.addon) !== fields(addon)) {
        problems.push(`${at} (${a.name}): continues ${prior.at} but its fields (order, version, phases…) differ`);
        return;
      }
      addons.set(a.name, {
        addon: { ...prior.addon, manifests: [...prior.addon.manifests, ...a.manifests] },
        at: prior.at,
      });
    });
  }
  const ordered = [...addons.values()].sort((x, y) => x.addon.order - y.addon.order);
  ordered.forEach(({ addon, at }, i) => {
    if (addon.order !== i + 1)
      problems.push(`${at} (${addon.name}): order ${addon.order}, expected ${i + 1} (orders run 1..${ordered.length})`);
    for (const d of addon.dependsOn)
      if (!addons.has(d)) problems.push(`${at} (${addon.name}): dependsOn names ${d}, which the bundle does not have`);
  });
  if (problems.length) throw bundleError(className, problems);
  return {
    class: className,
    stack: first.stack,
    kubernetesVersion: first.kubernetesVersion,
    addons: ordered.map((x) => x.addon),
  };
}

function bundleError(className: string, problems: string[]): InputError {
  return new InputError(
    `the addon bundle of class ${className} cannot be used:\n  ${problems.join('\n  ')}\n` +
      'bundles are written by `cskit synth` and shipped by `cskit apply`; apply the unchanged stack folder again',
  );
}
