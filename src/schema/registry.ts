import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { KeywordCxt, ValidateFunction, _ } from 'ajv';
import addFormats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone';
import { version as AJV_VERSION } from 'ajv/package.json';
import { cacheDir } from '../k8s-versions/data';
import { compareMinor } from '../model/naming';
import { KObject } from '../model/object';
import { bundleCrd } from '../model/addon-bundle-crd';
import { Schema, convertSchema } from './convert';

/** The generated bundle (scripts/import-schemas.ts): built-in definitions and one schema per group/version/kind. */
export interface SchemaBundle {
  readonly sources: Record<string, string>;
  /** Kubernetes minor → the version its schemas come from; definitions of older minors that differ are `name@minor`. */
  readonly kubernetesMinors?: Record<string, string>;
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
  readonly bundle: SchemaBundle;
  private ajvInstance: Ajv | undefined;
  private readonly validators = new Map<string, ValidateFunction | Error>();
  private readonly known: Set<string>;
  private readonly cache: string | null;
  private readonly shipped: string | null;

  /**
   * @param cache directory for compiled validators (ajv standalone code), keyed by the bundle and the compiler: a kind
   *   is compiled once per machine, later runs load its code. `null`: no cache. Default: see schemaCacheDir().
   * @param shipped read-only directory of the same layout, filled by `npm run build` for the bundled schemas
   *   (precompileSchemas), so that even the first run on a machine compiles nothing. Default: see shippedSchemaDir().
   */
  constructor(
    bundle?: SchemaBundle,
    cache: string | null = schemaCacheDir(),
    shipped: string | null = shippedSchemaDir(),
  ) {
    const imported = bundle ? JSON.stringify(bundle) : fs.readFileSync(BUNDLE_FILE, 'utf8');
    this.bundle = withOwnKinds(bundle ?? (JSON.parse(imported) as SchemaBundle));
    // Cache key: the imported bundle's text and our own kinds (cheaper than serializing the merged bundle again).
    const text = `${imported}\0${JSON.stringify(bundleCrd())}`;
    this.known = new Set(Object.keys(this.bundle.kinds));
    const key = createHash('sha256').update(`${CACHE_FORMAT}\0${AJV_VERSION}\0${text}`).digest('hex').slice(0, 16);
    this.cache = cache && path.join(cache, key);
    this.shipped = shipped && path.join(shipped, key);
  }

  /** Compiles (or finds cached) the validator of every bundled kind, built-in kinds for every bundled minor. */
  compileAll(): number {
    let n = 0;
    for (const [key, entry] of Object.entries(this.bundle.kinds)) {
      const slash = key.lastIndexOf('/');
      const minors = entry.source === 'kubernetes' ? Object.keys(this.bundle.kubernetesMinors ?? {}) : [];
      for (const minor of minors.length ? minors : [undefined]) {
        this.validator(key.slice(0, slash), key.slice(slash + 1), minor);
        n++;
      }
    }
    return n;
  }

  /** Set up on the first compile only: a run whose validators all come from the cache never needs it. */
  private get ajv(): Ajv {
    if (this.ajvInstance) return this.ajvInstance;
    const ajv = new Ajv({
      // optimize: false compiles ~40% faster; the generated code validates as fast (bench/verify).
      allErrors: true,
      verbose: true,
      strict: false,
      unicodeRegExp: false,
      inlineRefs: false,
      code: { source: true, optimize: false },
      // date-time and the number formats as ajv-formats defines them; the rest as Kubernetes reads them.
      formats: { 'int-or-string': true, duration: GO_DURATION },
    });
    addFormats(ajv, [
      'date-time',
      'date',
      'byte',
      'int32',
      'int64',
      'float',
      'double',
      'uuid',
      'ipv4',
      'ipv6',
      'uri',
      'email',
      'hostname',
      'password',
      'binary',
    ]);
    // Generated code calls the helper through `require(RUNTIME)`, so validators survive the trip through the cache.
    ajv.addKeyword({
      keyword: 'k8sListMapKeys',
      type: 'array',
      schemaType: 'array',
      code(cxt: KeywordCxt) {
        const fn = cxt.gen.scopeValue('func', { ref: listMapDuplicate, code: _`require(${RUNTIME}).listMapDuplicate` });
        const dup = cxt.gen.const('dup', _`${fn}(${cxt.data}, ${cxt.schemaCode})`);
        cxt.setParams({ dup });
        cxt.fail(_`${dup} !== undefined`);
      },
      error: { message: 'duplicate list-map keys', params: ({ params }) => _`${params.dup}` },
    });
    this.ajvInstance = ajv;
    const definitions: Record<string, Schema> = {};
    for (const [name, s] of Object.entries(this.bundle.definitions))
      definitions[name] = convertSchema(s, { crd: false, onFormat: this.format });
    ajv.addSchema({ $id: DEFS_ID, definitions });
    return ajv;
  }

  has(apiVersion: string, kind: string): boolean {
    return this.known.has(kindKey(apiVersion, kind));
  }

  /** The versions the bundle knows for a kind of this group, to hint at a typo or a removed version. */
  versionsOf(apiVersion: string, kind: string): string[] {
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/') + 1) : '';
    return [...this.known]
      .filter(
        (k) => k.endsWith(`/${kind}`) && (group ? k.startsWith(group) : !k.includes('.') && k.split('/').length === 2),
      )
      .map((k) => k.slice(0, k.length - kind.length - 1));
  }

  /**
   * The Kubernetes schema version built-in kinds of a stack are judged by: its minor if bundled, else the closest
   * older bundled minor (else the oldest). No version (loose YAML): the newest.
   */
  kubernetesSchema(version?: string): { readonly minor: string; readonly version: string; readonly newest: boolean } {
    const newestVersion = this.bundle.sources['k8s.io/kubernetes'] ?? '';
    const minors = Object.keys(this.bundle.kubernetesMinors ?? {}).sort(compareMinor);
    const newest = minorOf(newestVersion) ?? minors[minors.length - 1] ?? '';
    const wanted = version ? minorOf(version) : undefined;
    let minor = newest;
    if (wanted && minors.length) {
      minor = minors.includes(wanted)
        ? wanted
        : ([...minors].reverse().find((m) => compareMinor(m, wanted) <= 0) ?? minors[0]);
    }
    return { minor, version: this.bundle.kubernetesMinors?.[minor] ?? newestVersion, newest: minor === newest };
  }

  /**
   * The validator for a kind, or undefined when the bundle does not know it; built-in kinds by the schema of the given
   * Kubernetes version (see kubernetesSchema). Throws when the schema cannot compile.
   */
  validator(apiVersion: string, kind: string, kubernetesVersion?: string): ValidateFunction | undefined {
    let key = kindKey(apiVersion, kind);
    const entry = this.bundle.kinds[key];
    if (!entry) return undefined;
    let ref = String(entry.schema.$ref);
    if (entry.source === 'kubernetes') {
      const k8s = this.kubernetesSchema(kubernetesVersion);
      // a kind whose definitions did not change since that minor shares the newest validator
      if (!k8s.newest && this.bundle.definitions[`${ref.slice('#/definitions/'.length)}@${k8s.minor}`]) {
        ref = `${ref}@${k8s.minor}`;
        key = `${key}@${k8s.minor}`;
      }
    }
    let v = this.validators.get(key);
    if (!v) {
      v = this.load(key, () => (entry.source === 'crd' ? this.crd(entry.schema) : { $ref: `${DEFS_ID}${ref}` }));
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
      // Keyed by content: the same CRD shipped by many stacks (or runs) is compiled once.
      const key = `crd-${createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 24)}`;
      let fn = this.validators.get(key);
      if (!fn) {
        fn = this.load(key, () => this.crd(schema));
        this.validators.set(key, fn);
      }
      out.set(kindKey(`${spec.group}/${v.name}`, spec.names.kind), fn);
    }
    return out;
  }

  /** From the cache, else compiled (and then cached). */
  private load(key: string, schema: () => Schema): ValidateFunction | Error {
    const cached = this.fromCache(key);
    if (cached) return cached;
    const v = this.compileSafe(schema);
    if (typeof v === 'function') this.toCache(key, v);
    return v;
  }

  private cacheFile(key: string, dir = this.cache): string | undefined {
    return dir ? path.join(dir, `${key.replace(/[^A-Za-z0-9.-]/g, '_')}.js`) : undefined;
  }

  /** A validator compiled by an earlier run or by the build; anything unreadable is ignored and compiled afresh. */
  private fromCache(key: string): ValidateFunction | undefined {
    return this.loadFile(this.cacheFile(key)) ?? this.loadFile(this.cacheFile(key, this.shipped));
  }

  private loadFile(file: string | undefined): ValidateFunction | undefined {
    if (!file || !fs.existsSync(file)) return undefined;
    try {
      const mod = { exports: {} as ValidateFunction };
      // The cached validator is CommonJS code that ajv generated for us (see toCache): run it as a module.
      new Function('module', 'exports', 'require', fs.readFileSync(file, 'utf8'))(mod, mod.exports, runtimeRequire);
      return typeof mod.exports === 'function' ? mod.exports : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Written to a temp file and renamed over any broken one, so a reader never sees half a validator; a cache that
   * cannot be written is skipped.
   */
  private toCache(key: string, v: ValidateFunction): void {
    const file = this.cacheFile(key);
    if (!file) return;
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(tmp, standaloneCode(this.ajv, v));
      fs.renameSync(tmp, file);
    } catch {
      fs.rmSync(tmp, { force: true });
    }
  }

  private crd(schema: Schema): Schema {
    return convertSchema(schema, { crd: true, objectMetaRef: OBJECT_META, onFormat: this.format });
  }

  private compileSafe(schema: () => Schema): ValidateFunction | Error {
    try {
      return this.ajv.compile(schema());
    } catch (e) {
      return e as Error;
    }
  }

  /** Formats ajv does not know are accepted as any string, as the apiserver does with formats it does not know. */
  private readonly format = (name: string): void => {
    if (!this.ajv.formats[name]) this.ajv.addFormat(name, true);
  };
}

/**
 * The kinds cskit defines itself (the AddonBundle CRD of src/model/addon-bundle-crd.ts) join the imported ones, so
 * verify, apply
 * and the manager judge them like any CRD kind; they are code of ours, not imports, so they are not in bundle.json.
 */
function withOwnKinds(b: SchemaBundle): SchemaBundle {
  const kinds = { ...b.kinds };
  for (const crd of [bundleCrd()]) {
    for (const v of crd.spec.versions)
      kinds[kindKey(`${crd.spec.group}/${v.name}`, crd.spec.names.kind)] = {
        source: 'crd',
        schema: v.schema.openAPIV3Schema,
      };
  }
  return { ...b, kinds };
}

function minorOf(version: string): string | undefined {
  return /^v?(\d+\.\d+)/.exec(version)?.[1];
}

/** Bump when the conversion or the generated code changes meaning: older cached validators are then ignored. */
const CACHE_FORMAT = 2;
const RUNTIME = 'cskit:schema-runtime';

/** `$CSKIT_SCHEMA_CACHE` (`off`: none, null), else `<cskit cache>/schema-validators`. */
export function schemaCacheDir(): string | null {
  const env = process.env.CSKIT_SCHEMA_CACHE;
  if (env === 'off') return null;
  return env || path.join(cacheDir(), 'schema-validators');
}

/**
 * `lib/schema-validators/` beside the compiled code (what `npm run build` precompiles); null with
 * `CSKIT_SCHEMA_CACHE=off`, which means: compile everything in the run.
 */
export function shippedSchemaDir(): string | null {
  return process.env.CSKIT_SCHEMA_CACHE === 'off' ? null : path.resolve(__dirname, '..', '..', 'schema-validators');
}

/** The first repeated key tuple of a `x-kubernetes-list-type: map` list, or undefined. */
export function listMapDuplicate(
  data: unknown[],
  keys: string[],
): { keys: string[]; first: number; duplicate: number; value: unknown[] } | undefined {
  const seen = new Map<string, number>();
  for (let i = 0; i < data.length; i++) {
    const item = data[i] as Record<string, unknown> | null;
    if (!item || typeof item !== 'object') continue;
    const value = keys.map((k) => item[k]);
    const key = JSON.stringify(value);
    const first = seen.get(key);
    if (first !== undefined) return { keys, first, duplicate: i, value };
    seen.set(key, i);
  }
  return undefined;
}

/** What cached validator code may require: our helper, and ajv's runtime as this installation has it. */
function runtimeRequire(id: string): unknown {
  // The generated code names its imports at run time (ajv's runtime helpers), so they cannot be static imports.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return id === RUNTIME ? { listMapDuplicate } : require(id);
}

let shared: SchemaRegistry | undefined;

/** One registry per process: compiled validators are reused by every verification in it. */
export function sharedRegistry(): SchemaRegistry {
  shared ??= new SchemaRegistry();
  return shared;
}
