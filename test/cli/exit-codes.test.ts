// The one exit-code table (README, "Exit codes"): 0 OK, 1 FAIL, 2 usage (bad command line or input), 3 ABORT.
// Commander's own errors are usage errors too, for every command.

import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { fullProgram } from '../support/program';
import { EXIT_ABORT, EXIT_FAIL, EXIT_OK, EXIT_USAGE } from '../../src/cli/errors';
import { runCli } from '../support/cli';

test('the table has the values the README documents', () => {
  expect([EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_ABORT]).toEqual([0, 1, 2, 3]);
});

/** Every command that runs something, as its path of names (`verify cluster`), with the command itself. */
function leaves(cmd: Command, path: string[] = []): Array<[string, string[], Command]> {
  const out: Array<[string, string[], Command]> = [];
  for (const c of cmd.commands) {
    const p = [...path, c.name()];
    if (c.commands.length === 0 || (c as unknown as { _actionHandler?: unknown })._actionHandler) {
      out.push([p.join(' '), p, c]);
    }
    out.push(...leaves(c, p));
  }
  return out;
}

const commands = leaves(fullProgram());
/** Placeholders for a command's required arguments and options (parsing stops at the bad flag before use). */
const positionals = (cmd: Command): string[] => [
  ...cmd.registeredArguments.filter((a) => a.required).map(() => 'x'),
  ...cmd.options.filter((o) => o.mandatory).flatMap((o) => [o.long!, 'x']),
];

test('every command is covered', () => {
  expect(commands.map(([name]) => name).sort()).toEqual(
    [
      'addons list',
      'addons render',
      'addons status',
      'apply',
      'bump',
      'manager',
      'manager manifests',
      'synth',
      'verify',
      'verify cluster',
      'versions',
      'versions update',
    ].sort(),
  );
});

describe.each(commands)('%s', (_name, path, cmd) => {
  test('an unknown flag is a usage error (exit 2) in one line plus a pointer to --help', async () => {
    const r = await runCli([...path, ...positionals(cmd), '--no-such-flag']);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stderr).toBe("cskit: unknown option '--no-such-flag'\n(add --help for usage)\n");
    expect(r.stdout).toBe('');
  });

  test('--help exits 0', async () => {
    const r = await runCli([...path, '--help']);
    expect(r.code).toBe(EXIT_OK);
    expect(r.stdout).toMatch(new RegExp(`^Usage: cskit ${path.join(' ')} `));
  });

  const valued = cmd.options.filter((o) => o.required && !o.negate);
  if (valued.length) {
    test.each(valued.map((o) => o.long!))('%s without its value is a usage error (exit 2)', async (flag) => {
      const r = await runCli([...path, ...positionals(cmd), flag]);
      expect(r.code).toBe(EXIT_USAGE);
      expect(r.stderr).toMatch(/^cskit: option '.*' argument missing\n/);
    });
  }

  if (!cmd.registeredArguments.some((a) => a.variadic)) {
    test('an extra argument is a usage error (exit 2)', async () => {
      const r = await runCli([...path, ...positionals(cmd), 'extra-argument']);
      expect(r.code).toBe(EXIT_USAGE);
      expect(r.stderr).toMatch(/^cskit: too many arguments for '[a-z]+'/);
    });
  }

  const required = cmd.registeredArguments.filter((a) => a.required);
  if (required.length) {
    test('a missing argument is a usage error (exit 2)', async () => {
      const r = await runCli([...path, ...positionals(cmd).slice(required.length)]);
      expect(r.code).toBe(EXIT_USAGE);
      expect(r.stderr).toMatch(/^cskit: missing required argument/);
    });
  }
});

test('an unknown command, and a command group without its subcommand, are usage errors (exit 2)', async () => {
  let r = await runCli(['no-such-command']);
  expect(r.code).toBe(EXIT_USAGE);
  expect(r.stderr).toMatch(/^cskit: unknown command 'no-such-command'/);
  r = await runCli(['addons']);
  expect(r.code).toBe(EXIT_USAGE);
  r = await runCli([]);
  expect(r.code).toBe(EXIT_USAGE);
});

test.each([
  [['apply', 'x', '--dry-run=client'], /argument 'client' is invalid\. Allowed choices are server\./],
  [['apply', 'x', '-o', 'yaml'], /argument 'yaml' is invalid\. Allowed choices are table, json\./],
  [['synth', '--capi-api-version', 'v1alpha1'], /Allowed choices are v1beta2, v1beta1/],
  [['addons', 'render', 'x', '--cluster', 'c.yaml', '--format', 'helm'], /Allowed choices are manifests, crs/],
])('%j: a value outside the choices is a usage error (exit 2), not a failed object', async (args, msg) => {
  const r = await runCli(args);
  expect(r.code).toBe(EXIT_USAGE);
  expect(r.stderr).toMatch(msg);
});

describe('the documented table', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const cliDoc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'cli.md'), 'utf8');
  const rows = (text: string) => text.split('\n').filter((l) => /^\| \d \| [A-Z]+ \|/.test(l));

  test.each([
    ['README.md', readme],
    ['docs/cli.md', cliDoc],
  ])('%s lists the codes of src/cli/errors.ts by name', (_file, text) => {
    expect(
      rows(text).map((l) =>
        l
          .split('|')
          .slice(1, 3)
          .map((c) => c.trim()),
      ),
    ).toEqual([
      [String(EXIT_OK), 'OK'],
      [String(EXIT_FAIL), 'FAIL'],
      [String(EXIT_USAGE), 'USAGE'],
      [String(EXIT_ABORT), 'ABORT'],
    ]);
  });

  test('docs/cli.md has a row for every command of the program', () => {
    const documented = cliDoc
      .split('\n')
      .map((l) => /^\| `([a-z ]+)` \|/.exec(l)?.[1])
      .filter(Boolean);
    expect(documented.sort()).toEqual(commands.map(([name]) => name).sort());
  });
});
