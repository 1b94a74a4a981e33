/**
 * The whole CLI program, built synchronously for tests that walk every command and flag at module load (test.each
 * tables): the real CLI loads command modules lazily (src/cli/index.ts), which needs a promise.
 */
import { Command } from 'commander';
import { COMMAND_NAMES, baseProgram } from '../../src/cli/index';

export function fullProgram(): Command {
  const program = baseProgram();
  for (const name of COMMAND_NAMES) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous on purpose, see above
    (require(`../../src/cli/commands/${name}`) as { register(p: Command): void }).register(program);
  }
  return program;
}
