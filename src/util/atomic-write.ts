/**
 * The one atomic writer: every file and output folder cskit writes (stacks.lock.json, dist/, `addons render -o`,
 * `manager manifests -o`) goes through here, so an interrupted or failed write never leaves a half-written file or
 * folder, and a file path can never leave the folder it is written into.
 */
import * as fs from 'fs';
import * as path from 'path';

/** A file of an output folder: `path` is relative to that folder, with `/` separators. */
export interface OutputFile {
  readonly path: string;
  readonly content: string | Buffer;
}

/** Writes `file` through a temporary sibling (same filesystem, so the rename is atomic); on failure nothing changes. */
export function writeFileAtomic(file: string, content: string | Buffer): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  try {
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * A relative path that stays inside its folder: not absolute, no `..` segment, no empty or `.` segment, no NUL.
 * Returns why not, or undefined.
 */
export function unsafeRelativePath(p: string): string | undefined {
  if (p === '' || p.includes('\0')) return 'is empty or holds a NUL character';
  if (path.isAbsolute(p) || /^[a-zA-Z]:/.test(p) || p.startsWith('\\')) return 'is absolute';
  const parts = p.split(/[\\/]/);
  if (parts.some((s) => s === '..')) return 'leaves its folder (..)';
  if (parts.some((s) => s === '' || s === '.')) return 'has an empty or "." segment';
  return undefined;
}

/**
 * Replaces the folder `dir` with exactly `files`: they are written to a temporary sibling folder first, which then
 * takes the place of `dir` (the old one is renamed aside and deleted only after the swap). Deciding whether `dir`
 * may be replaced at all is the caller's job (src/dist/output.ts).
 */
export function replaceDirAtomic(dir: string, files: readonly OutputFile[]): void {
  for (const f of files) {
    const why = unsafeRelativePath(f.path);
    if (why) throw new Error(`refusing to write "${f.path}" into ${dir}: the path ${why}`);
  }
  const abs = path.resolve(dir);
  const tmp = `${abs}.tmp-${process.pid}`;
  const old = `${abs}.old-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  let swapped = false;
  try {
    fs.mkdirSync(tmp, { recursive: true });
    for (const f of files) {
      const file = path.join(tmp, f.path);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, f.content);
    }
    const exists = fs.existsSync(abs);
    if (exists) fs.renameSync(abs, old);
    try {
      fs.renameSync(tmp, abs);
      swapped = true;
    } catch (e) {
      if (exists) fs.renameSync(old, abs); // put the old folder back
      throw e;
    }
  } finally {
    if (swapped) fs.rmSync(old, { recursive: true, force: true });
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}
