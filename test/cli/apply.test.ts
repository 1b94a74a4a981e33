// Argument and input errors are caught before cskit apply connects anywhere (the cluster paths are e2e-tested).

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../support/cli';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-apply-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('cskit apply (arguments and input)', () => {
  test('a missing path is a usage error naming it', async () => {
    const r = await runCli(['apply', path.join(tmp, 'nope')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `cskit: ${path.join(tmp, 'nope')}: no such file or directory; give dist/<stack> folders, folders of ` +
        `manifests or YAML files\n`,
    );
  });

  test('a document that is not an object is a usage error with file and document', async () => {
    const f = path.join(tmp, 'bad.yaml');
    fs.writeFileSync(f, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n- just\n- a list\n');
    const r = await runCli(['apply', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}#2: not a Kubernetes object`);
  });

  test('bad flag values are refused with the accepted form', async () => {
    const f = path.join(tmp, 'ok.yaml');
    fs.writeFileSync(f, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
    expect((await runCli(['apply', f, '--concurrency', '0'])).stderr).toContain(
      '--concurrency: invalid value "0", expecting a whole number from 1 to 64',
    );
    expect((await runCli(['apply', f, '--applyset', 'Bad_Name'])).stderr).toContain(
      '--applyset: "Bad_Name" is not a valid Secret name',
    );
    expect((await runCli(['apply', f, '--timeout', 'soon'])).stderr).toContain('--timeout: invalid duration "soon"');
    const dr = await runCli(['apply', f, '--dry-run=client']);
    expect(dr.code).toBe(2);
    expect(dr.stderr).toMatch(/--dry-run.*client.*Allowed choices are server/);
  });

  test('help documents the contract', async () => {
    const r = await runCli(['apply', '--help']);
    for (const flag of [
      '--kubeconfig',
      '--context',
      '--namespace',
      '--dry-run',
      '--diff',
      '--prune',
      '--force-conflicts',
      '--wait',
      '--timeout',
      '--output',
      '--applyset',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });
});
