import * as fs from 'fs';
import * as path from 'path';
import { buildProgram, run } from '../../src/cli/index';
import { capture } from '../support/capture';
import { UserError } from '../../src/cli/errors';
import { runCli } from '../support/cli';
import { InputError } from '../../src/util/errors';

test('--version prints the package version', async () => {
  const out = capture(process.stdout);
  const code = await run(['--version']);
  out.restore();
  expect(code).toBe(0);
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));
  expect(out.text()).toBe(`${pkg.version}\n`);
});

test('a run builds only the command it names; help and unknown commands get every command', async () => {
  const all = ['synth', 'versions', 'bump', 'verify', 'addons', 'apply', 'manager'];
  expect((await buildProgram(['synth', '-o', 'x'])).commands.map((c) => c.name())).toEqual(['synth']);
  expect((await buildProgram(['verify'])).commands.map((c) => c.name())).toEqual(['verify']);
  expect((await buildProgram([])).commands.map((c) => c.name())).toEqual(all);
  expect((await buildProgram(['--help'])).commands.map((c) => c.name())).toEqual(all);
  expect((await buildProgram(['constructor'])).commands.map((c) => c.name())).toEqual(all);
});

test('a UserError prints one line without a stack and exits with its code', async () => {
  const program = await buildProgram();
  program.command('boom').action(() => {
    throw new UserError('stacks.lock.json: field "x" is wrong; fix it', 3);
  });
  const err = capture(process.stderr);
  const code = await run(['boom'], program);
  err.restore();
  expect(code).toBe(3);
  expect(err.text()).toBe('cskit: stacks.lock.json: field "x" is wrong; fix it\n');
});

test('an unexpected error is reported in one line and exits ABORT', async () => {
  const program = await buildProgram();
  program.command('crash').action(() => {
    throw new TypeError('cannot read x of undefined');
  });
  const err = capture(process.stderr);
  const code = await run(['crash'], program);
  err.restore();
  expect(code).toBe(3);
  expect(err.text()).toMatch(/^cskit: unexpected error: cannot read x of undefined\n/);
  expect(err.text()).not.toMatch(/at Object/);
});

test('a bad number flag is a usage error naming the flag, before any cluster is contacted', async () => {
  for (const bad of ['0', 'abc', '2.5', '65']) {
    const r = await runCli(['verify', 'cluster', '--kubeconfig', '/nonexistent/kubeconfig', '--concurrency', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cskit: --concurrency: invalid value "${bad}", expecting a whole number from 1 to 64\n`);
  }
});

test('an InputError from below the CLI (a reader, a renderer) is a usage error: one line, exit 2', async () => {
  const program = await buildProgram();
  program.command('read').action(() => {
    throw new InputError('cluster.yaml:3:5: bad indentation; fix the YAML');
  });
  const err = capture(process.stderr);
  const code = await run(['read'], program);
  err.restore();
  expect(code).toBe(2);
  expect(err.text()).toBe('cskit: cluster.yaml:3:5: bad indentation; fix the YAML\n');
});
