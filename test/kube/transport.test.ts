import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { KubeApi } from '../../src/kube/api';
import { ResourceInfo } from '../../src/kube/apply-types';
import { connect } from '../../src/kube/client';
import { TransportOptions } from '../../src/kube/transport';
import { KubeError } from '../../src/kube/types';

// The transport against misbehaving local servers started here: each class of failure (no answer, no TLS
// handshake, a dribbled body, malformed JSON, the command's deadline, bad names, rejected credentials, watches
// that end or go silent) must end in time with a KubeError naming the server. The real API server is exercised
// by the e2e suites.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-transport-'));
const closers: Array<() => void> = [];
afterEach(() => closers.splice(0).forEach((c) => c()));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const SECRET = 'tok-never-printed-1234';

function yaml(server: string, user: object = { token: SECRET }): string {
  return JSON.stringify({
    'current-context': 'x',
    contexts: [{ name: 'x', context: { cluster: 'x', user: 'x' } }],
    clusters: [{ name: 'x', cluster: { server } }],
    users: [{ name: 'x', user }],
  });
}

async function listen(s: net.Server): Promise<number> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closers.push(() => s.close());
  return (s.address() as AddressInfo).port;
}

/** An HTTP server; `handler` answers, or does not. Open sockets are destroyed after each test. */
async function serve(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  const sockets = new Set<net.Socket>();
  s.on('connection', (c) => {
    sockets.add(c);
    closers.push(() => c.destroy());
  });
  return `http://127.0.0.1:${await listen(s)}`;
}

/** Accepts TCP connections and never sends a byte. */
async function silent(): Promise<number> {
  const s = net.createServer((c) => closers.push(() => c.destroy()));
  return listen(s);
}

const api = (server: string, o: TransportOptions & { user?: object } = {}) =>
  KubeApi.connect({ kubeconfigYaml: yaml(server, o.user), ...o });

async function failure(p: Promise<unknown>): Promise<KubeError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KubeError);
    return e as KubeError;
  }
  throw new Error('expected a KubeError, got none');
}

const cm: ResourceInfo = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };

describe('every step is bounded in time and says which server did not answer', () => {
  test('a server that accepts the connection and never answers: cut after the request timeout', async () => {
    const port = await silent();
    const t0 = Date.now();
    const e = await failure(api(`http://127.0.0.1:${port}`, { timeouts: { requestMs: 300 } }).serverVersion());
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(e.kind).toBe('unreachable');
    expect(e.message).toBe(`reading /version: no complete answer from http://127.0.0.1:${port} within 0.3 s`);
  });

  test('an https server that never completes the TLS handshake: cut after the handshake timeout', async () => {
    const port = await silent();
    const e = await failure(
      api(`https://127.0.0.1:${port}`, { timeouts: { handshakeMs: 200, requestMs: 5000 } }).serverVersion(),
    );
    expect(e.kind).toBe('unreachable');
    expect(e.message).toBe(
      `reading /version: TLS handshake with https://127.0.0.1:${port} did not finish within 0.2 s`,
    );
  });

  test('a server that dribbles its body: cut after the request timeout', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"gitVersion": "v1');
      const t = setInterval(() => res.write(' '), 50);
      closers.push(() => clearInterval(t));
    });
    const e = await failure(api(server, { timeouts: { requestMs: 400 } }).serverVersion());
    expect(e.message).toBe(`reading /version: no complete answer from ${server} within 0.4 s`);
  });

  test('discovery has its own (shorter) bound', async () => {
    const port = await silent();
    const c = api(`http://127.0.0.1:${port}`, { timeouts: { requestMs: 10_000, discoveryMs: 300 } });
    const e = await failure(c.resource('apps', 'Deployment'));
    expect(e.message).toBe(`discovering API group apps: no complete answer from http://127.0.0.1:${port} within 0.3 s`);
  });

  test("the command's deadline cuts a request before its own bound, and later requests fail at once", async () => {
    const port = await silent();
    const c = api(`http://127.0.0.1:${port}`, {
      deadline: { at: Date.now() + 300, what: 'the time limit of --timeout 1s' },
    });
    const e = await failure(c.serverVersion());
    expect(e.message).toBe(
      `reading /version: the time limit of --timeout 1s ran out before http://127.0.0.1:${port} answered`,
    );
    const t0 = Date.now();
    await failure(c.get(cm, 'x', 'ns'));
    expect(Date.now() - t0).toBeLessThan(200);
  });

  test('connection refused names the server', async () => {
    const port = await listen(net.createServer());
    closers.splice(0).forEach((c) => c());
    await new Promise((r) => setTimeout(r, 50));
    const e = await failure(api(`http://127.0.0.1:${port}`).serverVersion());
    expect(e.message).toBe(
      `reading /version: cannot talk to the API server http://127.0.0.1:${port}: connection refused`,
    );
  });

  test('a watch whose server goes silent is cut after the idle bound', async () => {
    const server = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('');
    });
    const e = await failure(api(server, { timeouts: { watchIdleMs: 300 } }).watch(cm, { namespace: 'ns' }, () => {}));
    expect(e.message).toBe(`watching configmaps in ns: no data from ${server} for 0.3 s during a watch`);
  });
});

describe('misbehaving answers are errors naming the server, not JavaScript messages', () => {
  test('malformed discovery documents name the field', async () => {
    const server = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/apis/apps') res.end(JSON.stringify({ versions: 3 }));
      else if (req.url === '/apis/batch')
        res.end(JSON.stringify({ versions: [{ version: 'v1' }], preferredVersion: { version: 'v1' } }));
      else if (req.url === '/apis/batch/v1') res.end(JSON.stringify({ resources: [{ name: 'jobs', kind: null }] }));
      else if (req.url === '/apis/policy') res.end('null');
      else res.end('{"versions": [');
    });
    const c = api(server);
    expect((await failure(c.resource('apps', 'Deployment'))).message).toBe(
      `discovering API group apps: malformed discovery answer from ${server}: "versions" is not a list`,
    );
    expect((await failure(c.resource('batch', 'Job'))).message).toBe(
      `discovering batch/v1: malformed discovery answer from ${server}: resources[0].kind is not a string`,
    );
    expect((await failure(c.resource('policy', 'PodDisruptionBudget'))).message).toBe(
      `discovering API group policy: malformed discovery answer from ${server}: expected a JSON object`,
    );
    const e = await failure(c.resource('x.example.com', 'X'));
    expect(e.message).toMatch(new RegExp(`^discovering API group x.example.com: ${server} sent malformed JSON \\(`));
  });

  test('a 200 without gitVersion on /version, and a list without items', async () => {
    const server = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url === '/version' ? '{}' : '{"items": 5}');
    });
    const c = api(server);
    expect((await failure(c.serverVersion())).message).toMatch(
      /sent no gitVersion \(is it a Kubernetes API server\?\)/,
    );
    expect((await failure(c.list(cm, { namespace: 'ns' }))).message).toBe(
      `listing configmaps in ns: ${server} sent a list without items`,
    );
  });

  test('HTTP 400 and 422 are both "invalid" (one status map), with the Status causes', async () => {
    const server = await serve((req, res) => {
      const code = req.method === 'POST' ? 400 : 422;
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          message: `bad ${code}`,
          reason: 'Invalid',
          details: { causes: [{ reason: 'FieldValueInvalid', field: 'data', message: 'no' }] },
        }),
      );
    });
    const c = api(server);
    const bad = await failure(
      c.create(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n' } }),
    );
    expect([bad.kind, bad.status, bad.message]).toEqual(['invalid', 400, 'creating ConfigMap n/a: bad 400']);
    const unproc = await failure(c.apply(cm, { metadata: { name: 'a', namespace: 'n' } }, { fieldManager: 'm' }));
    expect([unproc.kind, unproc.status]).toEqual(['invalid', 422]);
    expect((unproc as unknown as { causes: unknown[] }).causes).toEqual([
      { reason: 'FieldValueInvalid', field: 'data', message: 'no' },
    ]);
  });
});

describe('bad names and rejected credentials', () => {
  test('an invalid object name is named with the rule it breaks, and nothing is sent', async () => {
    let requests = 0;
    const server = await serve((_req, res) => {
      requests++;
      res.end('{}');
    });
    const c = api(server);
    expect((await failure(c.get(cm, 'a/b', 'ns'))).message).toBe(
      'reading ConfigMap ns/a/b: metadata.name "a/b" is invalid: may not contain \'/\' ' +
        '(Kubernetes names are path segments)',
    );
    expect((await failure(c.delete(cm, '..', 'ns'))).message).toMatch(
      /metadata\.name "\.\." is invalid: may not be '\.\.'/,
    );
    expect((await failure(c.list(cm, { namespace: 'a%2F' }))).message).toMatch(
      /metadata\.namespace "a%2F" is invalid: may not contain '%'/,
    );
    expect((await failure(c.apply(cm, { metadata: { namespace: 'n' } }, { fieldManager: 'm' }))).message).toMatch(
      /metadata\.name is missing/,
    );
    expect(requests).toBe(0);
  });

  test('401 names where the credentials came from, never the credentials', async () => {
    const server = await serve((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }));
    });
    const e = await failure(api(server).serverVersion());
    expect(e.kind).toBe('unauthorized');
    expect(e.message).toBe(
      'reading /version: Unauthorized (the server rejected the token of kubeconfig (inline) (context x))',
    );
    expect(e.message).not.toContain(SECRET);
  });

  test('a token file that disappears after loading is named', async () => {
    const server = await serve((_req, res) => res.end('{"gitVersion":"v1.34.0"}'));
    const file = path.join(tmp, 'token');
    fs.writeFileSync(file, 'from-file');
    const c = api(server, { user: { tokenFile: file } });
    expect(await c.serverVersion()).toBe('v1.34.0');
    fs.rmSync(file);
    const e = await failure(c.serverVersion());
    expect(e.message).toBe(
      `kubeconfig (inline): users[name=x].user.tokenFile ${file}: cannot read the token (file gone)`,
    );
  });

  test('exec plugins: the credential is sent; a failing plugin is named without its output', async () => {
    const seen: string[] = [];
    const server = await serve((req, res) => {
      seen.push(String(req.headers.authorization));
      res.end('{"gitVersion":"v1.34.0"}');
    });
    const ok = path.join(tmp, 'plugin-ok.sh');
    fs.writeFileSync(
      ok,
      `#!/bin/sh\necho '${JSON.stringify({
        apiVersion: 'client.authentication.k8s.io/v1',
        kind: 'ExecCredential',
        status: { token: 'exec-tok' },
      })}'\n`,
      { mode: 0o755 },
    );
    const c = api(server, { user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: ok } } });
    expect(await c.serverVersion()).toBe('v1.34.0');
    expect(seen).toEqual(['Bearer exec-tok']);
    const bad = path.join(tmp, 'plugin-bad.sh');
    fs.writeFileSync(bad, `#!/bin/sh\necho '{"status":{"token":"${SECRET}"'\nexit 0\n`, { mode: 0o755 });
    const e = await failure(api(server, { user: { exec: { command: bad } } }).serverVersion());
    expect(e.message).toBe(
      `kubeconfig (inline): users[name=x].user.exec: exec plugin ${bad} ` + 'printed no ExecCredential JSON on stdout',
    );
    expect(e.message).not.toContain(SECRET);
    const missing = await failure(api(server, { user: { exec: { command: 'cskit-no-such-plugin' } } }).serverVersion());
    expect(missing.message).toMatch(/exec plugin cskit-no-such-plugin not found \(is it installed and on \$PATH\?\)/);
  });

  test('a certificate-authority that is not PEM is a config error at connect time', () => {
    const y = JSON.stringify({
      'current-context': 'x',
      contexts: [{ name: 'x', context: { cluster: 'x' } }],
      clusters: [
        { name: 'x', cluster: { server: 'https://127.0.0.1:1', 'certificate-authority-data': 'bm90IGEgY2VydA==' } },
      ],
    });
    expect(() => connect({ kubeconfigYaml: y })).toThrow(
      'kubeconfig (inline) (context x): certificate-authority(-data) is not a PEM certificate',
    );
  });
});

describe('watches', () => {
  const GONE = 'too old resource version: 9';
  test('resume from the last resourceVersion when the server ends a watch; 410 is "expired"', async () => {
    const urls: string[] = [];
    const server = await serve((req, res) => {
      urls.push(req.url!);
      res.writeHead(200, { 'content-type': 'application/json' });
      const ev = (type: string, name: string, rv: string) =>
        `${JSON.stringify({ type, object: { kind: 'ConfigMap', metadata: { name, resourceVersion: rv } } })}\n`;
      if (urls.length === 1) res.end(ev('ADDED', 'a', '5') + ev('MODIFIED', 'a', '7'));
      else if (urls.length === 2) res.end(ev('BOOKMARK', '', '9'));
      else res.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, message: GONE } })}\n`);
    });
    const events: string[] = [];
    const e = await failure(
      api(server).watch(cm, { namespace: 'ns', resourceVersion: '3' }, (t, o) =>
        events.push(`${t} ${o.metadata?.resourceVersion}`),
      ),
    );
    expect(events).toEqual(['ADDED 5', 'MODIFIED 7']);
    expect(urls.map((u) => new URL(u, 'http://x').searchParams.get('resourceVersion'))).toEqual(['3', '7', '9']);
    expect(urls[0]).toMatch(
      /^\/api\/v1\/namespaces\/ns\/configmaps\?watch=1&allowWatchBookmarks=true&timeoutSeconds=300/,
    );
    expect([e.kind, e.status, e.message]).toEqual([
      'expired',
      410,
      'watching configmaps in ns: too old resource version: 9',
    ]);
  });

  const ADDED_A = { type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '1' }, data: { k: 'v' } } };
  test('watchUntil resolves on the first matching event and times out with a TimeoutError otherwise', async () => {
    const server = await serve((req, res) => {
      if (!req.url!.includes('watch=1')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            req.url === '/api'
              ? { versions: ['v1'] }
              : { resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }] },
          ),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`${JSON.stringify(ADDED_A)}\n`);
    });
    const c = connect({ kubeconfigYaml: yaml(server) });
    const got = await c.watchUntil('v1', 'ConfigMap', { namespace: 'ns', name: 'a', timeoutMs: 2000 }, (t, o) =>
      t === 'ADDED' ? o.data : undefined,
    );
    expect(got).toEqual({ k: 'v' });
    const e = await failure(
      c.watchUntil('v1', 'ConfigMap', { namespace: 'ns', name: 'a', timeoutMs: 300 }, () => undefined),
    );
    expect([e.kind, e.message]).toEqual(['timeout', 'timed out after 0 s waiting for ConfigMap a']);
  });

  test('a malformed watch event names the server', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"type": "ADDED", "object": \n');
    });
    expect((await failure(api(server).watch(cm, {}, () => {}))).message).toBe(
      `watching configmaps: ${server} sent a malformed watch event (not JSON)`,
    );
  });
});

test('through an http proxy (CONNECT), as proxy-url says', async () => {
  const target = await serve((_req, res) => res.end('{"gitVersion":"v1.34.0"}'));
  const connects: string[] = [];
  const proxy = http.createServer();
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
    connects.push(req.url!);
    const [host, port] = req.url!.split(':');
    const up = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.pipe(client);
      client.pipe(up);
    });
    closers.push(() => {
      up.destroy();
      client.destroy();
    });
  });
  const proxyPort = await listen(proxy);
  const y = JSON.stringify({
    'current-context': 'x',
    contexts: [{ name: 'x', context: { cluster: 'x' } }],
    clusters: [{ name: 'x', cluster: { server: target, 'proxy-url': `http://127.0.0.1:${proxyPort}` } }],
  });
  expect(await KubeApi.connect({ kubeconfigYaml: y }).serverVersion()).toBe('v1.34.0');
  expect(connects).toEqual([target.replace('http://', '')]);
});

test('many clusters at once: one client per kubeconfig, each with its own server, token and discovery', async () => {
  const servers = await Promise.all(
    ['a', 'b', 'c'].map((n) =>
      serve((req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        if (req.url === '/version') res.end(JSON.stringify({ gitVersion: `v1.3${n.charCodeAt(0) - 97}.0-${n}` }));
        else res.end(JSON.stringify({ auth: req.headers.authorization }));
      }),
    ),
  );
  const clients = servers.map((s, i) => api(s, { user: { token: `token-${i}` } }));
  expect(await Promise.all(clients.map((c) => c.serverVersion()))).toEqual(['v1.30.0-a', 'v1.31.0-b', 'v1.32.0-c']);
  const auth = await Promise.all(clients.map((c) => c.transport.call('x', 'GET', '/whoami')));
  expect(auth.map((r) => (r.body as { auth: string }).auth)).toEqual([
    'Bearer token-0',
    'Bearer token-1',
    'Bearer token-2',
  ]);
  expect(new Set(clients.map((c) => c.discovery)).size).toBe(3);
  clients.forEach((c) => c.close());
});
