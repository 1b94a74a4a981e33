import { Command, CommanderError } from 'commander';
import { EXIT_ABORT, isUserError } from './errors';
import { version } from './version';

/**
 * Each command module adds itself to the program; the CLI itself holds no logic. Modules load on use: a run pays
 * only for the command it names (`cskit synth` loads neither the verifier, the apply engine nor the Kubernetes
 * client); help, `--version` and unknown commands get all of them.
 */
type Register = (program: Command) => void;
const commands: Record<string, () => Promise<{ register: Register }>> = {
  synth: () => import('./commands/synth'),
  versions: () => import('./commands/versions'),
  bump: () => import('./commands/bump'),
  verify: () => import('./commands/verify'),
  addons: () => import('./commands/addons'),
  apply: () => import('./commands/apply'),
};

/** The program with every command, or with only the one `argv` runs when it names one. */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('cskit')
    .description('Synthesize, verify, apply and manage Cluster API cluster stacks to the SCS KaaS standards')
    .version(version(), '-V, --version')
    .showHelpAfterError()
    // `verify` has options of its own and a `cluster` subcommand with options of the same names (--at, -o):
    // options belong to the command they follow.
    .enablePositionalOptions()
    .exitOverride();
  const names = Object.hasOwn(commands, argv[0] ?? '') ? [argv[0]] : Object.keys(commands);
  for (const name of names) (await commands[name]()).register(program);
  return program;
}

/** Runs the CLI and returns the exit code; user errors print one clear message, never a stack. */
export async function run(argv: string[], program?: Command): Promise<number> {
  try {
    await (program ?? (await buildProgram(argv))).parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (isUserError(e)) {
      process.stderr.write(`cskit: ${e.message}\n`);
      return e.exitCode;
    }
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`cskit: unexpected error: ${msg}\n(set CSKIT_DEBUG=1 for details)\n`);
    if (process.env.CSKIT_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    return EXIT_ABORT;
  }
}
