import { ErrorObject } from 'ajv';
import { fieldPath, pointerPath } from '../util/field-path';
import { isSecretValue } from './secret-values';

/** One schema violation, in the user's terms: a field path, what the schema expects and what the object has. */
export interface SchemaProblem {
  readonly rule: 'schema/invalid' | 'schema/unknown-field';
  /** e.g. `spec.workers.machineDeployments[0].class`, `metadata.annotations["a.b/c"]`. */
  readonly path: string;
  readonly expected: string;
  readonly found: string;
  /** For an unknown field: the closest allowed name, if one is close. */
  readonly suggestion?: string;
}

/** At most this many problems per object: one broken object should not drown the report. */
export const MAX_PER_OBJECT = 10;

/**
 * Turns ajv's errors (allErrors, verbose) into problems, one per cause, on the exact field. A value that is a secret
 * (a Secret's data, a kubeconfig credential: secret-values.ts) is described by its type and size only, never shown.
 */
export function toProblems(errors: readonly ErrorObject[], data: unknown): SchemaProblem[] {
  // anyOf/oneOf fail with their branches' errors too; the junctor's own error says it better, once.
  const junctors = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const branchOf = (e: ErrorObject) =>
    junctors.some(
      (j) => j !== e && e.schemaPath.startsWith(`${j.schemaPath}/`) && e.instancePath.startsWith(j.instancePath),
    );
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (branchOf(e) || e.keyword === 'if') continue;
    const p = problem(e, data, isSecretValue(data, e.instancePath));
    const key = `${p.rule} ${p.path} ${p.expected}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
    if (out.length >= MAX_PER_OBJECT) break;
  }
  return out;
}

function problem(e: ErrorObject, data: unknown, secret: boolean): SchemaProblem {
  const at = pointerPath(e.instancePath, data);
  const here = describe(e.data, secret);
  const params = e.params as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  switch (e.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const name = String(params.additionalProperty);
      return {
        rule: 'schema/unknown-field',
        path: fieldPath(at, name),
        expected: allowed.length ? `one of the fields ${list(allowed)}` : 'no fields here',
        found: `unknown field "${name}"`,
        suggestion: closest(name, allowed),
      };
    }
    case 'required':
      return {
        rule: 'schema/invalid',
        path: fieldPath(at, String(params.missingProperty)),
        expected: 'a value (required field)',
        found: 'nothing',
      };
    case 'type':
      return { rule: 'schema/invalid', path: at, expected: String(params.type).replace(',', ' or '), found: here };
    case 'enum':
      return {
        rule: 'schema/invalid',
        path: at,
        expected: `one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        found: here,
      };
    case 'const':
      return { rule: 'schema/invalid', path: at, expected: JSON.stringify(params.allowedValue), found: here };
    case 'pattern':
      return { rule: 'schema/invalid', path: at, expected: `a string matching ${params.pattern}`, found: here };
    case 'format':
      return { rule: 'schema/invalid', path: at, expected: `format ${params.format}`, found: here };
    case 'anyOf':
    case 'oneOf': {
      const branches = Array.isArray(e.schema) ? (e.schema as Array<Record<string, unknown>>).map(branchName) : [];
      const exact = e.keyword === 'oneOf' && params.passingSchemas ? 'exactly one of ' : '';
      return {
        rule: 'schema/invalid',
        path: at,
        expected: branches.every(Boolean)
          ? `${exact}${branches.join(' or ')}`
          : `${exact}one of the ${branches.length} allowed forms`,
        found: here,
      };
    }
    case 'uniqueItems':
      return {
        rule: 'schema/invalid',
        path: at,
        expected: 'no duplicate items (a set)',
        found: `items ${params.j} and ${params.i} are equal`,
      };
    case 'k8sListMapKeys':
      return {
        rule: 'schema/invalid',
        path: `${at}[${params.duplicate}]`,
        expected: `unique ${(params.keys as string[]).join('+')} in the list`,
        found: `${secret ? 'a key' : keyValue(params.value)} again (first at [${params.first}])`,
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties':
    case 'multipleOf':
      return {
        rule: 'schema/invalid',
        path: at,
        expected: `${BOUND[e.keyword]} ${params.limit ?? params.multipleOf}`,
        found: measure(e.keyword, e.data, secret),
      };
    default:
      return { rule: 'schema/invalid', path: at, expected: e.message ?? e.keyword, found: here };
  }
}

const keyValue = (v: unknown[]) => JSON.stringify(v.length === 1 ? v[0] : v);

/** At most 15 names, then how many more: a PodSpec has 40 fields, and the fix names the closest one anyway. */
function list(names: readonly string[]): string {
  return names.length <= 15 ? names.join(', ') : `${names.slice(0, 15).join(', ')} … (${names.length - 15} more)`;
}

const BOUND: Record<string, string> = {
  minimum: '≥',
  maximum: '≤',
  exclusiveMinimum: '>',
  exclusiveMaximum: '<',
  multipleOf: 'a multiple of',
  minLength: 'length ≥',
  maxLength: 'length ≤',
  minItems: 'items ≥',
  maxItems: 'items ≤',
  minProperties: 'fields ≥',
  maxProperties: 'fields ≤',
};

function measure(keyword: string, v: unknown, secret: boolean): string {
  if (keyword.endsWith('Length')) return secret ? describe(v, secret) : `${describe(v)} (length ${String(v).length})`;
  if (keyword.endsWith('Items')) return `${(v as unknown[]).length} item(s)`;
  if (keyword.endsWith('Properties')) return `${Object.keys(v as object).length} field(s)`;
  return describe(v, secret);
}

function branchName(b: Record<string, unknown>): string {
  if (typeof b.type === 'string' && Object.keys(b).length === 1) return b.type;
  if (Array.isArray(b.required) && Object.keys(b).length === 1) return `an object with ${b.required.join(', ')}`;
  return '';
}

/**
 * `string "abc"`, `number 3`, `object`, `list of 2`, `null`. Every value a finding shows goes through here, so this is
 * where a secret is kept out of every output format: `secret` prints the type and size only.
 */
export function describe(v: unknown, secret = false): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `list of ${v.length}`;
  if (typeof v === 'object') return 'object';
  if (secret)
    return `${typeof v === 'string' ? `string of ${v.length} character(s)` : typeof v} (secret value, not shown)`;
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v)}`;
  if (v === undefined) return 'nothing';
  return `${typeof v} ${String(v)}`;
}

/** The allowed name closest to a misspelt one (edit distance ≤ 1/3 of its length), for "did you mean". */
export function closest(name: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const a of allowed) {
    const d = distance(name.toLowerCase(), a.toLowerCase());
    if (d < bestD) {
      best = a;
      bestD = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
