import { ValidateFunction } from 'ajv';
import { RuleInfo, StaticFinding } from './finding';
import { Located, StackInput } from './load';
import { stripNulls } from '../../schema/convert';
import { SchemaProblem, describe, toProblems } from '../../schema/errors';
import { SchemaRegistry, kindKey, sharedRegistry } from '../../schema/registry';

/** The schema rules (docs/rules.md, "Schema rules"). */
export const SCHEMA_RULES: readonly RuleInfo[] = [
  {
    id: 'schema/invalid',
    source:
      "the kind's OpenAPI schema (Kubernetes OpenAPI v3 or the CRD's openAPIV3Schema): type, enum, required, " +
      'pattern, format, bounds',
    fix: 'set the field to a value of the expected form',
  },
  {
    id: 'schema/unknown-field',
    source:
      'structural schemas: the apiserver prunes unknown CRD fields silently and rejects them for built-in kinds ' +
      '(strict field validation)',
    fix: 'remove the field or correct its name',
  },
  {
    id: 'schema/unknown-kind',
    source: 'no schema for this apiVersion and kind in the bundle or in a CRD shipped with the stack',
    fix: "check apiVersion and kind for typos, or ship the kind's CustomResourceDefinition in the stack",
  },
];

const fixOf = (id: string) => SCHEMA_RULES.find((r) => r.id === id)!.fix;

/** Whether a `--rules` selection includes any schema rule (none given: all rules run). */
export function wantsSchema(prefixes?: readonly string[]): boolean {
  return !prefixes?.length || prefixes.some((r) => r.startsWith('schema/') || 'schema/'.startsWith(r));
}

/**
 * Validates every object of the given stacks against the schema of its kind. An object shared by several stacks
 * (loose YAML with several ClusterClasses) is judged once and reported under the first of them.
 * `besides`: findings of the other rule families. Where one of them already speaks about a field (say
 * capi/md-class-unique on a duplicate class, which the CRD schema forbids too), the more specific finding stands alone.
 */
export function schemaFindings(
  stacks: readonly StackInput[],
  besides: readonly StaticFinding[] = [],
  registry: SchemaRegistry = sharedRegistry(),
): StaticFinding[] {
  const out: StaticFinding[] = [];
  const done = new Set<Located>();
  for (const stack of stacks) {
    const shipped = shippedCrds(stack, registry);
    for (const l of stack.objects) {
      if (done.has(l)) continue;
      done.add(l);
      out.push(...objectFindings(l, stack.name, registry, shipped, stack.metadata?.versions?.kubernetes));
    }
  }
  if (!besides.length || !out.length) return out;
  const spoken = new Map<string, string[]>(); // stack + object -> paths other rules report on
  for (const f of besides)
    if (f.object && f.path !== undefined)
      spoken.set(`${f.stack}\0${f.object}`, [...(spoken.get(`${f.stack}\0${f.object}`) ?? []), f.path]);
  return out.filter(
    (f) => f.path === undefined || !(spoken.get(`${f.stack}\0${f.object}`) ?? []).some((p) => overlaps(p, f.path!)),
  );
}

/** One path is the other or lies inside it (`a.b` and `a.b[0].c`), so both findings are about the same field. */
function overlaps(a: string, b: string): boolean {
  const inside = (x: string, y: string) =>
    x.startsWith(y) && (x.length === y.length || x[y.length] === '.' || x[y.length] === '[');
  return inside(a, b) || inside(b, a);
}

/** Validators for the CustomResourceDefinitions a stack ships: they describe its own custom objects. */
function shippedCrds(stack: StackInput, registry: SchemaRegistry): Map<string, ValidateFunction | Error> {
  const out = new Map<string, ValidateFunction | Error>();
  for (const l of stack.objects) {
    if (l.obj.kind === 'CustomResourceDefinition' && String(l.obj.apiVersion).startsWith('apiextensions.k8s.io/')) {
      for (const [k, v] of registry.compileCrd(l.obj)) out.set(k, v);
    }
  }
  return out;
}

function objectFindings(
  l: Located,
  stack: string,
  registry: SchemaRegistry,
  shipped: Map<string, ValidateFunction | Error>,
  kubernetesVersion?: string,
): StaticFinding[] {
  const { apiVersion, kind } = l.obj;
  const object = `${kind ?? '(no kind)'} ${l.obj.metadata?.name ?? '(no name)'}`;
  const at = { stack, file: l.file, object };
  if (typeof apiVersion !== 'string' || !apiVersion || typeof kind !== 'string' || !kind) {
    const field = typeof apiVersion !== 'string' || !apiVersion ? 'apiVersion' : 'kind';
    return [
      {
        ...at,
        rule: 'schema/invalid',
        severity: 'error',
        path: field,
        message:
          `expected a non-empty string (every object names its apiVersion and kind), found ` +
          `${describe(l.obj[field])}`,
        fix: 'set apiVersion and kind',
      },
    ];
  }
  let validate: ValidateFunction | Error | undefined = shipped.get(kindKey(apiVersion, kind));
  if (!validate) {
    try {
      validate = registry.validator(apiVersion, kind, kubernetesVersion);
    } catch (e) {
      validate = e as Error;
    }
  }
  if (!validate) {
    const others = registry.versionsOf(apiVersion, kind);
    return [
      {
        ...at,
        rule: 'schema/unknown-kind',
        severity: 'warning',
        message:
          `no schema for ${apiVersion} ${kind}, so it is not ` +
          `validated${others.length ? `; known: ${others.join(', ')}` : ''}`,
        fix: fixOf('schema/unknown-kind'),
      },
    ];
  }
  if (validate instanceof Error) {
    return [
      {
        ...at,
        rule: 'schema/unknown-kind',
        severity: 'warning',
        message:
          `the schema of ${apiVersion} ${kind} cannot be used (${validate.message.split('\n')[0]}), so it ` +
          `is not validated`,
        fix: 'report the schema to the cskit maintainers; check the CRD shipped with the stack',
      },
    ];
  }
  if (validate(l.obj)) return [];
  // Judged again without null fields, which the apiserver drops before validation (`creationTimestamp: null`);
  // a valid object never pays for the copy.
  const data = stripNulls(l.obj);
  if (data !== l.obj && validate(data)) return [];
  // Built-in kinds of an older stack are judged by that Kubernetes minor's schema: say so, a field may be newer.
  const k8s =
    kubernetesVersion &&
    registry.bundle.kinds[kindKey(apiVersion, kind)]?.source === 'kubernetes' &&
    !shipped.has(kindKey(apiVersion, kind))
      ? registry.kubernetesSchema(kubernetesVersion)
      : undefined;
  const note = k8s && !k8s.newest ? ` (Kubernetes ${k8s.version} schema)` : '';
  return toProblems(validate.errors ?? [], data).map((p) => finding(p, at, note));
}

function finding(p: SchemaProblem, at: { stack: string; file: string; object: string }, note: string): StaticFinding {
  const fix =
    p.rule === 'schema/unknown-field'
      ? p.suggestion
        ? `did you mean "${p.suggestion}"? ${fixOf(p.rule)}`
        : fixOf(p.rule)
      : fixOf(p.rule);
  return {
    ...at,
    rule: p.rule,
    severity: 'error',
    path: p.path,
    message: `expected ${p.expected}, found ${p.found}${note}`,
    fix,
  };
}
