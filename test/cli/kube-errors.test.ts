import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../support/cli';

// Bad kubeconfigs through the commands: a clear message naming the file and field on one line, no stack trace and
// no JavaScript message; verify cluster exits 2 (bad input), apply keeps its code for cluster errors (3).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-kube-cli-'));
const saved = { KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME, HOST: process.env.KUBERNETES_SERVICE_HOST };
beforeAll(() => {
  // No kubeconfig anywhere: an empty home, no $KUBECONFIG, not in a pod.
  process.env.HOME = path.join(tmp, 'home');
  delete process.env.KUBECONFIG;
  delete process.env.KUBERNETES_SERVICE_HOST;
});
afterAll(() => {
  for (const [k, v] of Object.entries({
    KUBECONFIG: saved.KUBECONFIG,
    HOME: saved.HOME,
    KUBERNETES_SERVICE_HOST: saved.HOST,
  })) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

const manifest = path.join(tmp, 'cm.yaml');
fs.writeFileSync(manifest, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');

function file(name: string, text: string): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, text);
  return p;
}

const JS_LEAKS = /Cannot read properties|is not a function|Invalid URL|undefined|TypeError|\n\s+at /;

test('verify cluster without any kubeconfig says so and where it looked (exit 2), not localhost:8080', async () => {
  const r = await runCli(['verify', 'cluster']);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(
    `cskit: no kubeconfig found; looked at $KUBECONFIG (not set), ${path.join(tmp, 'home', '.kube', 'config')} ` +
      '(does not exist), in-cluster config (KUBERNETES_SERVICE_HOST not set: not running in a pod); ' +
      'pass --kubeconfig FILE\n',
  );
});

test.each([
  ['empty', '', /: \(whole file\): empty/],
  ['a list', '- 1\n', /: \(whole file\): expected a mapping, found a list/],
  [
    'a server that is not a URL',
    'current-context: a\ncontexts: [{name: a, context: {cluster: c}}]\n' +
      'clusters: [{name: c, cluster: {server: "localhost 6443"}}]\n',
    /clusters\[name=c\]\.cluster\.server: "localhost 6443" is not a URL; expected https:\/\/HOST:PORT/,
  ],
  [
    'clusters of the wrong type',
    'current-context: a\nclusters: {c: {server: x}}\n',
    /: clusters: expected a list, found a mapping/,
  ],
])('a kubeconfig that is %s: verify cluster exits 2, apply 3, both naming file and field', async (_n, text, msg) => {
  const kc = file(`kc-${_n.replace(/\W/g, '-')}`, text);
  const v = await runCli(['verify', 'cluster', '--kubeconfig', kc]);
  expect(v.code).toBe(2);
  expect(v.stderr).toMatch(msg);
  expect(v.stderr).toContain(`kubeconfig ${kc}`);
  expect(v.stderr).not.toMatch(JS_LEAKS);
  const a = await runCli(['apply', manifest, '--kubeconfig', kc]);
  expect(a.code).toBe(3);
  expect(a.stderr).toMatch(msg);
  expect(a.stderr).not.toMatch(JS_LEAKS);
});
