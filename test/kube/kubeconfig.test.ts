import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Environment, loadKubeconfig } from '../../src/kube/kubeconfig';
import { KubeError } from '../../src/kube/types';

// THE kubeconfig reader: the shapes kubectl accepts, and for each class of broken input an error of kind 'config'
// naming the file and field (never a credential, never a JavaScript message).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-kubeconfig-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** No $KUBECONFIG, an empty home, not in a pod: nothing leaks in from the machine running the tests. */
const bare: Environment = { env: {}, home: path.join(tmp, 'home'), serviceAccountDir: path.join(tmp, 'no-sa') };

function write(name: string, content: string | object): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

function kubeconfig(name: string, users: object[], extra: object = {}): string {
  return write(name, {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'a',
    clusters: [
      {
        name: 'c',
        cluster: {
          server: 'https://127.0.0.1:6443/',
          'certificate-authority-data': Buffer.from('CA').toString('base64'),
        },
      },
      {
        name: 'd',
        cluster: {
          server: 'https://10.0.0.1',
          'certificate-authority': 'ca.pem',
          'insecure-skip-tls-verify': true,
          'tls-server-name': 'api',
        },
      },
    ],
    contexts: [
      { name: 'a', context: { cluster: 'c', user: 'u' } },
      { name: 'b', context: { cluster: 'd', user: 'v', namespace: 'stacks' } },
    ],
    users,
    ...extra,
  });
}

/** The config error `load` throws (fails the test when it throws nothing or something else). */
function configError(load: () => unknown): KubeError {
  try {
    load();
  } catch (e) {
    expect(e).toBeInstanceOf(KubeError);
    expect((e as KubeError).kind).toBe('config');
    return e as KubeError;
  }
  throw new Error('expected a config error, got none');
}

describe('valid kubeconfigs', () => {
  test('client certificates from data, the current context, the trailing slash of the server dropped', () => {
    const f = kubeconfig('certs', [
      {
        name: 'u',
        user: {
          'client-certificate-data': Buffer.from('CERT').toString('base64'),
          'client-key-data': Buffer.from('KEY').toString('base64'),
        },
      },
    ]);
    const k = loadKubeconfig({ kubeconfig: f }, bare);
    expect(k.server).toBe('https://127.0.0.1:6443');
    expect([k.ca!.toString(), k.cert!.toString(), k.key!.toString()]).toEqual(['CA', 'CERT', 'KEY']);
    expect([k.insecure, k.namespace, k.auth.type]).toEqual([false, undefined, 'none']);
    expect(k.source).toBe(`kubeconfig ${f} (context a)`);
  });

  test('files relative to the kubeconfig, --context, token file kept as a path (read per request)', () => {
    write('ca.pem', 'CAFILE');
    write('token', 'tok-1\n');
    const f = kubeconfig('files', [{ name: 'v', user: { tokenFile: 'token' } }]);
    const k = loadKubeconfig({ kubeconfig: f, context: 'b' }, bare);
    expect(k.ca!.toString()).toBe('CAFILE');
    expect([k.insecure, k.servername, k.namespace]).toEqual([true, 'api', 'stacks']);
    expect(k.auth).toMatchObject({ type: 'token-file', file: path.join(tmp, 'token') });
  });

  test('bearer token, basic auth, exec plugin and oidc id-token', () => {
    expect(
      loadKubeconfig({ kubeconfig: kubeconfig('token', [{ name: 'u', user: { token: 'abc' } }]) }, bare).auth,
    ).toEqual({
      type: 'token',
      token: 'abc',
    });
    const basic = loadKubeconfig(
      { kubeconfig: kubeconfig('basic', [{ name: 'u', user: { username: 'me', password: 'pw' } }]) },
      bare,
    );
    expect(basic.auth).toEqual({ type: 'basic', header: `Basic ${Buffer.from('me:pw').toString('base64')}` });
    const exec = loadKubeconfig(
      {
        kubeconfig: kubeconfig('exec', [
          { name: 'u', user: { exec: { command: 'get-token', args: ['x'], env: [{ name: 'A', value: 'b' }] } } },
        ]),
      },
      bare,
    );
    expect(exec.auth).toMatchObject({ type: 'exec', exec: { command: 'get-token', args: ['x'], env: { A: 'b' } } });
    const oidc = loadKubeconfig(
      {
        kubeconfig: kubeconfig('oidc', [
          { name: 'u', user: { 'auth-provider': { name: 'oidc', config: { 'id-token': 'idt' } } } },
        ]),
      },
      bare,
    );
    expect(oidc.auth).toEqual({ type: 'token', token: 'idt' });
  });

  test('$KUBECONFIG lists are merged as kubectl merges them: missing files skipped, the first definition wins', () => {
    const first = write('m1', {
      'current-context': 'one',
      contexts: [{ name: 'one', context: { cluster: 'shared', user: 'u1' } }],
      clusters: [{ name: 'shared', cluster: { server: 'https://first:6443' } }],
      users: [{ name: 'u1', user: { token: 't1' } }],
    });
    const second = write('m2', {
      'current-context': 'two',
      contexts: [{ name: 'two', context: { cluster: 'shared', user: 'u2', namespace: 'n2' } }],
      clusters: [{ name: 'shared', cluster: { server: 'https://second:6443' } }],
      users: [{ name: 'u2', user: { token: 't2' } }],
    });
    const env = { ...bare, env: { KUBECONFIG: [path.join(tmp, 'absent'), first, second].join(path.delimiter) } };
    const k = loadKubeconfig({}, env);
    expect([k.server, k.auth]).toEqual(['https://first:6443', { type: 'token', token: 't1' }]);
    const two = loadKubeconfig({ context: 'two' }, env);
    expect([two.server, two.namespace, two.auth]).toEqual(['https://first:6443', 'n2', { type: 'token', token: 't2' }]);
  });

  test('~/.kube/config when $KUBECONFIG is not set', () => {
    const home = path.join(tmp, 'home-with-config');
    fs.mkdirSync(path.join(home, '.kube'), { recursive: true });
    fs.copyFileSync(kubeconfig('for-home', [{ name: 'u', user: { token: 'h' } }]), path.join(home, '.kube', 'config'));
    expect(loadKubeconfig({}, { ...bare, home }).source).toBe(
      `kubeconfig ${path.join(home, '.kube', 'config')} (context a)`,
    );
  });

  test('in a pod without a kubeconfig: the service account token, CA and namespace, the service host and port', () => {
    const sa = path.join(tmp, 'sa');
    fs.mkdirSync(sa, { recursive: true });
    fs.writeFileSync(path.join(sa, 'token'), 'sa-token');
    fs.writeFileSync(path.join(sa, 'ca.crt'), 'SACA');
    fs.writeFileSync(path.join(sa, 'namespace'), 'addons\n');
    const k = loadKubeconfig(
      {},
      { ...bare, serviceAccountDir: sa, env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' } },
    );
    expect([k.server, k.source, k.ca!.toString(), k.namespace]).toEqual([
      'https://10.96.0.1:443',
      'in-cluster config',
      'SACA',
      'addons',
    ]);
    expect(k.auth).toMatchObject({ type: 'token-file', file: path.join(sa, 'token') });
  });
});

const CTX = 'current-context: a\ncontexts: [{name: a, context: {cluster: c}}]\n';

describe('broken kubeconfigs are config errors naming the file and field', () => {
  test('no kubeconfig at all: says where it looked (no localhost:8080 fallback)', () => {
    const e = configError(() => loadKubeconfig({}, bare));
    expect(e.message).toMatch(
      /^no kubeconfig found; looked at \$KUBECONFIG \(not set\), .*\.kube\/config \(does not exist\)/,
    );
    expect(e.message).toMatch(/KUBERNETES_SERVICE_HOST not set/);
    expect(e.message).toMatch(/pass --kubeconfig FILE/);
    const list = configError(() => loadKubeconfig({}, { ...bare, env: { KUBECONFIG: '/nonexistent/a' } }));
    expect(list.message).toMatch(/\$KUBECONFIG \(\/nonexistent\/a: does not exist\)/);
  });

  test('--kubeconfig that does not exist or is a directory', () => {
    expect(configError(() => loadKubeconfig({ kubeconfig: path.join(tmp, 'nope') }, bare)).message).toBe(
      `kubeconfig ${path.join(tmp, 'nope')}: no such file; give the path of an existing kubeconfig`,
    );
    expect(configError(() => loadKubeconfig({ kubeconfig: tmp }, bare)).message).toMatch(/is a directory/);
  });

  test.each([
    ['empty file', '', /\(whole file\): empty/],
    ['a list', '- a\n- b\n', /\(whole file\): expected a mapping, found a list/],
    ['a string', 'hello\n', /\(whole file\): expected a mapping, found a string/],
    ['another kind', 'kind: Deployment\n', /kind: "Deployment" is not a kubeconfig/],
    ['clusters not a list', 'clusters: 3\n', /clusters: expected a list, found a number/],
    ['null entry', 'clusters: [null]\n', /clusters\[0\]: empty entry/],
    ['entry without name', 'clusters: [{cluster: {}}]\n', /clusters\[0\]\.name: missing/],
    [
      'no current-context',
      'contexts: [{name: a, context: {}}]\n',
      /no current-context set; pass --context NAME \(available: a\)/,
    ],
    [
      'unknown context',
      'current-context: x\ncontexts: [{name: a, context: {}}]\n',
      /context "x" \(current-context\) is not defined; available: a/,
    ],
    [
      'server a number',
      `${CTX}clusters: [{name: c, cluster: {server: 8080}}]\n`,
      /clusters\[name=c\]\.cluster\.server: expected a string, found a number/,
    ],
    [
      'server not a URL',
      `${CTX}clusters: [{name: c, cluster: {server: "not a url"}}]\n`,
      /clusters\[name=c\]\.cluster\.server: "not a url" is not a URL; expected https:\/\/HOST:PORT/,
    ],
    ['missing server', `${CTX}clusters: [{name: c, cluster: {}}]\n`, /clusters\[name=c\]\.cluster\.server: missing/],
    ['cluster not defined', CTX, /contexts\[name=a\]\.context\.cluster: cluster "c" is not defined/],
    [
      'user not defined',
      'current-context: a\ncontexts: [{name: a, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: "https://x"}}]\n',
      /contexts\[name=a\]\.context\.user: user "u" is not defined/,
    ],
    [
      'insecure not a boolean',
      `${CTX}clusters: [{name: c, cluster: {server: "https://x", insecure-skip-tls-verify: "yes please"}}]\n`,
      /insecure-skip-tls-verify: expected true or false, found a string/,
    ],
    ['YAML syntax error', 'clusters: [\n  {name: a\n', /:3:1: deficient indentation$/],
  ])('%s', (name, text, message) => {
    const f = write(`bad-${name.replace(/\W/g, '-')}`, text);
    const e = configError(() => loadKubeconfig({ kubeconfig: f }, bare));
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(`kubeconfig ${f}`)).toBe(true);
  });

  test('a missing tokenFile is named with its path', () => {
    const f = kubeconfig('tokenfile', [{ name: 'u', user: { tokenFile: 'gone-token' } }]);
    expect(configError(() => loadKubeconfig({ kubeconfig: f }, bare)).message).toBe(
      `kubeconfig ${f}: users[name=u].user.tokenFile: file ${path.join(tmp, 'gone-token')} does not exist`,
    );
  });

  test('an unknown auth provider is named, with what to use instead', () => {
    const f = kubeconfig('gcp', [
      { name: 'u', user: { 'auth-provider': { name: 'gcp', config: { 'access-token': 's3cr3t' } } } },
    ]);
    const e = configError(() => loadKubeconfig({ kubeconfig: f }, bare));
    expect(e.message).toMatch(/users\[name=u\]\.user\.auth-provider\.name: auth provider "gcp" is not supported/);
    expect(e.message).toMatch(/gke-gcloud-auth-plugin/);
    expect(e.message).not.toMatch(/s3cr3t/);
  });

  test('credentials never appear in messages, not even from a YAML error on the line holding them', () => {
    const secret = 'sup3r-s3cret-t0ken';
    const f = write('secret-yaml', `users:\n- name: u\n  user:\n    token: ${secret}: [\n`);
    const e = configError(() => loadKubeconfig({ kubeconfig: f }, bare));
    expect(e.message).not.toContain(secret);
    const typed = kubeconfig('secret-typed', [{ name: 'u', user: { token: { value: secret } } }]);
    const e2 = configError(() => loadKubeconfig({ kubeconfig: typed }, bare));
    expect(e2.message).toMatch(/users\[name=u\]\.user\.token: expected a string, found a mapping/);
    expect(e2.message).not.toContain(secret);
    const url = write('secret-url', {
      'current-context': 'a',
      contexts: [{ name: 'a', context: { cluster: 'c' } }],
      clusters: [{ name: 'c', cluster: { server: `https://admin:${secret}@` } }],
    });
    const e3 = configError(() => loadKubeconfig({ kubeconfig: url }, bare));
    expect(e3.message).not.toContain(secret);
  });

  test('an inline kubeconfig (from a Secret) is named by its source', () => {
    const e = configError(() =>
      loadKubeconfig({ kubeconfigYaml: '', kubeconfigSource: 'Secret ns/c1-kubeconfig' }, bare),
    );
    expect(e.message).toBe(
      'kubeconfig Secret ns/c1-kubeconfig: (whole file): empty; ' +
        'a kubeconfig has clusters, users, contexts and current-context',
    );
  });
});
