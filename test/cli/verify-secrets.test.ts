// Issue 15: a value from a Secret (or a kubeconfig's users) never reaches any output format; the finding still says
// where and what kind of value is wrong.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../support/cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-verify-secret-'));
const file = path.join(dir, 'objects.yaml');
fs.writeFileSync(
  file,
  [
    'apiVersion: v1',
    'kind: Secret',
    'metadata: {name: cloud, namespace: kube-system}',
    'data:',
    '  clouds.yaml: "s3cr3t-password not base64!"',
    'stringData:',
    '  token: 7731555', // a number where a string belongs: the type error would print it
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: visible}',
    'data:',
    '  replicas: 3',
    '',
  ].join('\n'),
);

test.each(['table', 'json', 'junit', 'scs'])('-o %s never prints a Secret value', async (format) => {
  const r = await runCli(['verify', file, '--rules', 'schema/', '-o', format]);
  expect(r.stdout + r.stderr).not.toMatch(/s3cr3t|7731555/);
  if (format === 'table' || format === 'json' || format === 'junit') {
    expect(r.stdout).toMatch(/clouds\.yaml/); // where: the field is named
    expect(r.stdout).toMatch(/secret value, not shown/);
    // a ConfigMap value is not secret: it is still shown, so the redaction is not blanket
    expect(r.stdout).toMatch(/found number 3/);
  }
  expect(r.code).toBe(1);
});
