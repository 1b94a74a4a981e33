import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../support/cli';
import { version } from '../../src/cli/version';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-manager-manifests-'));
const docs = (file: string) => parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS());

test('manager manifests -o writes one file that passes cskit verify; image tag = package version', async () => {
  const out = path.join(tmp, 'out');
  const r = await runCli(['manager', 'manifests', '-o', out]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(fs.readdirSync(out)).toEqual(['cskit-manager.yaml']);
  const objs = docs(path.join(out, 'cskit-manager.yaml'));
  const dep = objs.find((o) => o.kind === 'Deployment');
  expect(dep.spec.template.spec.containers[0].image).toBe(`localhost/cskit:${version()}`);
  const v = await runCli(['verify', out, '-o', 'json']);
  expect(v.code).toBe(0);
  const report = JSON.parse(v.stdout);
  const findings = report.findings as Array<{ rule: string; severity: string; object?: string }>;
  expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  // Every object is validated against a bundled schema: the ExtensionConfig (Cluster API's CRD), the Issuers and
  // Certificates (cert-manager's CRDs at the version clusterctl init installs).
  expect(findings).toEqual([]);
  expect(
    objs
      .filter((o) => o.apiVersion === 'cert-manager.io/v1')
      .map((o) => o.kind)
      .sort(),
  ).toEqual(['Certificate', 'Certificate', 'Issuer', 'Issuer']);
  // Written again over its own output; a folder of something else is refused.
  expect((await runCli(['manager', 'manifests', '-o', out, '--tls', 'secret', '-n', 'ops'])).code).toBe(0);
  expect(docs(path.join(out, 'cskit-manager.yaml')).some((o) => o.kind === 'Certificate')).toBe(false);
  const other = path.join(tmp, 'other');
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(other, 'notes.txt'), 'x');
  const refused = await runCli(['manager', 'manifests', '-o', other]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/is not an earlier cskit manager output/);
  expect(fs.readFileSync(path.join(other, 'notes.txt'), 'utf8')).toBe('x');
});

test('a broken edit of the manifests fails cskit verify with the manager rule and field', async () => {
  const out = path.join(tmp, 'edited');
  expect((await runCli(['manager', 'manifests', '-o', out, '--tls', 'secret'])).code).toBe(0);
  const file = path.join(out, 'cskit-manager.yaml');
  fs.writeFileSync(
    file,
    fs.readFileSync(file, 'utf8').replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false'),
  );
  const v = await runCli(['verify', out]);
  expect(v.code).toBe(1);
  expect(v.stdout).toMatch(
    /manager\/pod-security: .*readOnlyRootFilesystem|readOnlyRootFilesystem.*manager\/pod-security/,
  );
});

test('a shard (--shard a --selector shard=a) passes cskit verify; its args carry the selector and Lease', async () => {
  const out = path.join(tmp, 'shard-a');
  const r = await runCli(['manager', 'manifests', '-o', out, '--shard', 'a', '--selector', 'shard=a']);
  expect(r.code).toBe(0);
  const objs = docs(path.join(out, 'cskit-manager.yaml'));
  const args = objs.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].args;
  expect(args).toEqual(
    expect.arrayContaining(['--selector', 'shard=a', '--leader-elect-lease-name', 'cskit-manager-a']),
  );
  const v = await runCli(['verify', out, '-o', 'json']);
  expect(v.code).toBe(0);
  expect(JSON.parse(v.stdout).findings).toEqual([]);
});

test("a Certificate edited against cert-manager's schema fails cskit verify naming the object and field", async () => {
  const out = path.join(tmp, 'edited-certificate');
  expect((await runCli(['manager', 'manifests', '-o', out])).code).toBe(0);
  const file = path.join(out, 'cskit-manager.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('isCA: true', 'isCA: "yes"'));
  const v = await runCli(['verify', out, '-o', 'json']);
  expect(v.code).toBe(1);
  const findings = JSON.parse(v.stdout).findings as Array<{ rule: string; object?: string; path?: string }>;
  expect(findings).toEqual([
    expect.objectContaining({ rule: expect.stringMatching(/^schema\//), object: 'Certificate cskit-manager-ca' }),
  ]);
  expect(JSON.stringify(findings[0])).toMatch(/isCA/);
});

test.each([
  [['--image', 'Bad:Ref'], /--image: invalid image reference/],
  [['--replicas', '0'], /--replicas: invalid value "0"/],
  [['--tls', 'self'], /--tls.*Allowed choices are cert-manager, secret/],
  [['--kubeconfig-secret', 'static-name'], /must contain \{cluster\}/],
  [['-n', 'Bad_NS'], /--namespace/],
  [['--shard', 'a'], /--shard needs --selector/],
  [['--shard', 'A_b', '--selector', 'shard=a'], /--shard: invalid value "A_b"/],
  [['--shard', 'a', '--selector', 'shard in (a'], /--selector/],
])('bad flag %j is a usage error (exit 2) naming the flag, nothing written', async (args, message) => {
  const out = path.join(tmp, `bad-${args[0]}`);
  const r = await runCli(['manager', 'manifests', '-o', out, ...args]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(fs.existsSync(out)).toBe(false);
});
