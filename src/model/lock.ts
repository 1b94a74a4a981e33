/**
 * `stacks.lock.json` records, per stack definition (`<provider>-<stack>`) and Kubernetes minor, the
 * Kubernetes patch version a stack version ships, the stack version `vN`, and the content hash of
 * everything that version ships. Synth reads it and never writes it; `cskit bump` writes it.
 */
import * as fs from 'fs';
import { writeFileAtomic } from '../util/atomic-write';
import { readTextFile } from '../util/yaml';
import { compareMinor, minorOf, validateStackVersion } from './naming';

/** One stack definition's stack version for one Kubernetes minor. */
export interface LockEntry {
  /** Full patch version without `v`, e.g. `1.36.4`. */
  readonly kubernetesVersion: string;
  /** Stack version, `v1`, `v2`, … */
  readonly version: string;
  /** `sha256:<hex>` over everything the stack version ships (see src/synth/hash.ts). */
  readonly hash: string;
}

export interface LockFile {
  readonly lockVersion: 1;
  /** stack id → Kubernetes minor (`1.36`) → entry. */
  readonly stacks: Readonly<Record<string, Readonly<Record<string, LockEntry>>>>;
}

export const LOCK_FILE = 'stacks.lock.json';

/** Checks the shape of a parsed lock file; returns the problems as `path: message` strings. */
export function validateLock(data: unknown): string[] {
  const errs: string[] = [];
  const obj = data as LockFile;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj))
    return ['(root): expecting an object with "lockVersion" and "stacks"'];
  if (obj.lockVersion !== 1) errs.push(`lockVersion: expecting 1, found ${JSON.stringify(obj.lockVersion)}`);
  if (!obj.stacks || typeof obj.stacks !== 'object' || Array.isArray(obj.stacks)) {
    errs.push('stacks: expecting an object keyed by stack id (e.g. "openstack-scs")');
    return errs;
  }
  for (const [id, minors] of Object.entries(obj.stacks)) {
    if (!minors || typeof minors !== 'object') {
      errs.push(`stacks.${id}: expecting an object keyed by Kubernetes minor`);
      continue;
    }
    for (const [minor, e] of Object.entries(minors)) {
      const at = `stacks.${id}["${minor}"]`;
      if (!/^\d+\.\d+$/.test(minor)) errs.push(`${at}: key must be a Kubernetes minor such as "1.36"`);
      if (!e || typeof e !== 'object') {
        errs.push(`${at}: expecting {kubernetesVersion, version, hash}`);
        continue;
      }
      if (typeof e.kubernetesVersion !== 'string' || !/^\d+\.\d+\.\d+$/.test(e.kubernetesVersion)) {
        errs.push(
          `${at}.kubernetesVersion: expecting a patch version such as "1.36.4", ` +
            `found ${JSON.stringify(e.kubernetesVersion)}`,
        );
      } else if (minorOf(e.kubernetesVersion) !== minor) {
        errs.push(`${at}.kubernetesVersion: ${e.kubernetesVersion} is not in minor ${minor}`);
      }
      const vErr = typeof e.version === 'string' ? validateStackVersion(e.version) : 'missing stack version';
      if (vErr) errs.push(`${at}.version: ${vErr}`);
      if (typeof e.hash !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(e.hash)) {
        errs.push(`${at}.hash: expecting "sha256:<64 hex digits>" (run \`cskit bump\` to compute it)`);
      }
    }
  }
  return errs;
}

/** The lock file is missing or malformed: the message names the file and how to fix it. */
export class LockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockError';
  }
}

export function parseLock(text: string, file = LOCK_FILE): LockFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // JSON.parse names a character offset; say line and column instead, and the reason without the offset.
    const msg = (e as Error).message;
    const pos = /at position (\d+)/.exec(msg);
    const before = text.slice(0, pos ? Number(pos[1]) : text.length).split('\n');
    const reason = msg.replace(/ in JSON at position \d+.*$/s, '').replace(/ of JSON input$/, '');
    throw new LockError(
      `${file}: not valid JSON at line ${before.length}, column ${before[before.length - 1].length + 1} ` +
        `(${reason.toLowerCase()}); restore it from git or run \`cskit bump\``,
    );
  }
  const errs = validateLock(data);
  if (errs.length) throw new LockError(`${file}: ${errs.join('; ')}`);
  return data as LockFile;
}

/** Reads the lock through the one reader of input files (size limit, strict UTF-8, clear file errors). */
export function readLock(file = LOCK_FILE): LockFile {
  let text: string;
  try {
    text = readTextFile(file, 'lock');
  } catch (e) {
    if (!fs.existsSync(file))
      throw new LockError(`${file}: not found; run cskit from the project root or create it with \`cskit bump\``);
    throw new LockError((e as Error).message);
  }
  return parseLock(text, file);
}

/** Stable serialization: stacks and minors sorted, 2-space indent, trailing newline (reviewable diffs). */
export function serializeLock(lock: LockFile): string {
  const stacks: Record<string, Record<string, LockEntry>> = {};
  for (const id of Object.keys(lock.stacks).sort()) {
    const minors = lock.stacks[id];
    stacks[id] = {};
    for (const minor of Object.keys(minors).sort(compareMinor)) {
      const e = minors[minor];
      stacks[id][minor] = { kubernetesVersion: e.kubernetesVersion, version: e.version, hash: e.hash };
    }
  }
  return `${JSON.stringify({ lockVersion: 1, stacks }, null, 2)}\n`;
}

/**
 * Writes through the one atomic writer (temp file + rename) so an interrupted write never leaves a broken lock;
 * a failure is a LockError naming the file.
 */
export function writeLock(lock: LockFile, file = LOCK_FILE): void {
  try {
    writeFileAtomic(file, serializeLock(lock));
  } catch (e) {
    throw new LockError(`${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * Stack ids that have entries in `before` and none in `after`: a result that empties them (e.g. `cskit bump` at a
 * date when every branch is end-of-life) is refused unless forced.
 */
export function emptiedStacks(before: LockFile, after: LockFile): string[] {
  const count = (l: LockFile, id: string) => Object.keys(l.stacks[id] ?? {}).length;
  return Object.keys(before.stacks)
    .filter((id) => count(before, id) > 0 && count(after, id) === 0)
    .sort();
}
