/**
 * The one YAML reader for everything cskit reads: manifests and dist/ stacks, Cluster files, kubeconfigs, the lock,
 * metadata.yaml, addon indexes, version data. One reader so that every command accepts and rejects the same input:
 *
 * - YAML 1.1, as cdk8s writes dist/ and as kubectl (go-yaml v2) reads it: `yes`/`no`/`on`/`off` are booleans,
 *   `0755` is octal, `<<` merges; timestamps stay strings (Kubernetes fields are RFC 3339 strings, never dates).
 *   js-yaml with a 1.1 schema of our own, because it parses large inputs about 10× faster than the `yaml` package
 *   (bench/verify reads 10k objects).
 * - Bounded: a size limit per kind of input (stated in the error), and aliases may not expand a document beyond
 *   what its text could hold (the "billion laughs" bomb) nor refer to themselves (cycles break every later walk).
 * - Strict text: invalid UTF-8, NUL and other control characters and `%YAML` versions other than 1.1/1.2 are errors
 *   with file:line:column, where a lenient reader would turn them into U+FFFD and ship a corrupted value.
 */
import * as fs from 'fs';
import { isUtf8 } from 'buffer';
import { FAILSAFE_SCHEMA, Type, YAMLException, loadAll } from 'js-yaml';
import { InputError } from './errors';

/** What an input is: decides its size limit and how errors name it. */
export type InputKind = 'manifest' | 'cluster' | 'kubeconfig' | 'lock' | 'metadata' | 'addon-index' | 'data';

const MiB = 1024 * 1024;

/**
 * Size limits per kind. A Kubernetes object is at most ~1.5 MiB (etcd's request limit), so a manifest file holds a
 * few thousand large objects at most; the others are small by nature and a huge one is a wrong file.
 */
export const INPUT_LIMITS: Readonly<Record<InputKind, { readonly bytes: number; readonly what: string }>> = {
  manifest: { bytes: 64 * MiB, what: 'manifest file' },
  cluster: { bytes: 1 * MiB, what: 'Cluster file' },
  kubeconfig: { bytes: 4 * MiB, what: 'kubeconfig' },
  lock: { bytes: 4 * MiB, what: 'lock file' },
  metadata: { bytes: 1 * MiB, what: 'metadata.yaml' },
  'addon-index': { bytes: 4 * MiB, what: 'addon index' },
  data: { bytes: 64 * MiB, what: 'data file' },
};

/** One YAML document of a stream. */
export interface YamlDoc {
  readonly value: unknown;
  /** 1-based position of the document in the stream. */
  readonly index: number;
  /** 1-based line where the document starts. */
  readonly line: number;
}

// --- YAML 1.1 scalars (https://yaml.org/type/), as go-yaml v2 resolves them -------------------------------------

const BOOL_TRUE = /^(?:y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const BOOL_FALSE = /^(?:n|N|no|No|NO|false|False|FALSE|off|Off|OFF)$/;
const bool11 = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  // first-character filters keep the per-scalar cost of plain strings (names, images) near zero (bench/verify)
  resolve: (s: string) => 'yYnNtTfFoO'.includes(s[0]) && s.length <= 5 && (BOOL_TRUE.test(s) || BOOL_FALSE.test(s)),
  construct: (s: string) => BOOL_TRUE.test(s),
  predicate: (v: unknown) => typeof v === 'boolean',
  represent: (v: object) => String(v),
});

const INT = /^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]+|0|[1-9][0-9_]*(?::[0-5]?[0-9])*)$/;
function constructInt(s: string): number {
  const sign = s.startsWith('-') ? -1 : 1;
  const t = s.replace(/^[-+]/, '').replace(/_/g, '');
  if (t.startsWith('0b')) return sign * parseInt(t.slice(2), 2);
  if (t.startsWith('0x')) return sign * parseInt(t.slice(2), 16);
  if (t.length > 1 && t.startsWith('0')) return sign * parseInt(t, 8);
  if (t.includes(':')) return sign * t.split(':').reduce((acc, d) => acc * 60 + Number(d), 0);
  return sign * Number(t);
}
const int11 = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (s: string) => '-+0123456789'.includes(s[0]) && INT.test(s) && /[0-9]/.test(s),
  construct: constructInt,
  predicate: (v: unknown) => typeof v === 'number' && Number.isInteger(v),
  represent: (v: object) => String(v),
});

// go-yaml v2 (kubectl) also reads an exponent without a dot (`1e3`) as a float, as the `yaml` package's 1.1 does.
const DECIMAL_FLOAT = /[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)/.source;
const SEXAGESIMAL_FLOAT = /[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*/.source;
const FLOAT = new RegExp(`^(?:${DECIMAL_FLOAT}|${SEXAGESIMAL_FLOAT}|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$`);
function constructFloat(s: string): number {
  const t = s.replace(/_/g, '');
  if (/\.(?:inf|Inf|INF)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/\.(?:nan|NaN|NAN)$/.test(t)) return NaN;
  if (t.includes(':')) {
    const sign = t.startsWith('-') ? -1 : 1;
    return (
      sign *
      t
        .replace(/^[-+]/, '')
        .split(':')
        .reduce((acc, d) => acc * 60 + Number(d), 0)
    );
  }
  return Number(t);
}
const float11 = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (s: string) =>
    '-+.0123456789'.includes(s[0]) && FLOAT.test(s) && /[0-9]|inf|nan/i.test(s) && !/^[-+]?\.?[eE]/.test(s),
  construct: constructFloat,
  predicate: (v: unknown) => typeof v === 'number' && !Number.isInteger(v),
  represent: (v: object) => String(v),
});

const null11 = new Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (s: string) => s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL',
  construct: () => null,
  predicate: (v: unknown) => v === null,
  represent: () => 'null',
});

// js-yaml merges a mapping's values into its parent when the key resolves to this tag.
const merge11 = new Type('tag:yaml.org,2002:merge', { kind: 'scalar', resolve: (s: string) => s === '<<' });

/** YAML 1.1 as Kubernetes reads it: null, bool, int, float and merge keys; no timestamps, binaries or sets. */
export const YAML_11_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [null11, bool11, int11, float11, merge11],
});

// --- strict text ---------------------------------------------------------------------------------------------

function position(text: string, offset: number): string {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return `${line}:${offset - last}`;
}

function firstInvalidUtf8(buf: Buffer): number {
  for (let i = 0; i < buf.length;) {
    const b = buf[i];
    const n = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > buf.length || (n > 1 && !isUtf8(buf.subarray(i, i + n)))) return i;
    i += n;
  }
  return -1;
}

/** Decodes strictly: a byte sequence that is not UTF-8 is an error at its line and column, never U+FFFD. */
function decode(buf: Buffer, source: string): string {
  if (isUtf8(buf)) return buf.toString('utf8');
  const at = firstInvalidUtf8(buf);
  const before = buf.subarray(0, Math.max(at, 0)).toString('utf8');
  throw new InputError(
    `${source}:${position(before + ' ', before.length)}: invalid UTF-8 (byte 0x${buf[at]?.toString(16)}); ` +
      'save the file as UTF-8 (Secret values that are binary belong base64-encoded in `data`, not in `stringData`)',
  );
}

// --- aliases ---------------------------------------------------------------------------------------------------

/**
 * Walks a parsed document as a consumer would (aliases expanded) and stops at a cycle or once the walk visits more
 * nodes than `budget`. js-yaml keeps aliases as shared references, so parsing a bomb is cheap; the damage comes
 * later (JSON.stringify, schema validation, apply). go-yaml refuses the same documents ("excessive aliasing").
 */
function checkAliases(value: unknown, budget: number): 'cycle' | 'excessive' | undefined {
  let visited = 0;
  const path = new Set<object>();
  const walk = (v: unknown): 'cycle' | 'excessive' | undefined => {
    if (++visited > budget) return 'excessive';
    if (v === null || typeof v !== 'object') return undefined;
    if (path.has(v)) return 'cycle';
    path.add(v);
    for (const c of Array.isArray(v) ? v : Object.values(v)) {
      const r = walk(c);
      if (r) return r;
    }
    path.delete(v);
    return undefined;
  };
  return walk(value);
}

/** The 1-based line of the first line in `text[from, to)` that holds content (not blank, comment or directive). */
function firstContentLine(text: string, from: number, to: number, line: number): number | undefined {
  for (let i = from; i < to;) {
    const end = text.indexOf('\n', i);
    const stop = end === -1 || end > to ? to : end;
    const l = text.slice(i, stop).trim();
    if (l && !l.startsWith('#') && !l.startsWith('%')) return line;
    line++;
    i = stop + 1;
  }
  return undefined;
}

/**
 * 1-based start line of each document: a `---` line at column 0 always starts one (never allowed in content), and
 * so does the first content line of the stream or after a `...` end marker. Scans marker to marker (no per-line
 * split: dist/ files hold thousands of lines and one marker per object).
 */
function documentLines(text: string): number[] {
  const starts: number[] = [];
  const marker = /^(---|\.\.\.)(?=[ \t\r\n]|$)/gm;
  let line = 1;
  let pos = 0;
  let open = false; // a document has started and not been ended by `...`
  const advance = (to: number) => {
    for (let i = text.indexOf('\n', pos); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) line++;
    pos = to;
  };
  for (let m = marker.exec(text); ; m = marker.exec(text)) {
    const at = m ? m.index : text.length;
    if (!open) {
      const first = firstContentLine(text, pos, at, line);
      if (first !== undefined) starts.push(first); // the marker below decides whether it is still open
    }
    if (!m) break;
    advance(at);
    if (m[1] === '---') {
      starts.push(line);
      open = true;
    } else open = false;
    // the rest of the marker line belongs to it (`--- |` starts a block scalar there)
    const eol = text.indexOf('\n', at);
    advance(eol === -1 ? text.length : eol + 1);
    marker.lastIndex = pos;
  }
  return starts;
}

// --- the reader ------------------------------------------------------------------------------------------------

function tooLarge(source: string, bytes: number, kind: InputKind): InputError {
  const { bytes: max, what } = INPUT_LIMITS[kind];
  return new InputError(
    `${source}: ${(bytes / MiB).toFixed(1)} MiB is larger than the ${max / MiB} MiB cskit reads for a ${what}; ` +
      'split it into smaller files or check that it is the file you meant',
  );
}

/** Parses a YAML stream (one or more documents) into plain values. Throws InputError with file:line:column. */
export function parseYaml(input: string | Buffer, source: string, kind: InputKind): YamlDoc[] {
  const bytes = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (bytes > INPUT_LIMITS[kind].bytes) throw tooLarge(source, bytes, kind);
  const text = (typeof input === 'string' ? input : decode(input, source)).replace(/^\uFEFF/, '');
  let values: unknown[];
  try {
    values = loadAll(text, undefined, {
      schema: YAML_11_SCHEMA,
      filename: source,
      onWarning: (w: YAMLException) => {
        throw w;
      },
    });
  } catch (e) {
    if (!(e instanceof YAMLException)) throw e;
    const where = e.mark ? `${source}:${e.mark.line + 1}:${e.mark.column + 1}` : source;
    const reason = /unsupported YAML version|unacceptable YAML version/.test(e.reason)
      ? `${e.reason} (only %YAML 1.1 and 1.2 are read)`
      : e.reason;
    throw new InputError(`${where}: ${reason}`);
  }
  const starts = documentLines(text);
  // A document may expand to at most 100 nodes per byte of its stream (plus a floor for tiny texts): far above any
  // real manifest, far below what a few lines of nested aliases would make.
  const budget = Math.max(100_000, text.length * 100);
  // an alias is `*name` after white space or a flow indicator; a quoted "*" (RBAC verbs) is none
  const aliases = /(?:^|[\s[{,:-])\*[^\s,\]}]/.test(text);
  return values.map((value, i) => {
    const line = starts[i] ?? 1;
    const bad = aliases ? checkAliases(value, budget) : undefined;
    if (bad === 'cycle')
      throw new InputError(`${source}:${line}: document ${i + 1} refers to itself through an alias; remove the cycle`);
    if (bad === 'excessive')
      throw new InputError(
        `${source}:${line}: document ${i + 1} expands its aliases to more than ${budget} values; ` +
          'write the values out instead of nesting aliases',
      );
    return { value, index: i + 1, line };
  });
}

/** Reads a file as strict UTF-8 text within the size limit of its kind; errors name the file and the fix. */
export function readTextFile(file: string, kind: InputKind): string {
  return decode(readBytes(file, kind), file);
}

function readBytes(file: string, kind: InputKind): Buffer {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw fileError(file, e, kind);
  }
  if (st.isDirectory())
    throw new InputError(`${file}: is a directory; give the path of a ${INPUT_LIMITS[kind].what}, not a folder`);
  if (st.isFile() && st.size > INPUT_LIMITS[kind].bytes) throw tooLarge(file, st.size, kind);
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw fileError(file, e, kind);
  }
  if (buf.length > INPUT_LIMITS[kind].bytes) throw tooLarge(file, buf.length, kind);
  return buf;
}

function fileError(file: string, e: unknown, kind: InputKind): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const what = INPUT_LIMITS[kind].what;
  if (code === 'ENOENT') return new InputError(`${file}: no such file; give the path of an existing ${what}`);
  if (code === 'EACCES' || code === 'EPERM')
    return new InputError(`${file}: permission denied; make the ${what} readable for this user`);
  if (code === 'ENOTDIR') return new InputError(`${file}: a part of this path is a file, not a folder`);
  if (code === 'EISDIR') return new InputError(`${file}: is a directory; give the path of a ${what}, not a folder`);
  return new InputError(`${file}: cannot read the ${what} (${code ?? (e as Error).message})`);
}

/** Reads and parses a YAML (or JSON) file of the given kind. */
export function readYamlFile(file: string, kind: InputKind): YamlDoc[] {
  return parseYaml(readBytes(file, kind), file, kind);
}
