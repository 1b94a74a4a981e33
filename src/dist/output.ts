/**
 * The one rule for every output folder (`cskit synth -o`, `cskit addons render -o`, `cskit manager manifests -o`),
 * because each of them replaces the folder it is given: the folder must be new, empty, or a cskit output folder of
 * the same kind, recognised by its layout (LAYOUT below; no marker file, so the dist/ layout stays what readers
 * expect). Anything else (`.`, the working directory or one above it, a file, a project folder) is refused before
 * anything is touched. An empty result never empties an existing output unless forced (`--force`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { OutputFile, replaceDirAtomic } from '../util/atomic-write';
import { InputError } from '../util/errors';
import { ADDONS_DIR, isStackDir } from './layout';

/** What an output folder holds: synthesized stacks, one cluster's rendered addons, or the manager's manifests. */
export type OutputKind = 'dist' | 'addons' | 'manager';

/** The one file `cskit manager manifests -o` writes (its folder is recognised by it). */
export const MANAGER_MANIFEST_FILE = 'cskit-manager.yaml';

export interface OutputOptions {
  /** The option the folder came from, for messages (default `-o`). */
  readonly flag?: string;
  /** Allow a result without files to empty an existing output folder. */
  readonly force?: boolean;
}

/** What each kind of output folder looks like: every entry must pass, or the folder is not ours to replace. */
const LAYOUT: Record<OutputKind, { describe: string; entry: (dir: string, e: fs.Dirent) => boolean }> = {
  dist: {
    describe: 'only stack folders (<stack>/metadata.yaml), as `cskit synth` writes them',
    entry: (dir, e) => e.isDirectory() && isStackDir(path.join(dir, e.name)),
  },
  addons: {
    describe: `only ${ADDONS_DIR}/NN-<addon>.yaml and crs.yaml, as \`cskit addons render -o\` writes them`,
    entry: (dir, e) =>
      (e.isFile() && e.name === 'crs.yaml') ||
      (e.isDirectory() &&
        e.name === ADDONS_DIR &&
        fs
          .readdirSync(path.join(dir, e.name), { withFileTypes: true })
          .every((a) => a.isFile() && /^\d{2}-[a-z0-9-]+\.yaml$/.test(a.name))),
  },
  manager: {
    describe: `only ${MANAGER_MANIFEST_FILE}, as \`cskit manager manifests -o\` writes it`,
    entry: (_dir, e) => e.isFile() && e.name === MANAGER_MANIFEST_FILE,
  },
};

/** Whether `abs` is the working directory or one of the folders above it. */
function containsCwd(abs: string): boolean {
  const rel = path.relative(abs, process.cwd());
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Checks that `dir` may be replaced by an output of `kind`; throws an InputError saying why not and what to do.
 * Returns the number of entries it holds now (0 when new or empty).
 */
export function checkOutputDir(dir: string, kind: OutputKind, opts: OutputOptions = {}): number {
  const flag = opts.flag ?? '-o';
  if (dir.trim() === '') throw new InputError(`${flag}: empty path; give an output folder such as dist`);
  const abs = path.resolve(dir);
  const fix = 'give a new folder (or an earlier output of the same command)';
  if (containsCwd(abs))
    throw new InputError(
      `${flag} ${dir}: is the working directory or contains it; writing there would replace everything in it; ${fix}`,
    );
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(abs, { throwIfNoEntry: false });
  } catch (e) {
    throw new InputError(`${flag} ${dir}: cannot be a folder (${(e as NodeJS.ErrnoException).code ?? e}); ${fix}`);
  }
  if (!st) return 0;
  if (st.isSymbolicLink()) throw new InputError(`${flag} ${dir}: is a symbolic link; give the folder itself`);
  if (!st.isDirectory()) throw new InputError(`${flag} ${dir}: exists and is not a folder; ${fix}`);
  let entries: fs.Dirent[];
  let ours: boolean;
  try {
    entries = fs.readdirSync(abs, { withFileTypes: true });
    ours = entries.every((e) => LAYOUT[kind].entry(abs, e));
  } catch (e) {
    throw new InputError(`${flag} ${dir}: cannot read the folder (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  if (!ours) {
    const shown = entries.slice(0, 5).map((e) => e.name + (e.isDirectory() ? '/' : ''));
    throw new InputError(
      `${flag} ${dir}: exists and is not an earlier cskit ${kind} output (that holds ${LAYOUT[kind].describe}; ` +
        `this one holds ${shown.join(', ')}${entries.length > 5 ? ', …' : ''}); ` +
        `it would be replaced as a whole; ${fix}`,
    );
  }
  return entries.length;
}

/**
 * Replaces the output folder `dir` with `files`, atomically, after checkOutputDir. A result with
 * no files that would empty an existing output is refused unless `force`.
 */
export function writeOutputDir(
  dir: string,
  kind: OutputKind,
  files: readonly OutputFile[],
  opts: OutputOptions = {},
): void {
  const existing = checkOutputDir(dir, kind, opts);
  if (files.length === 0 && existing > 0 && !opts.force)
    throw new InputError(
      `${opts.flag ?? '-o'} ${dir}: the result is empty and would delete the ${existing} entries there; ` +
        'check the input (e.g. a lock without stacks), or pass --force to empty it',
    );
  try {
    replaceDirAtomic(dir, files);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new InputError(`${opts.flag ?? '-o'} ${dir}: cannot write (${err.code ?? err.message}); nothing was changed`);
  }
}
