import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { makeServingCert } from '../../src/manager/certs';
import { LoadedState, StateSource } from '../../src/manager/hooks';
import { HookServer, startHookServer } from '../../src/manager/server';

/** POSTs over real TLS, trusting only the manager's CA and checking the 127.0.0.1 IP SAN (as CAPI does). */
function post(
  url: string,
  ca: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown>; ms: number }> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', ca, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          json: JSON.parse(Buffer.concat(chunks).toString()),
          ms: Date.now() - start,
        }),
      );
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('the hook server over real https', () => {
  let dir: string;
  let cert: ReturnType<typeof makeServingCert>;
  let server: HookServer | undefined;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-hooks-'));
    cert = makeServingCert(dir, ['127.0.0.1', 'localhost']);
  });
  afterEach(async () => server?.close());
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const base = (s: HookServer) => `${s.url}/hooks.runtime.cluster.x-k8s.io/v1alpha1`;
  const request = {
    apiVersion: 'hooks.runtime.cluster.x-k8s.io/v1alpha1',
    cluster: { metadata: { name: 'demo', namespace: 'default' } },
  };

  test('discovery is answered with the handlers, verified against the manager CA with the IP SAN', async () => {
    server = await startHookServer(
      { load: async () => undefined },
      { cert: cert.cert, key: cert.key, host: '127.0.0.1' },
    );
    const r = await post(`${base(server)}/discovery`, cert.ca, {});
    expect(r.status).toBe(200);
    expect((r.json.handlers as unknown[]).length).toBe(5);
  });

  test('a hook POST is answered from the state source; the answer sent is told to onAnswer', async () => {
    const told: unknown[] = [];
    server = await startHookServer(
      { load: async () => undefined },
      { cert: cert.cert, key: cert.key, host: '127.0.0.1', onAnswer: (...a) => told.push(a) },
    );
    const r = await post(
      `${base(server)}/beforeclusterupgrade/cskit-before-cluster-upgrade?timeout=10s`,
      cert.ca,
      request,
    );
    expect(r.json).toMatchObject({ kind: 'BeforeClusterUpgradeResponse', status: 'Failure' });
    expect(String(r.json.message)).toMatch(/default\/demo not found/);
    expect(told).toEqual([['BeforeClusterUpgrade', request, r.json]]);
  });

  test('a state read slower than the answer budget is answered "retry" within it, not left hanging', async () => {
    const slow: StateSource = { load: () => new Promise<LoadedState | undefined>(() => undefined) };
    server = await startHookServer(slow, { cert: cert.cert, key: cert.key, host: '127.0.0.1', answerWithinMs: 300 });
    const r = await post(`${base(server)}/afterclusterupgrade/cskit-after-cluster-upgrade`, cert.ca, request);
    expect(r.json).toMatchObject({ status: 'Success', retryAfterSeconds: 2 });
    expect(r.ms).toBeLessThan(2000);
  });

  test('an unknown path is a 404', async () => {
    server = await startHookServer(
      { load: async () => undefined },
      { cert: cert.cert, key: cert.key, host: '127.0.0.1' },
    );
    expect((await post(`${base(server)}/nosuchhook/x`, cert.ca, request)).status).toBe(404);
  });
});
