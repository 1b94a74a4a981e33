import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as tls from 'tls';
import { makeCa, signLeaf } from '../../src/util/certs';
import { egressSelectorConfig, inCidr, standInResponse, startEgressProxy } from '../../testenv/egress';

describe('testenv egress proxy (the API server cluster network on kwok)', () => {
  test('inCidr: inside and outside the service CIDR, IPv4 only', () => {
    expect(inCidr('10.96.0.1', '10.96.0.0/16')).toBe(true);
    expect(inCidr('10.96.255.254', '10.96.0.0/16')).toBe(true);
    expect(inCidr('10.97.0.1', '10.96.0.0/16')).toBe(false);
    expect(inCidr('127.0.0.1', '10.96.0.0/16')).toBe(false);
    expect(inCidr('localhost', '10.96.0.0/16')).toBe(false);
  });

  test('the stand-in answers discovery of any group/version with no resources, 404 for the rest', () => {
    expect(standInResponse('GET', '/apis/metrics.k8s.io/v1beta1')).toEqual({
      status: 200,
      body: { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'metrics.k8s.io/v1beta1', resources: [] },
    });
    expect(standInResponse('GET', '/apis/metrics.k8s.io/v1beta1/nodes').status).toBe(404);
    expect(standInResponse('POST', '/apis/metrics.k8s.io/v1beta1').status).toBe(404);
  });

  test('the EgressSelectorConfiguration names the cluster egress and the socket', () => {
    expect(egressSelectorConfig('/tmp/x.sock')).toMatch(
      /- name: cluster\n[^]*proxyProtocol: HTTPConnect[^]*udsName: \/tmp\/x\.sock/,
    );
  });

  test('CONNECT to a Service IP reaches the TLS stand-in; CONNECT elsewhere is passed through', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-egress-'));
    makeCa(dir, 'ca', 1);
    const leaf = signLeaf(dir, 'srv', '/CN=srv', 'subjectAltName=IP:127.0.0.1\n', 1);
    const sock = path.join(dir, 'e.sock');
    const proxy = await startEgressProxy(sock, '10.96.0.0/16', leaf, () => undefined);
    const echo = net.createServer((s) => s.end('hello from upstream')).listen(0, '127.0.0.1');
    await new Promise((r) => echo.once('listening', r));
    const connectVia = (target: string) =>
      new Promise<net.Socket>((resolve, reject) => {
        const req = http.request({ socketPath: sock, method: 'CONNECT', path: target });
        req.on('connect', (res, socket, head) => {
          if (head.length) socket.unshift(head);
          return res.statusCode === 200 ? resolve(socket) : reject(new Error(String(res.statusCode)));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      const s1 = await connectVia('10.96.3.4:443');
      const body = await new Promise<string>((resolve, reject) => {
        const t = tls.connect({ socket: s1, rejectUnauthorized: false }, () =>
          t.write('GET /apis/metrics.k8s.io/v1beta1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
        );
        let out = '';
        t.on('data', (d) => (out += d));
        t.on('end', () => resolve(out));
        t.on('error', reject);
      });
      expect(body).toMatch(/^HTTP\/1\.1 200/);
      expect(body).toContain('"groupVersion":"metrics.k8s.io/v1beta1"');

      const port = (echo.address() as net.AddressInfo).port;
      const s2 = await connectVia(`127.0.0.1:${port}`);
      const got = await new Promise<string>((resolve) => {
        let out = '';
        s2.on('data', (d) => (out += d));
        s2.on('end', () => resolve(out));
      });
      expect(got).toBe('hello from upstream');
    } finally {
      proxy.close();
      echo.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
