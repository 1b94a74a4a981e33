/**
 * The test cluster's "cluster network" as the kube-apiserver sees it, so an aggregated API (metrics-server's
 * APIService v1beta1.metrics.k8s.io in the docker stack) can become Available on kwok, where no pod really runs.
 * The API server sends its cluster egress (aggregated APIs, service proxy, kubelet) through this HTTP CONNECT proxy on
 * a Unix socket (`--egress-selector-config-file`, as konnectivity does in real clusters):
 *   - a CONNECT to a Service IP (the service CIDR) is answered by a stand-in for the pods behind the Service: an
 *     HTTPS server serving an empty API discovery document for any `/apis/<group>/<version>` — the API server only
 *     dials a Service once its EndpointSlices have a Ready pod (kwok's stage), so "Available" still means the
 *     Deployment rolled out; the stand-in answers no resources (`kubectl top` finds nothing);
 *   - any other CONNECT (kwok's kubelet on 127.0.0.1, URL webhooks) is passed through unchanged.
 * Like testenv/provisioner.ts it stands in for what a cloud or a real node would run; it is never used by cskit.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';

/** `a.b.c.d/n` contains `ip` (IPv4 only: the testenv's service CIDR). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const num = (s: string) => s.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  if (!net.isIPv4(ip) || !net.isIPv4(base)) return false;
  const mask = Number(bits) === 0 ? 0 : 2 ** 32 - 2 ** (32 - Number(bits));
  const and = (n: number) => Number((BigInt(n) & BigInt(mask)).toString());
  return and(num(ip)) === and(num(base));
}

/** The EgressSelectorConfiguration pointing the API server's cluster egress at `socket`. */
export function egressSelectorConfig(socket: string): string {
  return [
    'apiVersion: apiserver.k8s.io/v1beta1',
    'kind: EgressSelectorConfiguration',
    'egressSelections:',
    '- name: cluster',
    '  connection:',
    '    proxyProtocol: HTTPConnect',
    '    transport:',
    '      uds:',
    `        udsName: ${socket}`,
    '',
  ].join('\n');
}

/** What the stand-in for a Service's pods answers: discovery of any group/version, with no resources. */
export function standInResponse(method: string, url: string): { status: number; body: object } {
  const m = /^\/apis\/([^/]+)\/([^/?]+)\/?(\?.*)?$/.exec(url);
  if (method === 'GET' && m)
    return {
      status: 200,
      body: { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${m[1]}/${m[2]}`, resources: [] },
    };
  return {
    status: 404,
    body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: url },
  };
}

/** Starts the proxy on `socket`; resolves once it listens. */
export async function startEgressProxy(
  socket: string,
  serviceCidr: string,
  tls: { cert: string; key: string },
  log: (line: string) => void,
): Promise<http.Server> {
  const standIn = https.createServer({ cert: fs.readFileSync(tls.cert), key: fs.readFileSync(tls.key) }, (req, res) => {
    const { status, body } = standInResponse(req.method ?? 'GET', req.url ?? '/');
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  const proxy = http.createServer((_req, res) => res.writeHead(405).end('CONNECT only\n'));
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    const i = target.lastIndexOf(':');
    const host = target.slice(0, i).replace(/^\[|\]$/g, '');
    const port = Number(target.slice(i + 1));
    client.on('error', () => undefined);
    if (inCidr(host, serviceCidr)) {
      client.write('HTTP/1.1 200 Connection established\r\n\r\n');
      if (head.length) client.unshift(head);
      standIn.emit('connection', client);
      return;
    }
    const upstream = net.connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', (e) => {
      log(`egress to ${target} failed: ${e.message}`);
      if (client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    client.on('close', () => upstream.destroy());
  });
  fs.rmSync(socket, { force: true });
  await new Promise<void>((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(socket, () => resolve());
  });
  return proxy;
}
