import { Command, CommanderError } from 'commander';
import { isInputError } from '../util/errors';
import { EXIT_ABORT, EXIT_OK, EXIT_USAGE, isUserError } from './errors';
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
  manager: () => import('./commands/manager'),
};

/** The program without commands: name, version, error output and parsing rules shared by every command. */
export function baseProgram(): Command {
  return (
    new Command('cskit')
      .description('Synthesize, verify, apply and manage Cluster API cluster stacks to the SCS KaaS standards')
      .version(version(), '-V, --version')
      // A usage error is one line and a pointer to the help, not the whole help burying the error.
      .showHelpAfterError('(add --help for usage)')
      .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'cskit: ')) })
      // `verify` has options of its own and a `cluster` subcommand with options of the same names (--at, -o):
      // options belong to the command they follow.
      .enablePositionalOptions()
      .exitOverride()
  );
}

/** The command names, for tests that walk every command (test/support/program.ts). */
export const COMMAND_NAMES = Object.keys(commands);

/** The program with every command, or with only the one `argv` runs when it names one. */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = baseProgram();
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
    // Commander's own errors (unknown option or command, missing or invalid argument, a value outside --x's
    // choices) are usage errors like ours; only --help and --version end well.
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (isUserError(e)) {
      process.stderr.write(`cskit: ${e.message}\n`);
      return e.exitCode;
    }
    // Bad input found anywhere below the CLI (a reader, a renderer, a planner) is a usage error: exit 2.
    if (isInputError(e)) {
      process.stderr.write(`cskit: ${e.message}\n`);
      return EXIT_USAGE;
    }
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`cskit: unexpected error: ${msg}\n(set CSKIT_DEBUG=1 for details)\n`);
    if (process.env.CSKIT_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    return EXIT_ABORT;
  }
}
