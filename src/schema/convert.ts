/**
 * Kubernetes OpenAPI v3 schemas → JSON Schema as ajv understands it, with the apiserver's semantics:
 * - `x-kubernetes-int-or-string`: an integer or a string.
 * - `x-kubernetes-preserve-unknown-fields`: unknown fields are kept, so they are allowed.
 * - `x-kubernetes-embedded-resource`: the value is an object with `apiVersion` and `kind` (required) and `metadata`.
 * - `nullable`: null is allowed (other nulls never reach validation: see stripNulls).
 * - Unknown fields: for a CRD (structural schema) every object without preserve-unknown-fields has a closed set of
 *   fields; the apiserver prunes the rest silently, so a misspelt field simply disappears. For built-in kinds the
 *   apiserver (field validation `Strict`, kubectl's default) rejects them. Either way they are findings, so every
 *   object schema that lists properties gets `additionalProperties: false` (CRDs: also the ones listing none).
 * - A CRD's root always allows `apiVersion`, `kind` and `metadata`; `metadata` is validated as the real ObjectMeta, as
 *   the apiserver does.
 * Value validations inside allOf/anyOf/oneOf/not never close an object: structural schemas may only restate fields
 *   there.
 */

export type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ConvertOptions {
  /** A CRD's structural schema (pruning semantics) rather than a built-in kind's. */
  readonly crd: boolean;
  /** How to reference the built-in ObjectMeta definition (for a CRD's root `metadata`). */
  readonly objectMetaRef?: string;
  /** Called with every `format` met, so the caller can register the ones it does not know. */
  readonly onFormat?: (format: string) => void;
}

const JUNCTORS = ['allOf', 'anyOf', 'oneOf'];

export function convertSchema(schema: Schema, opts: ConvertOptions): Schema {
  return convert(schema, opts, { root: true, junctor: false });
}

interface Where {
  readonly root: boolean;
  readonly junctor: boolean;
}

function convert(s: Schema, opts: ConvertOptions, where: Where): Schema {
  if (!s || typeof s !== 'object') return s;
  const out: Schema = {};
  const inner: Where = { root: false, junctor: where.junctor };
  for (const [k, v] of Object.entries(s)) {
    if (k === 'properties') {
      out.properties = {};
      for (const [name, ps] of Object.entries(v as Schema)) out.properties[name] = convert(ps as Schema, opts, inner);
    } else if (k === 'items') {
      out.items = Array.isArray(v) ? v.map((i) => convert(i, opts, inner)) : convert(v as Schema, opts, inner);
    } else if (k === 'additionalProperties') {
      out.additionalProperties = typeof v === 'object' ? convert(v as Schema, opts, inner) : v;
    } else if (JUNCTORS.includes(k)) {
      out[k] = (v as Schema[]).map((b) => convert(b, opts, { root: false, junctor: true }));
    } else if (k === 'not') {
      out.not = convert(v as Schema, opts, { root: false, junctor: true });
    } else if (k === 'pattern') {
      // Upstream patterns are Go RE2; the few a JavaScript RegExp cannot read are skipped rather than misjudged.
      if (compiles(String(v))) out.pattern = v;
    } else if (k === 'format') {
      if (v !== 'int-or-string') {
        out.format = v;
        opts.onFormat?.(String(v));
      }
    } else if (k === 'x-kubernetes-list-map-keys') {
      if (s['x-kubernetes-list-type'] === 'map' && Array.isArray(v) && v.length) out.k8sListMapKeys = v;
    } else if (k === 'x-kubernetes-list-type') {
      if (v === 'set') out.uniqueItems = true;
    } else if (!k.startsWith('x-kubernetes-') && k !== 'nullable') {
      out[k] = v;
    }
  }
  if (s['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (s['x-kubernetes-embedded-resource']) {
    out.type = 'object';
    out.properties = {
      apiVersion: { type: 'string', minLength: 1 },
      kind: { type: 'string', minLength: 1 },
      metadata: { type: 'object' },
      ...out.properties,
    };
    out.required = [...new Set([...(out.required ?? []), 'apiVersion', 'kind'])];
  }
  if (where.root && opts.crd) {
    // apiVersion, kind and metadata belong to every custom object, whether the CRD's schema lists them or not.
    out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, ...out.properties };
    if (opts.objectMetaRef) out.properties.metadata = { $ref: opts.objectMetaRef };
  }
  if (s.nullable && typeof out.type === 'string') out.type = [out.type, 'null'];
  const isObject = out.type === 'object' || (out.type === undefined && out.properties);
  if (
    isObject &&
    out.additionalProperties === undefined &&
    !s['x-kubernetes-preserve-unknown-fields'] &&
    !where.junctor
  ) {
    if (out.properties || opts.crd) out.additionalProperties = false;
  }
  return out;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern); // compiled only to see whether it throws
    return true;
  } catch {
    return false;
  }
}

/**
 * A copy of the object without null-valued fields: the apiserver drops them before validation (a null means "not set",
 * as in `creationTimestamp: null`). Returns the object itself when it holds no null, so valid input is never copied.
 * Nulls inside lists stay: they are list items and are judged as such.
 */
export function stripNulls<T>(value: T): T {
  return hasNullField(value) ? strip(value) : value;
}

function hasNullField(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasNullField);
  if (!v || typeof v !== 'object') return false;
  for (const k in v as Record<string, unknown>) {
    const x = (v as Record<string, unknown>)[k];
    if (x === null || (typeof x === 'object' && hasNullField(x))) return true;
  }
  return false;
}

function strip<T>(v: T): T {
  if (Array.isArray(v)) return v.map(strip) as T;
  if (!v || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = strip(x);
  return out as T;
}
