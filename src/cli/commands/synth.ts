import { Command, Option } from 'commander';
import { checkOutputDir } from '../../dist/output';
import { LOCK_FILE, LockError, readLock } from '../../model/lock';
import { CapiApiVersion } from '../../model/stack';
import { EXIT_FAIL, EXIT_USAGE, UserError } from '../errors';

interface SynthFlags {
  output: string;
  capiApiVersion: CapiApiVersion;
  lock: string;
  strict?: boolean;
  force?: boolean;
}

/** `cskit synth`: the same synthesis as `cdk8s synth`, in process, with options. */
export function register(program: Command): void {
  program
    .command('synth')
    .description('synthesize every stack in stacks.lock.json into dist/<provider>-<stack>-<maj>-<min>-v<N>/')
    .option(
      '-o, --output <dir>',
      'output folder: a new one or an earlier cskit synth output (replaced as a whole, atomically)',
      'dist',
    )
    .option('--force', 'allow a lock without stacks to empty an existing output folder')
    .addOption(
      new Option('--capi-api-version <version>', 'Cluster API version of the emitted objects (v1beta1 for CAPI < 1.11)')
        .choices(['v1beta2', 'v1beta1'])
        .default('v1beta2'),
    )
    .option('--lock <file>', 'lock file', LOCK_FILE)
    .option('--strict', "fail when a stack's content differs from the hash recorded in the lock")
    .action(async (flags: SynthFlags) => {
      // Loaded on use: cdk8s and the stack definitions cost ~100 ms that other commands should not pay.
      const { StackDefinitionError } = await import('../../synth/build');
      const { synthesize, writeStacks } = await import('../../synth/synth');
      const { definitions } = await import('../../../classes');
      // The output rule first: a refused -o folder fails before anything is built or touched.
      checkOutputDir(flags.output, 'dist');
      let result;
      try {
        result = synthesize(readLock(flags.lock), definitions, { capiApiVersion: flags.capiApiVersion });
      } catch (e) {
        // A broken lock or stack definition is bad input: nothing was synthesized (exit-code table: README).
        if (e instanceof StackDefinitionError || e instanceof LockError)
          throw new UserError((e as Error).message, EXIT_USAGE);
        throw e;
      }
      for (const m of result.lockMismatches) process.stderr.write(`${flags.strict ? 'error' : 'warning'}: ${m}\n`);
      if (flags.strict && result.lockMismatches.length)
        throw new UserError(
          `${result.lockMismatches.length} stack(s) differ from the lock; nothing written`,
          EXIT_FAIL,
        );
      writeStacks(result.stacks, flags.output, { force: flags.force });
      for (const s of result.stacks)
        process.stdout.write(
          `${flags.output}/${s.ctx.name}/ (Kubernetes v${s.ctx.kubernetesVersion}, ${s.files.length} files)\n`,
        );
    });
}
