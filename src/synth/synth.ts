import { OutputOptions, writeOutputDir } from '../dist/output';
import { LockFile } from '../model/lock';
import { compareMinor, stackId } from '../model/naming';
import { StackDefinition } from '../model/stack';
import { BuildOptions, StackDefinitionError, StackOutput, buildStack } from './build';
import { duplicateNames } from './validate';

export interface SynthOptions extends BuildOptions {
  /** Compare each stack's content hash with the lock (never without addons: the lock hashes them). @default true */
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
export function synthesize(lock: LockFile, defs: readonly StackDefinition[], opts: SynthOptions = {}): SynthResult {
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
      if (opts.checkLock !== false && opts.addons !== false && built.contentHash !== entry.hash) {
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
 * Writes the stacks to the output folder `outdir` (dist/<name>/…, see src/dist/layout.ts) under the one output rule
 * (src/dist/output.ts): only a new folder or an earlier cskit dist/ is replaced, atomically, and an empty result
 * never empties an existing dist/ unless `force`.
 */
export function writeStacks(stacks: readonly StackOutput[], outdir: string, opts: OutputOptions = {}): void {
  writeOutputDir(
    outdir,
    'dist',
    stacks.flatMap((s) => s.files.map((f) => ({ path: `${s.ctx.name}/${f.path}`, content: f.content }))),
    opts,
  );
}
