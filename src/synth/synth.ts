import * as fs from 'fs';
import * as path from 'path';
import { definitions as shippedDefinitions } from '../../classes';
import { LockFile } from '../model/lock';
import { compareMinor, stackId } from '../model/naming';
import { StackDefinition } from '../model/stack';
import { BuildOptions, StackDefinitionError, StackOutput, buildStack } from './build';
import { duplicateNames } from './validate';

export interface SynthOptions extends BuildOptions {
  readonly definitions?: readonly StackDefinition[];
  /** Compare each stack's content hash with the lock. @default true */
  readonly checkLock?: boolean;
}

export interface SynthResult {
  readonly stacks: StackOutput[];
  /** Stack versions whose content differs from the hash the lock records: released names must not change. */
  readonly lockMismatches: string[];
}

/**
 * Builds every stack definition for every minor in the lock, in memory. Throws StackDefinitionError on a
 * broken definition before anything is written.
 */
export function synthesize(lock: LockFile, opts: SynthOptions = {}): SynthResult {
  const defs = opts.definitions ?? shippedDefinitions;
  const ids = defs.map((d) => stackId(d.provider, d.stack));
  const byId = new Map(defs.map((d, i) => [ids[i], d]));
  const unknown = Object.keys(lock.stacks).filter((id) => !byId.has(id));
  if (unknown.length) {
    throw new StackDefinitionError(
      `stacks.lock.json: unknown stack(s) ${unknown.join(', ')}; known: ${[...byId.keys()].join(', ')} ` +
        '(remove the entry, or add the definition to classes/index.ts)',
    );
  }
  const stacks: StackOutput[] = [];
  const lockMismatches: string[] = [];
  for (const [i, def] of defs.entries()) {
    const id = ids[i];
    const minors = lock.stacks[id] ?? {};
    for (const minor of Object.keys(minors).sort(compareMinor)) {
      const entry = minors[minor];
      const built = buildStack(def, entry, opts);
      stacks.push(built);
      if (opts.checkLock !== false && built.contentHash !== entry.hash) {
        lockMismatches.push(
          `${built.ctx.name}: content differs from the hash in stacks.lock.json; ` +
            'a released version must not change: run `cskit bump` to give it a new version',
        );
      }
    }
  }
  const dups = duplicateNames(stacks.map((s) => ({ name: s.ctx.name, source: `classes/${s.ctx.id}` })));
  if (dups.length) throw new StackDefinitionError(dups.join('\n'));
  return { stacks, lockMismatches };
}

/**
 * Writes the stacks to `outdir` atomically: everything goes to a temporary sibling folder first, which then
 * replaces `outdir`, so a failure never leaves a half-written dist/.
 */
export function writeStacks(stacks: readonly StackOutput[], outdir: string): void {
  const abs = path.resolve(outdir);
  const tmp = `${abs}.tmp-${process.pid}`;
  const old = `${abs}.old-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    for (const s of stacks) {
      for (const f of s.files) {
        const file = path.join(tmp, s.ctx.name, f.path);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, f.content);
      }
    }
    fs.mkdirSync(tmp, { recursive: true });
    if (fs.existsSync(abs)) fs.renameSync(abs, old);
    fs.renameSync(tmp, abs);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(old, { recursive: true, force: true });
  }
}
