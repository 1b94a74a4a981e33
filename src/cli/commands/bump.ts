import { Command } from 'commander';
import { loadVersionData } from '../../k8s-versions/data';
import { bump } from '../../k8s-versions/bump';
import { LOCK_FILE, LockError, emptiedStacks, readLock, serializeLock, writeLock } from '../../model/lock';
import { stackId } from '../../model/naming';
import { EXIT_USAGE, UserError } from '../errors';
import { atOption, today } from '../options';

/** `cskit bump`: moves stacks.lock.json to the versions scs-0210 requires and re-versions changed stacks. */
export function register(program: Command): void {
  program
    .command('bump')
    .description(
      'update stacks.lock.json: add new minors, move patches, drop end-of-life minors, new vN for changed content',
    )
    .addOption(atOption())
    .option('--lock <file>', 'lock file', LOCK_FILE)
    .option('--dry-run', 'print the changes without writing')
    .option('--force', 'write the lock even when the result leaves a stack without any version')
    .action(async (flags: { at?: Date; lock: string; dryRun?: boolean; force?: boolean }) => {
      // Loaded on use: hashing synthesizes, and cdk8s and the definitions cost ~100 ms other commands should not pay.
      const { definitions } = await import('../../../classes');
      const { computeStackHash } = await import('../../synth/hash');
      let lock;
      try {
        lock = readLock(flags.lock);
      } catch (e) {
        if (e instanceof LockError) throw new UserError(e.message, EXIT_USAGE);
        throw e;
      }
      const data = loadVersionData();
      const at = flags.at ?? today();
      const result = bump(lock, {
        at,
        data,
        hashStack: (id, version) => computeStackHash(id, version, definitions),
        stackIds: definitions.map((d) => stackId(d.provider, d.stack)),
      });
      for (const c of result.changes) {
        const what =
          c.action === 'add'
            ? `+ ${c.to!.kubernetesVersion} ${c.to!.version}`
            : c.action === 'drop'
              ? `- ${c.from!.kubernetesVersion} ${c.from!.version}`
              : c.action === 'keep'
                ? `= ${c.from!.kubernetesVersion} ${c.from!.version}`
                : `${c.from!.kubernetesVersion} ${c.from!.version} -> ${c.to!.kubernetesVersion} ${c.to!.version}`;
        process.stdout.write(`${c.stack} ${c.minor}: ${what}: ${c.reason}\n`);
      }
      const changed = serializeLock(result.lock) !== serializeLock(lock);
      const emptied = emptiedStacks(lock, result.lock);
      if (!changed) process.stdout.write(`${flags.lock} is up to date for ${at.toISOString().slice(0, 10)}\n`);
      else if (flags.dryRun) process.stdout.write(`dry run: ${flags.lock} not written\n`);
      else if (emptied.length && !flags.force) {
        for (const f of result.findings) process.stderr.write(`${f.severity}: ${f.message}\n`);
        throw new UserError(
          `${flags.lock} not written: the result leaves ${emptied.join(', ')} without any version ` +
            `(every branch is end-of-life at ${at.toISOString().slice(0, 10)}); ` +
            'check --at, or pass --force to write it',
          EXIT_USAGE,
        );
      } else {
        try {
          writeLock(result.lock, flags.lock);
        } catch (e) {
          if (e instanceof LockError) throw new UserError(e.message, EXIT_USAGE);
          throw e;
        }
        process.stdout.write(`wrote ${flags.lock}\n`);
      }
      for (const f of result.findings) process.stderr.write(`${f.severity}: ${f.message}\n`);
    });
}
