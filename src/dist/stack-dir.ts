/**
 * readStackDir: the one reader of a stack folder (dist/<stack>/ or a CSO release folder) for verify, apply,
 * `addons list/render` and the manager. It reads every file through the one YAML reader with the right input kind,
 * checks metadata.yaml and addons.yaml, and never reads a file outside the folder (symbolic links leaving it and
 * index entries naming other paths are errors).
 */
import * as fs from 'fs';
import * as path from 'path';
import { KObject } from '../model/object';
import { InputError } from '../util/errors';
import { InputKind, parseYaml, readTextFile } from '../util/yaml';
import { AddonIndex, parseAddonIndex } from './addon-index';
import { ADDON_BUNDLE_FILE, ADDON_INDEX_FILE, CLUSTER_CLASS_FILE, METADATA_FILE } from './layout';

/** metadata.yaml of a stack version (CSO release metadata); only the fields cskit reads are typed. */
export interface StackMetadata {
  apiVersion?: string;
  versions?: { clusterStack?: string; kubernetes?: string; components?: Record<string, unknown> };
  [k: string]: unknown;
}

/** A document of a stack folder's YAML that is a mapping, and where it is. */
export interface StackObject {
  readonly obj: KObject;
  /** The file, as the folder was given plus the relative path (for messages). */
  readonly file: string;
  /** Path relative to the stack folder, `/`-separated. */
  readonly path: string;
  /** 1-based document index in the file. */
  readonly doc: number;
}

export interface StackDir {
  /** The folder's name, e.g. `openstack-scs-1-36-v1`. */
  readonly name: string;
  readonly dir: string;
  readonly metadata: StackMetadata;
  /** Every YAML file read, relative path and text (the lock's content hash covers them). */
  readonly files: ReadonlyArray<{ readonly path: string; readonly content: string }>;
  /** Every mapping document of every YAML file but metadata.yaml and addons.yaml, in file order. */
  readonly objects: StackObject[];
  /** addons.yaml, checked, when the stack ships addons; every entry's file is among `files`. */
  readonly addonIndex?: AddonIndex;
}

export interface ReadStackOptions {
  /**
   * `class`: only metadata.yaml, cluster-class.yaml and addon-bundle.yaml, files only (what apply sends; it parses
   * them as manifests itself);
   * `all` (default): every YAML file, objects parsed.
   */
  readonly read?: 'class' | 'all';
}

const YAML_FILE = /\.ya?ml$/;

/** Every *.yaml / *.yml below `dir`, relative and sorted; a symbolic link that leaves `root` is an error. */
function yamlFilesIn(root: string, realRoot: string, rel = ''): string[] {
  const dir = path.join(root, rel);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new InputError(`${dir}: cannot list the folder (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const out: string[] = [];
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    let isDir = e.isDirectory();
    if (e.isSymbolicLink()) {
      let target: string;
      try {
        target = fs.realpathSync.native(path.join(root, r));
      } catch (err) {
        throw new InputError(`${path.join(root, r)}: a broken symbolic link (${(err as NodeJS.ErrnoException).code})`);
      }
      const inside = path.relative(realRoot, target);
      if (inside.startsWith('..') || path.isAbsolute(inside))
        throw new InputError(`${path.join(root, r)}: a symbolic link to ${target}, outside the stack folder ${root}`);
      isDir = fs.statSync(target).isDirectory();
    }
    if (isDir) out.push(...yamlFilesIn(root, realRoot, r));
    else if (YAML_FILE.test(e.name)) out.push(r);
  }
  return out;
}

/** The one mapping document of metadata.yaml, checked. */
function parseMetadata(text: string, file: string): StackMetadata {
  const docs = parseYaml(text, file, 'metadata').filter((d) => d.value !== null && d.value !== undefined);
  const what = 'expecting one mapping (apiVersion, versions.clusterStack, versions.kubernetes)';
  if (docs.length !== 1) throw new InputError(`${file}: ${what}, found ${docs.length} documents`);
  const v = docs[0].value;
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new InputError(
      `${file}: ${what}, found ${Array.isArray(v) ? 'a list' : `the ${typeof v} ${JSON.stringify(v)}`}`,
    );
  const m = v as StackMetadata;
  if (m.versions !== undefined && (m.versions === null || typeof m.versions !== 'object' || Array.isArray(m.versions)))
    throw new InputError(`${file}: versions: expecting a mapping (clusterStack, kubernetes, components)`);
  for (const k of ['clusterStack', 'kubernetes'] as const) {
    const x = m.versions?.[k];
    if (x !== undefined && typeof x !== 'string')
      throw new InputError(`${file}: versions.${k}: expecting a string such as v1.36.4, found ${JSON.stringify(x)}`);
  }
  return m;
}

/** Reads and checks the stack folder `dir` (see the module comment); errors name the file and the field. */
export function readStackDir(dir: string, opts: ReadStackOptions = {}): StackDir {
  const metaFile = path.join(dir, METADATA_FILE);
  let rels: string[];
  if (opts.read === 'class') {
    rels = [METADATA_FILE];
    for (const f of [CLUSTER_CLASS_FILE, ADDON_BUNDLE_FILE]) if (fs.existsSync(path.join(dir, f))) rels.push(f);
  } else {
    let realRoot: string;
    try {
      realRoot = fs.realpathSync.native(dir);
    } catch (e) {
      throw new InputError(`${dir}: cannot read the stack folder (${(e as NodeJS.ErrnoException).code ?? e})`);
    }
    rels = yamlFilesIn(dir, realRoot);
  }
  const files = rels.map((rel) => {
    const file = path.join(dir, rel);
    const kind: InputKind = rel === METADATA_FILE ? 'metadata' : rel === ADDON_INDEX_FILE ? 'addon-index' : 'manifest';
    return { path: rel, file, kind, content: readTextFile(file, kind) };
  });
  const metadata = parseMetadata(files.find((f) => f.path === METADATA_FILE)?.content ?? '', metaFile);
  const objects: StackObject[] = [];
  let addonIndex: AddonIndex | undefined;
  for (const f of files) {
    if (f.path === METADATA_FILE || opts.read === 'class') continue;
    const docs = parseYaml(f.content, f.file, f.kind);
    if (f.path === ADDON_INDEX_FILE) {
      const values = docs.map((d) => d.value).filter((v) => v !== null && v !== undefined);
      if (values.length !== 1)
        throw new InputError(`${f.file}: expecting one addon index document, found ${values.length}`);
      addonIndex = parseAddonIndex(values[0], f.file);
      continue;
    }
    for (const d of docs)
      if (d.value && typeof d.value === 'object' && !Array.isArray(d.value))
        objects.push({ obj: d.value as KObject, file: f.file, path: f.path, doc: d.index });
  }
  if (addonIndex) {
    const missing = addonIndex.addons.filter((a) => !files.some((f) => f.path === a.file));
    if (missing.length)
      throw new InputError(
        `${path.join(dir, ADDON_INDEX_FILE)}: ${missing.map((a) => `addon ${a.name}: ${a.file}`).join(', ')} ` +
          'not in the stack folder; run `cskit synth` again',
      );
  }
  return {
    name: path.basename(path.resolve(dir)),
    dir,
    metadata,
    files: files.map(({ path: p, content }) => ({ path: p, content })),
    objects,
    addonIndex,
  };
}
