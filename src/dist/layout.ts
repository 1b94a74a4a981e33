/**
 * The `dist/` layout, in one place: synth writes it, and verify, apply, `addons list/render` and the manager read it
 * through this module, so what a stack folder is and where its files live is decided once.
 *
 *   dist/                          a cskit output folder (only stack folders; the -o rule is in output.ts)
 *     <provider>-<stack>-<maj>-<min>-v<N>/   one stack version (a "stack folder": it holds metadata.yaml)
 *       cluster-class.yaml         the ClusterClass and its templates (what `cskit apply` sends)
 *       metadata.yaml              CSO release metadata (one mapping)
 *       addons.yaml                the addon index (addon-index.ts), when the stack ships addons
 *       addons/NN-<addon>.yaml     one file per addon, in install order, with `{{…}}` per-cluster expressions
 *       addon-bundle.yaml          the same addons as AddonBundle object(s) for the management cluster (src/bundle/),
 *                                  which `cskit apply` sends with the class
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../util/errors';

export const CLUSTER_CLASS_FILE = 'cluster-class.yaml';
export const METADATA_FILE = 'metadata.yaml';
export const ADDON_INDEX_FILE = 'addons.yaml';
export const ADDONS_DIR = 'addons';
export const ADDON_BUNDLE_FILE = 'addon-bundle.yaml';

/** `addons/NN-<addon>.yaml`, relative to the stack folder (also the layout of `cskit addons render -o`). */
export const addonFilePath = (order: number, name: string): string =>
  `${ADDONS_DIR}/${String(order).padStart(2, '0')}-${name}.yaml`;

/**
 * A stack folder is a folder holding metadata.yaml: our dist/<stack>/, or a CSO release folder. Verify, apply and
 * render all decide it here.
 */
export function isStackDir(dir: string): boolean {
  try {
    return fs.statSync(path.join(dir, METADATA_FILE), { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false; // ENOTDIR (dir is a file), EACCES: not a stack folder we can read; the caller's reader says why
  }
}

/** Checks that `distDir` (a `--dist` option) is a folder; the error names the option and the fix. */
export function checkDistDir(distDir: string): void {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(distDir, { throwIfNoEntry: false });
  } catch (e) {
    throw new InputError(`--dist ${distDir}: cannot read (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  if (!st)
    throw new InputError(`--dist ${distDir}: no such folder; run \`cskit synth\` first, or pass --dist <folder>`);
  if (!st.isDirectory())
    throw new InputError(`--dist ${distDir}: not a folder; give the folder \`cskit synth\` wrote (default: dist)`);
}

/** The stack folders directly inside `distDir`, by name. */
export function listStacks(distDir: string): string[] {
  checkDistDir(distDir);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(distDir, { withFileTypes: true });
  } catch (e) {
    throw new InputError(`--dist ${distDir}: cannot list (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  return entries
    .filter((e) => e.isDirectory() && isStackDir(path.join(distDir, e.name)))
    .map((e) => e.name)
    .sort();
}

/**
 * The folder of stack `stack` in `distDir`. The name must be one folder name (it becomes a path: `../x` must not
 * reach outside `distDir`) of a stack folder that exists; the error lists the stacks there.
 */
export function stackDirIn(distDir: string, stack: string): string {
  checkDistDir(distDir);
  if (!stack || /[\\/\0]/.test(stack) || stack === '.' || stack === '..')
    throw new InputError(
      `invalid stack name "${stack}": give the name of a folder in ${distDir}/ ` +
        '(such as openstack-scs-1-36-v1), not a path',
    );
  const dir = path.join(distDir, stack);
  if (!isStackDir(dir)) {
    const known = listStacks(distDir);
    throw new InputError(
      `stack ${stack} is not in ${distDir}/ ` +
        `(${known.length ? `known: ${known.join(', ')}` : 'nothing synthesized'}); ` +
        'run `cskit synth` first or pass --dist',
    );
  }
  return dir;
}
