import * as fs from 'fs';
import * as path from 'path';
import { isStackDir } from '../../dist/layout';
import { MANAGER_MANIFEST_FILE } from '../../dist/output';
import { StackMetadata, readStackDir } from '../../dist/stack-dir';
import { KObject } from '../../model/object';
import { InputError } from '../../util/errors';
import { readYamlFile } from '../../util/yaml';

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
  readonly metadata?: StackMetadata;
  readonly objects: Located[];
  /** For a stack folder: every file's path relative to it and its text (the lock's content hash covers them). */
  readonly files?: ReadonlyArray<{ readonly path: string; readonly content: string }>;
  /** `manager`: the addon manager's own manifests (`cskit manager manifests`), not a cluster stack. */
  readonly kind?: 'manager';
}

/** The name the manager's manifests are reported under. */
export const MANAGER_STACK = 'cskit-manager';

/** A folder `cskit manager manifests -o` wrote: it holds the manager's manifest file. */
function isManagerOutput(dir: string): boolean {
  return fs.existsSync(path.join(dir, MANAGER_MANIFEST_FILE));
}

/** Every mapping document of a loose YAML file (not a stack folder), read with the one YAML reader. */
export function readObjects(file: string): Located[] {
  return readYamlFile(file, 'manifest').flatMap((d) =>
    d.value && typeof d.value === 'object' && !Array.isArray(d.value)
      ? [{ obj: d.value as KObject, file, doc: d.index }]
      : [],
  );
}

/**
 * Reads rendered YAML from files and directories. A directory holding metadata.yaml is one stack (our dist/ layout
 * or a CSO release); a directory of stacks is walked; other YAML becomes one stack per ClusterClass it contains.
 */
export function loadStacks(paths: readonly string[]): StackInput[] {
  const stacks: StackInput[] = [];
  const loose: Located[] = [];
  const visit = (p: string) => {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(p, { throwIfNoEntry: false });
    } catch (e) {
      throw new InputError(`${p}: cannot read (${(e as NodeJS.ErrnoException).code ?? e})`);
    }
    if (!st) {
      throw new InputError(
        `${p}: no such file or directory; give stack folders, directories of them or YAML files` +
          (path.basename(p) === 'dist' ? ' (create dist/ with `npm run build && npx cdk8s synth`)' : ''),
      );
    }
    if (st.isDirectory() && isStackDir(p)) {
      const dir = readStackDir(p);
      stacks.push({
        name: dir.name,
        dir: p,
        metadata: dir.metadata,
        objects: dir.objects.map(({ obj, file, doc }) => ({ obj, file, doc })),
        files: dir.files,
      });
    } else if (st.isDirectory() && isManagerOutput(p)) {
      stacks.push({
        name: MANAGER_STACK,
        dir: p,
        kind: 'manager',
        objects: readObjects(path.join(p, MANAGER_MANIFEST_FILE)),
      });
    } else if (st.isDirectory()) {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
      } catch (e) {
        throw new InputError(`${p}: cannot list the folder (${(e as NodeJS.ErrnoException).code ?? e})`);
      }
      for (const e of entries) {
        const child = path.join(p, e.name);
        if (e.isDirectory()) visit(child);
        else if (/\.ya?ml$/.test(e.name)) loose.push(...readObjects(child));
      }
    } else if (st.isFile() && path.basename(p) === MANAGER_MANIFEST_FILE) {
      stacks.push({ name: MANAGER_STACK, kind: 'manager', objects: readObjects(p) });
    } else if (st.isFile()) {
      loose.push(...readObjects(p));
    } else {
      throw new InputError(`${p}: not a file or folder; give stack folders, directories of them or YAML files`);
    }
  };
  paths.forEach(visit);
  if (!stacks.length && loose.length && !loose.some((l) => l.obj.apiVersion && l.obj.kind)) {
    throw new InputError(
      `no Kubernetes objects (nothing with apiVersion and kind) in ${paths.join(', ')}; ` +
        'pass rendered manifests or a stack folder',
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
