import * as fs from 'fs';
import * as path from 'path';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { KObject } from '../../kube/types';

/** A rendered object and where it came from (file, document index), for messages. */
export interface Located {
  readonly obj: KObject;
  readonly file: string;
  readonly doc: number;
}

/** The objects of one cluster stack (a dist/<name>/ folder, or what one ClusterClass and its templates make). */
export interface StackInput {
  readonly name: string;
  readonly dir?: string;
  readonly metadata?: { versions?: { kubernetes?: string; clusterStack?: string } };
  readonly objects: Located[];
  /** For a stack folder: every file's path relative to it and its text (the lock's content hash covers them). */
  readonly files?: ReadonlyArray<{ readonly path: string; readonly content: string }>;
}

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

function yamlFiles(p: string): string[] {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) throw new InputError(`${p}: no such file or directory`);
  if (st.isFile()) return [p];
  return fs
    .readdirSync(p, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) =>
      e.isDirectory() ? yamlFiles(path.join(p, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(p, e.name)] : [],
    );
}

export function readObjects(file: string, text = fs.readFileSync(file, 'utf8')): Located[] {
  // js-yaml (YAML 1.2 core schema, as the yaml library's default) is ~10× faster on large inputs (bench/verify);
  // on a parse error the yaml library reads the file again to name the broken document.
  let fast: unknown[] | undefined;
  try {
    fast = loadAll(text, undefined, { schema: CORE_SCHEMA, filename: file });
  } catch {
    /* reported below */
  }
  if (fast)
    return fast.flatMap((obj, i) =>
      obj && typeof obj === 'object' && !Array.isArray(obj) ? [{ obj: obj as KObject, file, doc: i + 1 }] : [],
    );
  const docs = parseAllDocuments(text);
  const out: Located[] = [];
  docs.forEach((d, i) => {
    if (d.errors.length)
      throw new InputError(`${file}: document ${i + 1}: ${d.errors[0].message.split('\n')[0].replace(/:$/, '')}`);
    const obj = d.toJS();
    if (obj && typeof obj === 'object' && !Array.isArray(obj)) out.push({ obj, file, doc: i + 1 });
  });
  return out;
}

/**
 * Reads rendered YAML from files and directories. A directory holding metadata.yaml is one stack (our dist/ layout
 * or a CSO release); a directory of stacks is walked; other YAML becomes one stack per ClusterClass it contains.
 */
export function loadStacks(paths: readonly string[]): StackInput[] {
  const stacks: StackInput[] = [];
  const loose: Located[] = [];
  const visit = (p: string) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) {
      throw new InputError(
        `${p}: no such file or directory; give stack folders, directories of them or YAML files${path.basename(p) === 'dist' ? ' (create dist/ with `npm run build && npx cdk8s synth`)' : ''}`,
      );
    }
    if (st.isDirectory() && fs.existsSync(path.join(p, 'metadata.yaml'))) {
      const files = yamlFiles(p).map((f) => ({
        file: f,
        path: path.relative(p, f).split(path.sep).join('/'),
        content: fs.readFileSync(f, 'utf8'),
      }));
      const meta = readObjects(path.join(p, 'metadata.yaml'), files.find((f) => f.path === 'metadata.yaml')?.content)[0]
        ?.obj as StackInput['metadata'];
      const objects = files
        .filter((f) => !/(^|\/)(metadata|addons)\.yaml$/.test(f.path))
        .flatMap((f) => readObjects(f.file, f.content));
      stacks.push({
        name: path.basename(path.resolve(p)),
        dir: p,
        metadata: meta,
        objects,
        files: files.map(({ path: rel, content }) => ({ path: rel, content })),
      });
    } else if (st.isDirectory()) {
      const entries = fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
      for (const e of entries) {
        const child = path.join(p, e.name);
        if (e.isDirectory()) visit(child);
        else if (/\.ya?ml$/.test(e.name)) loose.push(...readObjects(child));
      }
    } else {
      loose.push(...readObjects(p));
    }
  };
  paths.forEach(visit);
  if (!stacks.length && loose.length && !loose.some((l) => l.obj.apiVersion && l.obj.kind)) {
    throw new InputError(
      `no Kubernetes objects (nothing with apiVersion and kind) in ${paths.join(', ')}; pass rendered manifests or a stack folder`,
    );
  }
  const classes = loose.filter((l) => l.obj.kind === 'ClusterClass');
  // each class with the loose templates and addons, but not the other classes (else every class is checked N times)
  for (const cc of classes)
    stacks.push({
      name: String(cc.obj.metadata?.name),
      objects: loose.filter((l) => l === cc || l.obj.kind !== 'ClusterClass'),
    });
  if (!classes.length && loose.length) stacks.push({ name: 'objects', objects: loose });
  if (!stacks.length) throw new InputError(`no Kubernetes objects found in ${paths.join(', ')}`);
  return stacks;
}
