import { Command, CommanderError } from 'commander';
import { isInputError } from '../util/errors';
import { EXIT_ABORT, EXIT_USAGE, isUserError } from './errors';
import { version } from './version';
import * as addons from './commands/addons';
import * as apply from './commands/apply';
import * as bump from './commands/bump';
import * as synth from './commands/synth';
import * as verify from './commands/verify';
import * as versions from './commands/versions';

/** Each command module adds itself to the program; the CLI itself holds no logic. */
type Register = (program: Command) => void;
const commands: Register[] = [
  synth.register,
  versions.register,
  bump.register,
  verify.register,
  addons.register,
  apply.register,
];

export function buildProgram(): Command {
  const program = new Command('cskit')
    .description('Synthesize, verify, apply and manage Cluster API cluster stacks to the SCS KaaS standards')
    .version(version(), '-V, --version')
    .showHelpAfterError()
    // `verify` has options of its own and a `cluster` subcommand with options of the same names (--at, -o):
    // options belong to the command they follow.
    .enablePositionalOptions()
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

/** Runs the CLI and returns the exit code; user errors print one clear message, never a stack. */
export async function run(argv: string[], program: Command = buildProgram()): Promise<number> {
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (isUserError(e)) {
      process.stderr.write(`cskit: ${e.message}\n`);
      return e.exitCode;
    }
    // Bad input from any reader or output check (src/util/yaml, src/dist): its message names file, problem and fix.
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
