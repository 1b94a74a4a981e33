import * as http from 'http';
import { createLogger, redact } from '../../src/manager/log';
import { ManagerMetrics } from '../../src/manager/metrics';
import { startOpsServer } from '../../src/manager/ops-server';

const get = (url: string) =>
  new Promise<{ code: number; body: string }>((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });

describe('operations: logs, metrics, health', () => {
  test('json logs are one object per line with level and fields; text logs are k=v; tokens and keys masked', () => {
    const lines: string[] = [];
    const at = () => new Date('2026-11-29T21:00:00Z');
    createLogger('json', (l) => lines.push(l), at).warn('reconcile failed: Bearer abc.def', { cluster: 'ns/a' });
    createLogger('text', (l) => lines.push(l), at).info('leading', { identity: 'host_1', selector: 'shard in (a)' });
    expect(JSON.parse(lines[0])).toEqual({
      time: '2026-11-29T21:00:00.000Z',
      level: 'warn',
      msg: 'reconcile failed: Bearer [redacted]',
      cluster: 'ns/a',
    });
    expect(lines[1]).toBe('2026-11-29T21:00:00.000Z INFO leading identity=host_1 selector="shard in (a)"\n');
    expect(redact('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----')).toBe(
      '[redacted private key]',
    );
    expect(redact('token: s3cr3t')).toBe('token: [redacted]');
  });

  test('/metrics: reconciles, hooks, per-Cluster sync age, workload latency; /readyz follows readiness', async () => {
    let t = 1_000_000;
    const metrics = new ManagerMetrics({ processMetrics: false, queueDepth: () => 3 }, () => t);
    metrics.reconciled('ns/a', 'success', 120);
    metrics.reconciled('ns/b', 'error', 50);
    metrics.hookAnswered('BeforeClusterUpgrade', 'Success', 5, 30);
    metrics.workloadRequest('PATCH', 200, 12);
    metrics.setLeader(true);
    t += 42_000;
    let why: string | undefined = 'the first list of Clusters is not done';
    const ops = await startOpsServer({ host: '127.0.0.1', port: 0, metrics, notReady: () => why });
    try {
      expect(await get(`${ops.url}/healthz`)).toMatchObject({ code: 200 });
      expect(await get(`${ops.url}/readyz`)).toEqual({
        code: 503,
        body: 'not ready: the first list of Clusters is not done\n',
      });
      why = undefined;
      expect((await get(`${ops.url}/readyz`)).code).toBe(200);
      const text = (await get(`${ops.url}/metrics`)).body;
      expect(text).toMatch(/^cskit_manager_reconciles_total\{result="success"\} 1$/m);
      expect(text).toMatch(/^cskit_manager_reconciles_total\{result="error"\} 1$/m);
      expect(text).toMatch(/^cskit_manager_cluster_sync_age_seconds\{namespace="ns",cluster="a"\} 42$/m);
      expect(text).not.toMatch(/cluster="b"/); // never synced
      expect(text).toMatch(
        /^cskit_manager_hook_requests_total\{hook="BeforeClusterUpgrade",status="Success",held="true"\} 1$/m,
      );
      expect(text).toMatch(/^cskit_manager_hook_duration_seconds_count\{hook="BeforeClusterUpgrade"\} 1$/m);
      expect(text).toMatch(/^cskit_manager_workload_request_duration_seconds_count\{method="PATCH",code="200"\} 1$/m);
      expect(text).toMatch(/^cskit_manager_leader 1$/m);
      expect(text).toMatch(/^cskit_manager_queue_depth 3$/m);
      metrics.forget('ns/a');
      expect((await get(`${ops.url}/metrics`)).body).not.toMatch(/cluster="a"/);
    } finally {
      await ops.close();
    }
  });
});
