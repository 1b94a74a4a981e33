// Every output-format flag is the one outputOption: a fixed list of formats, anything else a usage error (exit 2).

import { Command, Option } from 'commander';
import { fullProgram } from '../support/program';
import { runCli } from '../support/cli';

/** Every [path, option, command] of the program whose -o/--output takes a format (not a directory). */
function formatFlags(cmd: Command, path: string[] = []): Array<[string, string[], Option, Command]> {
  const out: Array<[string, string[], Option, Command]> = [];
  for (const o of cmd.options)
    if (o.long === '--output' && !/<dir>/.test(o.flags)) out.push([path.join(' '), path, o, cmd]);
  for (const c of cmd.commands) out.push(...formatFlags(c, [...path, c.name()]));
  return out;
}

const flags = formatFlags(fullProgram());
const positionals = (cmd: Command): string[] => [
  ...cmd.registeredArguments.filter((a) => a.required).map(() => 'x'),
  ...cmd.options.filter((o) => o.mandatory).flatMap((o) => [o.long!, 'x']),
];

test('the commands with output formats are all found (so the tests below check something)', () => {
  expect(flags.map(([name]) => name).sort()).toEqual(
    ['addons list', 'addons status', 'apply', 'verify', 'verify cluster', 'versions'].sort(),
  );
});

test('an -o/--output that is not a format is a directory, named <dir>', () => {
  const all: string[] = [];
  const walk = (c: Command, p: string[]) => {
    for (const o of c.options) if (o.long === '--output') all.push(`${p.join(' ')}: ${o.flags}`);
    c.commands.forEach((s) => walk(s, [...p, s.name()]));
  };
  walk(fullProgram(), []);
  for (const f of all) expect(f).toMatch(/<format>|<dir>/);
});

describe.each(flags)('%s -o', (_name, path, option, cmd) => {
  test('declares its formats and defaults to the first', () => {
    expect(option.argChoices?.length).toBeGreaterThan(0);
    expect(option.defaultValue).toBe(option.argChoices![0]);
  });

  test.each(['xml', 'yaml', '', 'TABLE'])('-o %j is a usage error (exit 2) listing the formats', async (bad) => {
    const r = await runCli([...path, ...positionals(cmd), '-o', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`argument '${bad}' is invalid. Allowed choices are ${option.argChoices!.join(', ')}.`);
    expect(r.stdout).toBe('');
  });
});
