import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { KObject } from '../../../kube/types';
import { Schema, convertSchema } from './convert';

/** The generated bundle (scripts/import-schemas.ts): built-in definitions and one schema per group/version/kind. */
export interface SchemaBundle {
  readonly sources: Record<string, string>;
  readonly definitions: Record<string, Schema>;
  readonly kinds: Record<string, { readonly source: 'kubernetes' | 'crd'; readonly schema: Schema }>;
}

export const BUNDLE_FILE = path.join(__dirname, 'bundle.json');

/** `group/version/Kind` (core group: `v1/Kind`), the key of the bundle's kinds. */
export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

const DEFS_ID = 'k8s';
const OBJECT_META = `${DEFS_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;

/** Go duration (Kubernetes' `duration` format), e.g. `1h30m`, `300ms`; not ISO 8601 as ajv-formats has it. */
const GO_DURATION = /^[-+]?(\d+(\.\d*)?(ns|us|µs|ms|s|m|h))+$|^0$/;

/**
 * Compiles and caches one validator per kind, on first use: a run pays only for the kinds it meets, and every
 * later object of a kind reuses its validator. Built-in definitions are shared by reference, so PodSpec is compiled
 * once for Deployment, DaemonSet and the rest.
 */
export class SchemaRegistry {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction | Error>();
  private readonly known = new Set<string>();

  constructor(readonly bundle: SchemaBundle = readBundle()) {
    this.ajv = new Ajv({
      allErrors: true, verbose: true, strict: false, unicodeRegExp: false, inlineRefs: false,
      // date-time and the number formats as ajv-formats defines them; the rest as Kubernetes reads them.
      formats: { 'int-or-string': true, duration: GO_DURATION },
    });
    addFormats(this.ajv, ['date-time', 'date', 'byte', 'int32', 'int64', 'float', 'double', 'uuid', 'ipv4', 'ipv6', 'uri', 'email', 'hostname', 'password', 'binary']);
    this.ajv.addKeyword({
      keyword: 'k8sListMapKeys', type: 'array', schemaType: 'array', errors: true,
      validate: function listMapKeys(keys: string[], data: unknown[]): boolean {
        const seen = new Map<string, number>();
        for (let i = 0; i < data.length; i++) {
          const item = data[i] as Record<string, unknown> | null;
          if (!item || typeof item !== 'object') continue;
          const key = JSON.stringify(keys.map((k) => item[k]));
          const first = seen.get(key);
          if (first !== undefined) {
            (listMapKeys as unknown as { errors: Partial<ErrorObject>[] }).errors = [{
              keyword: 'k8sListMapKeys', params: { keys, first, duplicate: i, value: keys.map((k) => item[k]) },
            }];
            return false;
          }
          seen.set(key, i);
        }
        return true;
      },
    });
    const definitions: Record<string, Schema> = {};
    for (const [name, s] of Object.entries(bundle.definitions)) definitions[name] = convertSchema(s, { crd: false, onFormat: this.format });
    this.ajv.addSchema({ $id: DEFS_ID, definitions });
    for (const k of Object.keys(bundle.kinds)) this.known.add(k);
  }

  has(apiVersion: string, kind: string): boolean {
    return this.known.has(kindKey(apiVersion, kind));
  }

  /** The versions the bundle knows for a kind of this group, to hint at a typo or a removed version. */
  versionsOf(apiVersion: string, kind: string): string[] {
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/') + 1) : '';
    return [...this.known].filter((k) => k.endsWith(`/${kind}`) && (group ? k.startsWith(group) : !k.includes('.') && k.split('/').length === 2))
      .map((k) => k.slice(0, k.length - kind.length - 1));
  }

  /** The validator for a kind, or undefined when the bundle does not know it. Throws when the schema cannot compile. */
  validator(apiVersion: string, kind: string): ValidateFunction | undefined {
    const key = kindKey(apiVersion, kind);
    let v = this.validators.get(key);
    if (!v) {
      const entry = this.bundle.kinds[key];
      if (!entry) return undefined;
      v = this.compileSafe(entry.source === 'crd' ? this.crd(entry.schema) : { $ref: `${DEFS_ID}${entry.schema.$ref}` });
      this.validators.set(key, v);
    }
    if (v instanceof Error) throw v;
    return v;
  }

  /** A validator for a CRD shipped in the stack itself (its served versions), keyed by `group/version/Kind`. */
  compileCrd(crd: KObject): Map<string, ValidateFunction | Error> {
    const out = new Map<string, ValidateFunction | Error>();
    const spec = crd.spec ?? {};
    for (const v of Array.isArray(spec.versions) ? spec.versions : []) {
      const schema = v?.schema?.openAPIV3Schema;
      if (!v?.served || !schema || !spec.group || !spec.names?.kind) continue;
      out.set(kindKey(`${spec.group}/${v.name}`, spec.names.kind), this.compileSafe(this.crd(schema)));
    }
    return out;
  }

  private crd(schema: Schema): Schema {
    return convertSchema(schema, { crd: true, objectMetaRef: OBJECT_META, onFormat: this.format });
  }

  private compileSafe(schema: Schema): ValidateFunction | Error {
    try {
      return this.ajv.compile(schema);
    } catch (e) {
      return e as Error;
    }
  }

  /** Formats ajv does not know are accepted as any string, as the apiserver does with formats it does not know. */
  private readonly format = (name: string): void => {
    if (!this.ajv.formats[name]) this.ajv.addFormat(name, true);
  };
}

function readBundle(): SchemaBundle {
  return JSON.parse(fs.readFileSync(BUNDLE_FILE, 'utf8')) as SchemaBundle;
}

let shared: SchemaRegistry | undefined;

/** One registry per process: compiled validators are reused by every verification in it. */
export function sharedRegistry(): SchemaRegistry {
  shared ??= new SchemaRegistry();
  return shared;
}
