import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readSimpleKubeconfig } from '../../src/kube/apply-kubeconfig';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-kubeconfig-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function kubeconfig(name: string, users: object[], extra: object = {}): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(
    p,
    JSON.stringify({
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
    }),
  );
  return p;
}

describe('readSimpleKubeconfig', () => {
  test('client certificates from data, the current context', () => {
    const f = kubeconfig('certs', [
      {
        name: 'u',
        user: {
          'client-certificate-data': Buffer.from('CERT').toString('base64'),
          'client-key-data': Buffer.from('KEY').toString('base64'),
        },
      },
    ]);
    const k = readSimpleKubeconfig({ kubeconfig: f })!;
    expect(k.server).toBe('https://127.0.0.1:6443');
    expect([k.ca!.toString(), k.cert!.toString(), k.key!.toString()]).toEqual(['CA', 'CERT', 'KEY']);
    expect(k.insecure).toBe(false);
    expect(k.authorization).toBeUndefined();
    expect(k.namespace).toBeUndefined();
  });

  test('files relative to the kubeconfig, --context, token files read per request', () => {
    fs.writeFileSync(path.join(tmp, 'ca.pem'), 'CAFILE');
    fs.writeFileSync(path.join(tmp, 'token'), 'tok-1\n');
    const f = kubeconfig('files', [{ name: 'v', user: { tokenFile: 'token' } }]);
    const k = readSimpleKubeconfig({ kubeconfig: f, context: 'b' })!;
    expect(k.ca!.toString()).toBe('CAFILE');
    expect([k.insecure, k.servername, k.namespace]).toEqual([true, 'api', 'stacks']);
    expect(k.authorization!()).toBe('Bearer tok-1');
    fs.writeFileSync(path.join(tmp, 'token'), 'tok-2');
    expect(k.authorization!()).toBe('Bearer tok-2');
  });

  test('bearer token and basic auth', () => {
    expect(
      readSimpleKubeconfig({ kubeconfig: kubeconfig('token', [{ name: 'u', user: { token: 'abc' } }]) })!
        .authorization!(),
    ).toBe('Bearer abc');
    expect(
      readSimpleKubeconfig({
        kubeconfig: kubeconfig('basic', [{ name: 'u', user: { username: 'me', password: 'pw' } }]),
      })!.authorization!(),
    ).toBe(`Basic ${Buffer.from('me:pw').toString('base64')}`);
  });

  test('anything unusual is left to the client library (undefined)', () => {
    expect(
      readSimpleKubeconfig({
        kubeconfig: kubeconfig('exec', [{ name: 'u', user: { exec: { command: 'get-token' } } }]),
      }),
    ).toBeUndefined();
    expect(
      readSimpleKubeconfig({ kubeconfig: kubeconfig('ctx', [{ name: 'u', user: {} }]), context: 'nope' }),
    ).toBeUndefined();
    expect(readSimpleKubeconfig({ kubeconfig: path.join(tmp, 'missing') })).toBeUndefined();
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = [kubeconfig('m1', []), kubeconfig('m2', [])].join(path.delimiter);
    try {
      expect(readSimpleKubeconfig({})).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });
});
