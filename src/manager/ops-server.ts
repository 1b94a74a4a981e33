/**
 * The manager's operations endpoint over plain http (what kubelet probes and Prometheus scrape; nothing secret is
 * served): `/healthz` (the process answers), `/readyz` (200 only when ready: the hook server listens and, as leader
 * or without leader election, the first list of Clusters is done; a standby is ready once it has read the Lease, as
 * it answers hooks from persisted state), `/metrics` (Prometheus text format).
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { ManagerMetrics } from './metrics';

export const DEFAULT_METRICS_PORT = 8080;

export interface OpsServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startOpsServer(o: {
  host: string;
  port: number;
  metrics: ManagerMetrics;
  /** undefined when ready, else why not. */
  notReady: () => string | undefined;
}): Promise<OpsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const send = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'content-type': type });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'GET only\n');
    if (path === '/healthz' || path === '/livez') return send(200, 'ok\n');
    if (path === '/readyz') {
      const why = o.notReady();
      return why ? send(503, `not ready: ${why}\n`) : send(200, 'ok\n');
    }
    if (path === '/metrics') {
      o.metrics.text().then(
        (t) => send(200, t, o.metrics.contentType),
        (e: Error) => send(500, `metrics: ${e.message}\n`),
      );
      return;
    }
    send(404, 'not found: /healthz, /readyz, /metrics\n');
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
