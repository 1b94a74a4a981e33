/**
 * A faster writer of the YAML cdk8s' `Yaml.stringify` writes, byte for byte, for the plain JSON trees the class
 * charts produce: cdk8s' writer (the `yaml` package, YAML 1.1, `lineWidth: 0`) is about half of building a class
 * (bench:synth). Only what this writer knows is written by it: maps, lists, integers, booleans, null and one-line
 * strings; how a string that is not obviously plain is quoted is asked of cdk8s' writer itself (once per string).
 * A document holding anything else (a multi-line string, a non-integer number, a list directly in a list, an object
 * met twice, which `yaml` writes as an anchor) is handed to `Yaml.stringify` whole, so the output never differs;
 * test/synth/yaml-writer.test.ts compares both over every shipped stack and over awkward values.
 */
import { Yaml } from 'cdk8s';

/** Strings that YAML 1.1 reads back as a string when written plain: no indicator, number, bool, null or date. */
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./-]*(?: [A-Za-z0-9_./-]+)*$/;
const YAML11_WORDS =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;

/** Thrown inside a document this writer leaves to cdk8s' writer. */
class Unsupported extends Error {}

const scalarCache = new Map<string, string>();

/** A one-line string as `yaml` writes it in block context; Unsupported when `yaml` would need more than one line. */
function stringScalar(s: string): string {
  if (PLAIN.test(s) && !YAML11_WORDS.test(s)) return s;
  let out = scalarCache.get(s);
  if (out === undefined) {
    const text = Yaml.stringify(s);
    out = text.endsWith('\n') && text.indexOf('\n') === text.length - 1 ? text.slice(0, -1) : '\n';
    scalarCache.set(s, out);
  }
  if (out.includes('\n')) throw new Unsupported();
  return out;
}

function scalar(v: unknown, seen: Set<object>): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return stringScalar(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
      throw new Unsupported();
    case 'object': {
      const empty = Array.isArray(v) ? (v.length ? undefined : '[]') : Object.keys(v).length ? undefined : '{}';
      if (empty && seen.has(v)) throw new Unsupported(); // `yaml` writes an anchor and an alias
      if (empty) seen.add(v);
      return empty;
    }
    default:
      throw new Unsupported(); // undefined, functions, bigint: cdk8s' writer decides
  }
}

/** A map key: only keys `yaml` writes plain. */
function key(k: string): string {
  if (!PLAIN.test(k) || YAML11_WORDS.test(k)) throw new Unsupported();
  return k;
}

function writeMap(o: Record<string, unknown>, indent: string, out: string[], seen: Set<object>, first?: string) {
  let lead = first;
  for (const [k, v] of Object.entries(o)) {
    const prefix = lead ?? indent;
    lead = undefined;
    const s = scalar(v, seen);
    if (s !== undefined) {
      out.push(`${prefix}${key(k)}: ${s}\n`);
      continue;
    }
    out.push(`${prefix}${key(k)}:\n`);
    writeNode(v as object, `${indent}  `, out, seen);
  }
}

function writeNode(v: object, indent: string, out: string[], seen: Set<object>): void {
  if (seen.has(v)) throw new Unsupported(); // `yaml` writes an anchor and an alias
  seen.add(v);
  if (!Array.isArray(v)) return writeMap(v as Record<string, unknown>, indent, out, seen);
  for (const item of v) {
    const s = scalar(item, seen);
    if (s !== undefined) out.push(`${indent}- ${s}\n`);
    else if (Array.isArray(item)) throw new Unsupported();
    else {
      if (seen.has(item as object)) throw new Unsupported();
      seen.add(item as object);
      writeMap(item as Record<string, unknown>, `${indent}  `, out, seen, `${indent}- `);
    }
  }
}

function document(doc: unknown): string {
  try {
    const seen = new Set<object>();
    const s = scalar(doc, seen);
    if (s !== undefined) return `${s}\n`;
    const out: string[] = [];
    writeNode(doc as object, '', out, seen);
    return out.join('');
  } catch (e) {
    if (e instanceof Unsupported) return Yaml.stringify(doc);
    throw e;
  }
}

/** `Yaml.stringify(...docs)` of cdk8s, byte for byte. */
export function stringifyYaml(...docs: unknown[]): string {
  return docs.map((d) => (d === undefined ? '\n' : document(d))).join('---\n');
}
