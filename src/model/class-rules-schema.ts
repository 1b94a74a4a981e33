/**
 * ClusterClass variable schemas, checked the way Cluster API's webhook does before it accepts a class
 * (internal/topology/variables/clusterclass_variable_validation.go): the schema must be structural, and every
 * `default`, `example` and `enum` value must be valid against the schema at its own level. Values are checked with
 * ajv on a JSON-Schema translation of the OpenAPI v3 subset ClusterClass allows; `x-kubernetes-validations` (CEL)
 * rules are not evaluated offline.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { default as Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { classRuleFormats } from './class-rules-formats';

/** One finding about a variable schema, placed below `…openAPIV3Schema`. */
export interface SchemaProblem {
  readonly rule:
    | 'capi/variable-schema-structural'
    | 'capi/variable-schema-keyword'
    | 'capi/variable-default'
    | 'capi/variable-example'
    | 'capi/variable-enum';
  /** Path below `…openAPIV3Schema`, e.g. `.properties.cidr.default`. */
  readonly path: string;
  readonly message: string;
}

/**
 * The JSONSchemaProps fields of ClusterClassVariable (v1beta1 and v1beta2): anything else is dropped by the API
 * server.
 */
export const SCHEMA_KEYWORDS: ReadonlySet<string> = new Set([
  'description',
  'example',
  'type',
  'properties',
  'additionalProperties',
  'maxProperties',
  'minProperties',
  'required',
  'items',
  'maxItems',
  'minItems',
  'uniqueItems',
  'format',
  'maxLength',
  'minLength',
  'pattern',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'x-kubernetes-preserve-unknown-fields',
  'enum',
  'default',
  'x-kubernetes-validations',
  'x-metadata',
  'x-kubernetes-int-or-string',
  'allOf',
  'oneOf',
  'anyOf',
  'not',
]);

export const SCHEMA_TYPES: ReadonlySet<string> = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

/** Keywords a value validation (allOf/anyOf/oneOf/not) may not set: they belong to the structural part. */
const NOT_IN_VALUE_VALIDATION = [
  'type',
  'default',
  'additionalProperties',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
];

// A (sub)schema as written in the class: arbitrary nested YAML that this module walks and translates key by key.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type S = Record<string, any>;

/** A compiled validator: ajv's, compiled in this run or precompiled by the build; errors as ajv reports them. */
type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** Bump when toJsonSchema or the compiler options change meaning: older precompiled validators are then ignored. */
const PRECOMPILED_FORMAT = 1;
/** Where the build writes the precompiled validators (scripts/precompile-class-rules.ts), beside this module. */
export const PRECOMPILED_FILE = path.join(__dirname, 'class-rule-validators.js');

let ajvInstance: Ajv | undefined;
/** Set up on the first compile only: a run whose validators were all precompiled never loads ajv (~100 ms). */
function ajv(): Ajv {
  if (ajvInstance) return ajvInstance;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: AjvClass, _ } = require('ajv') as typeof import('ajv');
  ajvInstance = new AjvClass({
    strict: false,
    allErrors: false,
    logger: false,
    validateFormats: true,
    formats: classRuleFormats,
    // Source kept so the build can write standalone code, which reaches the formats by path (PRECOMPILED_FILE sits
    // beside class-rules-formats.js).
    code: { source: true, formats: _`require("./class-rules-formats").classRuleFormats` },
  });
  return ajvInstance;
}

/** Validators by the JSON text of their JSON Schema: compiled in this run, else loaded from the build's file. */
const cache = new Map<string, Validate>();
let precompiled: Map<string, () => Validate> | null | undefined;

/**
 * The build's validators (JSON Schema text → factory), or null when there is no usable file: not built (ts-node,
 * tests), built by another ajv or another version of this module, or `CSKIT_CLASS_RULES_PRECOMPILED=off`; a path
 * there names another file of the same form (tests).
 */
function precompiledValidators(): Map<string, () => Validate> | null {
  if (precompiled !== undefined) return precompiled;
  precompiled = null;
  const env = process.env.CSKIT_CLASS_RULES_PRECOMPILED;
  const file = env && env !== 'off' ? env : PRECOMPILED_FILE;
  if (env === 'off' || !fs.existsSync(file)) return null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as PrecompiledModule;
    if (mod.format === PRECOMPILED_FORMAT && mod.ajvVersion === ajvVersion()) precompiled = new Map(mod.validators);
  } catch {
    precompiled = null; // unreadable: compile in the run
  }
  return precompiled;
}

interface PrecompiledModule {
  format: number;
  ajvVersion: string;
  validators: Array<[string, () => Validate]>;
}

function ajvVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('ajv/package.json') as { version: string }).version;
}

/**
 * The precompiled-validator module for every validator compiled in this process (the build runs synth over the
 * shipped definitions with precompiled validators off, then writes this to PRECOMPILED_FILE): one factory per
 * schema, so a run only evaluates the validators it uses.
 */
export function precompiledValidatorsModule(): { code: string; count: number } {
  if (!ajvInstance) return { code: moduleText([]), count: 0 };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: standaloneCode } = require('ajv/dist/standalone') as typeof import('ajv/dist/standalone');
  const entries = [...cache].map(([key, v]) => {
    const code = standaloneCode(ajvInstance!, v as ValidateFunction);
    const factory = `() => {\n    const module = { exports: {} };\n${code}\n    return module.exports;\n  }`;
    return `  [${JSON.stringify(key)}, ${factory}],`;
  });
  return { code: moduleText(entries), count: entries.length };
}

function moduleText(entries: string[]): string {
  return (
    '"use strict";\n// Generated by scripts/precompile-class-rules.ts (npm run build): never edit, never commit.\n' +
    `exports.format = ${PRECOMPILED_FORMAT};\nexports.ajvVersion = ${JSON.stringify(ajvVersion())};\n` +
    `exports.validators = [\n${entries.join('\n')}\n];\n`
  );
}

/** OpenAPI v3 (Kubernetes flavour) → JSON Schema for ajv. Unknown formats are ignored, as Kubernetes does. */
function toJsonSchema(s: S): S {
  if (!s || typeof s !== 'object' || Array.isArray(s)) return {};
  const out: S = {};
  for (const k of [
    'type',
    'maxProperties',
    'minProperties',
    'required',
    'maxItems',
    'minItems',
    'uniqueItems',
    'maxLength',
    'minLength',
    'enum',
  ]) {
    if (s[k] !== undefined) out[k] = s[k];
  }
  // Kubernetes patterns are Go RE2; one JavaScript cannot compile (e.g. inline flags `(?i)`) is left unchecked, not
  // failed
  if (typeof s.pattern === 'string' && jsRegexOk(s.pattern)) out.pattern = s.pattern;
  if (s.format && Object.hasOwn(classRuleFormats, s.format)) out.format = s.format;
  if (s.maximum !== undefined) out[s.exclusiveMaximum === true ? 'exclusiveMaximum' : 'maximum'] = s.maximum;
  if (s.minimum !== undefined) out[s.exclusiveMinimum === true ? 'exclusiveMinimum' : 'minimum'] = s.minimum;
  if (s.properties)
    out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, toJsonSchema(v as S)]));
  if (s.additionalProperties !== undefined) {
    out.additionalProperties =
      typeof s.additionalProperties === 'object' ? toJsonSchema(s.additionalProperties) : s.additionalProperties;
  } else if (s.type === 'object' && s.properties && s['x-kubernetes-preserve-unknown-fields'] !== true) {
    // Cluster API rejects fields a variable schema does not specify
    out.additionalProperties = false;
  }
  if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) out.items = toJsonSchema(s.items);
  if (s['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  for (const k of ['allOf', 'anyOf', 'oneOf'])
    if (Array.isArray(s[k])) out[k] = [...(out[k] ?? []), ...s[k].map(toJsonSchema)];
  if (s.not) out.not = toJsonSchema(s.not);
  return out;
}

function jsRegexOk(p: string): boolean {
  try {
    new RegExp(p, 'u');
    return true;
  } catch {
    return false;
  }
}

function validator(s: S): Validate | string {
  const js = toJsonSchema(s);
  const key = JSON.stringify(js);
  let v = cache.get(key);
  if (!v) {
    const factory = precompiledValidators()?.get(key);
    try {
      v = factory ? factory() : (ajv().compile(js) as Validate);
    } catch (e) {
      return (e as Error).message;
    }
    cache.set(key, v);
  }
  return v;
}

function describe(v: Validate): string {
  const e = v.errors?.[0];
  if (!e) return 'invalid';
  const at = e.instancePath ? `at ${e.instancePath.replace(/\//g, '.')}: ` : '';
  const extra =
    e.keyword === 'additionalProperties'
      ? ` ("${(e.params as { additionalProperty?: string }).additionalProperty}")`
      : e.keyword === 'enum'
        ? ` (${JSON.stringify((e.params as { allowedValues?: unknown[] }).allowedValues)})`
        : '';
  return `${at}${e.message}${extra}`;
}

/** Every problem of one variable's `openAPIV3Schema`. */
export function checkVariableSchema(schema: unknown): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
    return [
      {
        rule: 'capi/variable-schema-structural',
        path: '',
        message: 'missing schema; every variable needs schema.openAPIV3Schema with a type',
      },
    ];
  }
  walk(schema as S, '', false, out);
  return out;
}

function walk(s: S, path: string, inValueValidation: boolean, out: SchemaProblem[]): void {
  const add = (rule: SchemaProblem['rule'], p: string, message: string) => out.push({ rule, path: p, message });
  for (const k of Object.keys(s)) {
    if (!SCHEMA_KEYWORDS.has(k)) {
      const hint = [...SCHEMA_KEYWORDS].find((x) => x.toLowerCase() === k.toLowerCase().replace(/[_-]/g, ''));
      add(
        'capi/variable-schema-keyword',
        `${path}.${k}`,
        `"${k}" is not a ClusterClass schema keyword; the API server drops ` +
          `it${hint ? ` (did you mean "${hint}"?)` : ''}`,
      );
    }
  }
  const typed = s.type !== undefined;
  if (inValueValidation) {
    for (const k of NOT_IN_VALUE_VALIDATION)
      if (s[k] !== undefined)
        add(
          'capi/variable-schema-structural',
          `${path}.${k}`,
          `"${k}" is not allowed inside allOf/anyOf/oneOf/not (structural schema)`,
        );
  } else if (!typed && s['x-kubernetes-int-or-string'] !== true && s['x-kubernetes-preserve-unknown-fields'] !== true) {
    add(
      'capi/variable-schema-structural',
      `${path || '.'}`,
      'no "type": a structural schema types every node (or sets x-kubernetes-int-or-string / ' +
        'x-kubernetes-preserve-unknown-fields)',
    );
  }
  if (typed && !SCHEMA_TYPES.has(s.type))
    add(
      'capi/variable-schema-structural',
      `${path}.type`,
      `type "${s.type}" is not one of ${[...SCHEMA_TYPES].join(', ')}`,
    );
  if (s.properties !== undefined && s.additionalProperties !== undefined && !inValueValidation) {
    add('capi/variable-schema-structural', path || '.', 'properties and additionalProperties are mutually exclusive');
  }
  if (s.items !== undefined && (typeof s.items !== 'object' || Array.isArray(s.items)))
    add(
      'capi/variable-schema-structural',
      `${path}.items`,
      'items must be one schema (tuple arrays are not structural)',
    );
  if (s.type === 'array' && s.items === undefined && !inValueValidation)
    add('capi/variable-schema-structural', `${path}.items`, 'an array schema needs "items"');
  for (const [k, v] of Object.entries(s.properties ?? {}))
    if (v && typeof v === 'object') walk(v as S, `${path}.properties.${k}`, inValueValidation, out);
  if (s.additionalProperties && typeof s.additionalProperties === 'object')
    walk(s.additionalProperties, `${path}.additionalProperties`, inValueValidation, out);
  if (s.items && typeof s.items === 'object' && !Array.isArray(s.items))
    walk(s.items, `${path}.items`, inValueValidation, out);
  for (const k of ['allOf', 'anyOf', 'oneOf'])
    (Array.isArray(s[k]) ? s[k] : []).forEach((x: S, i: number) => walk(x ?? {}, `${path}.${k}[${i}]`, true, out));
  if (s.not && typeof s.not === 'object') walk(s.not, `${path}.not`, true, out);
  if (inValueValidation || out.some((p) => p.rule === 'capi/variable-schema-structural')) return;

  const values: Array<[SchemaProblem['rule'], string, unknown]> = [];
  if (s.default !== undefined) values.push(['capi/variable-default', `${path}.default`, s.default]);
  if (s.example !== undefined) values.push(['capi/variable-example', `${path}.example`, s.example]);
  (Array.isArray(s.enum) ? s.enum : []).forEach((e: unknown, i: number) =>
    values.push(['capi/variable-enum', `${path}.enum[${i}]`, e]),
  );
  if (!values.length) return;
  // the enum itself is not part of the check of an enum value's type, pattern and bounds
  const v = validator(values.some(([r]) => r === 'capi/variable-enum') ? { ...s, enum: undefined } : s);
  const vAll = s.enum ? validator(s) : v;
  for (const [rule, p, value] of values) {
    const fn = rule === 'capi/variable-enum' ? v : vAll;
    if (typeof fn === 'string') {
      add('capi/variable-schema-structural', path || '.', `schema does not compile: ${fn}`);
      return;
    }
    if (!fn(value)) add(rule, p, `${JSON.stringify(value)} is not valid against the schema: ${describe(fn)}`);
  }
}
