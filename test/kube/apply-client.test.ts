import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { connectApply } from '../../src/kube/apply-client';
import { ApiStatusError } from '../../src/kube/apply-types';

// The HTTP side of apply against a scripted local server (plain HTTP on 127.0.0.1): discovery, the apply request
// as the API server expects it, Status errors, retries. The real API server is exercised by test/e2e/apply.test.ts.
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
let server: http.Server;
let seen: Seen[] = [];
let script: (s: Seen) => { status: number; body: unknown } | undefined;
let kubeconfig: string;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-apply-client-'));

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const s = { method: req.method!, url: req.url!, headers: req.headers, body };
      seen.push(s);
      const r =
        script(s) ??
        (req.url === '/apis/cluster.x-k8s.io'
          ? {
              status: 200,
              body: {
                versions: [{ version: 'v1beta1' }, { version: 'v1beta2' }],
                preferredVersion: { version: 'v1beta2' },
              },
            }
          : req.url === '/apis/cluster.x-k8s.io/v1beta2'
            ? {
                status: 200,
                body: {
                  resources: [
                    { name: 'clusterclasses', kind: 'ClusterClass', namespaced: true },
                    { name: 'clusterclasses/status', kind: 'ClusterClass', namespaced: true },
                  ],
                },
              }
            : {
                status: 404,
                body: {
                  kind: 'Status',
                  message: 'the server could not find the requested resource',
                  reason: 'NotFound',
                },
              });
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(r.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  kubeconfig = path.join(tmp, 'kubeconfig');
  fs.writeFileSync(
    kubeconfig,
    JSON.stringify({
      'current-context': 'x',
      contexts: [{ name: 'x', context: { cluster: 'x', user: 'x' } }],
      clusters: [{ name: 'x', cluster: { server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } }],
      users: [{ name: 'x', user: { token: 'secret-token' } }],
    }),
  );
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  fs.rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  seen = [];
  script = () => undefined;
});

const cc = { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'ClusterClass', metadata: { name: 'c', namespace: 'ns' } };

test('discovery: preferred version, resource names and scope; unknown groups are undefined', async () => {
  const c = await connectApply({ kubeconfig });
  expect(await c.groupVersions('cluster.x-k8s.io')).toEqual(['v1beta2', 'v1beta1']);
  expect(await c.resource('cluster.x-k8s.io', 'ClusterClass')).toEqual({
    group: 'cluster.x-k8s.io',
    version: 'v1beta2',
    kind: 'ClusterClass',
    plural: 'clusterclasses',
    namespaced: true,
  });
  expect(await c.resource('cluster.x-k8s.io', 'Cluster')).toBeUndefined();
  expect(await c.groupVersions('nope.example.com')).toBeUndefined();
  c.close!();
});

test('discovery: a miss is asked again (a CRD created later is found by the same client), hits cached', async () => {
  const c = await connectApply({ kubeconfig });
  let served = false; // the example.com group and its Widget kind appear once "a CRD is created"
  script = (x) => {
    if (!served && x.url.startsWith('/apis/example.com')) return { status: 404, body: { kind: 'Status' } };
    if (x.url === '/apis/example.com')
      return { status: 200, body: { versions: [{ version: 'v1' }], preferredVersion: { version: 'v1' } } };
    if (x.url === '/apis/example.com/v1')
      return { status: 200, body: { resources: [{ name: 'widgets', kind: 'Widget', namespaced: true }] } };
    return undefined;
  };
  expect(await c.resource('example.com', 'Widget')).toBeUndefined();
  served = true;
  expect(await c.resource('example.com', 'Widget')).toMatchObject({ plural: 'widgets', version: 'v1' });
  seen = [];
  expect(await c.resource('example.com', 'Widget')).toMatchObject({ plural: 'widgets' });
  expect(await c.resource('cluster.x-k8s.io', 'ClusterClass')).toMatchObject({ plural: 'clusterclasses' });
  expect(seen.filter((x) => x.url === '/apis/example.com' || x.url === '/apis/example.com/v1')).toHaveLength(0);
  // A kind missing from a served group-version is asked for again too (a new CRD of an existing group).
  seen = [];
  expect(await c.resource('cluster.x-k8s.io', 'Cluster')).toBeUndefined();
  expect(seen.map((x) => x.url)).toEqual(['/apis/cluster.x-k8s.io', '/apis/cluster.x-k8s.io/v1beta2']);
  c.close!();
});

test('apply: apply-patch+yaml, field manager, strict validation, force/dry run if asked, 201 = created', async () => {
  const c = await connectApply({ kubeconfig });
  const res = (await c.resource('cluster.x-k8s.io', 'ClusterClass'))!;
  script = (s) =>
    s.method === 'PATCH'
      ? {
          status: s.url.includes('dryRun') ? 200 : 201,
          body: { ...cc, metadata: { ...cc.metadata, resourceVersion: '7' } },
        }
      : undefined;
  const r = await c.apply(res, cc, { fieldManager: 'cskit', metadataOnly: true });
  expect(r.created).toBe(true);
  expect(r.object.metadata!.resourceVersion).toBe('7');
  const p = seen.find((s) => s.method === 'PATCH')!;
  expect(p.url).toBe(
    '/apis/cluster.x-k8s.io/v1beta2/namespaces/ns/clusterclasses/c?fieldManager=cskit&fieldValidation=Strict',
  );
  expect(p.headers['content-type']).toBe('application/apply-patch+yaml');
  expect(p.headers.accept).toMatch(
    /^application\/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1, application\/json$/,
  );
  expect(p.headers.authorization).toBe('Bearer secret-token');
  expect(JSON.parse(p.body)).toEqual(cc);
  seen = [];
  expect((await c.apply(res, cc, { fieldManager: 'cskit', force: true, dryRun: true })).created).toBe(false);
  expect(seen[0].url).toBe(
    '/apis/cluster.x-k8s.io/v1beta2/namespaces/ns/clusterclasses/c' +
      '?fieldManager=cskit&fieldValidation=Strict&force=true&dryRun=All',
  );
  expect(seen[0].headers.accept).toBe('application/json');
  c.close!();
});

test('a 409 Status becomes an ApiStatusError with its causes; a 404 on get is undefined', async () => {
  const c = await connectApply({ kubeconfig });
  const res = (await c.resource('cluster.x-k8s.io', 'ClusterClass'))!;
  script = (s) =>
    s.method === 'PATCH'
      ? {
          status: 409,
          body: {
            kind: 'Status',
            reason: 'Conflict',
            message: 'Apply failed with 1 conflict: conflict with "kubectl" using v1beta2: .spec.x',
            details: {
              causes: [
                { reason: 'FieldManagerConflict', message: 'conflict with "kubectl" using v1beta2', field: '.spec.x' },
              ],
            },
          },
        }
      : undefined;
  const e: ApiStatusError = await c.apply(res, cc, { fieldManager: 'cskit' }).catch((x) => x);
  expect(e).toBeInstanceOf(ApiStatusError);
  expect([e.status, e.kind, e.reason]).toEqual([409, 'conflict', 'Conflict']);
  expect(e.message).toBe(
    'applying ClusterClass ns/c: Apply failed with 1 conflict: conflict with "kubectl" using v1beta2: .spec.x',
  );
  expect(e.causes).toEqual([
    { reason: 'FieldManagerConflict', message: 'conflict with "kubectl" using v1beta2', field: '.spec.x' },
  ]);
  expect(await c.get(res, 'missing', 'ns')).toBeUndefined();
  c.close!();
});

test('transient errors are retried; lists carry apiVersion and kind; deletes propagate in the background', async () => {
  const c = await connectApply({ kubeconfig });
  const res = (await c.resource('cluster.x-k8s.io', 'ClusterClass'))!;
  let failures = 2;
  script = (s) => {
    if (s.method !== 'GET' || !s.url.startsWith('/apis/cluster.x-k8s.io/v1beta2/namespaces/ns/clusterclasses?'))
      return undefined;
    if (failures-- > 0) return { status: 500, body: { kind: 'Status', message: 'storage is (re)initializing' } };
    return { status: 200, body: { items: [{ metadata: { name: 'c' } }] } };
  };
  expect(
    await c.list(res, { namespace: 'ns', labelSelector: 'applyset.kubernetes.io/part-of=x', metadataOnly: true }),
  ).toEqual([{ apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'ClusterClass', metadata: { name: 'c' } }]);
  const lists = seen.filter((s) => s.url.includes('labelSelector'));
  expect(lists).toHaveLength(3);
  expect(lists[0].headers.accept).toMatch(/as=PartialObjectMetadataList/);
  script = (s) => (s.method === 'DELETE' ? { status: 200, body: {} } : undefined);
  await c.delete(res, 'c', 'ns', { dryRun: true });
  expect(seen.pop()!.url).toBe(
    '/apis/cluster.x-k8s.io/v1beta2/namespaces/ns/clusterclasses/c?propagationPolicy=Background&dryRun=All',
  );
  c.close!();
});
