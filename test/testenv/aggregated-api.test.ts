/**
 * The testenv's stand-in for an aggregated API's container (kwok runs none): kwok's stages give pods the host's
 * address, and the stand-in answers the discovery requests a kube-apiserver's availability check makes, over https.
 */
import * as fs from 'fs';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { METRICS_API, kwokStagesWithPodIp, startAggregatedStandIn } from '../../testenv/aggregated-api';

const stages = fs.readFileSync(path.join(__dirname, '..', '..', 'testenv', 'kwok-stages.yaml'), 'utf8');

test('kwok stages: the pod stage gets podIP, podIPs and hostIP at its marker, indented like its template', () => {
  const out = kwokStagesWithPodIp(stages, '192.0.2.7');
  expect(out).not.toContain('cskit:pod-ip');
  const ip = '"192\\.0\\.2\\.7"';
  expect(out).toMatch(
    new RegExp(`\\n {6}startTime: .*\\n {6}podIP: ${ip}\\n {6}podIPs:\\n {6}- ip: ${ip}\\n {6}hostIP: ${ip}\\n`),
  );
});

test('kwok stages: without an address the marker stays a comment; a stages file without it is an error', () => {
  expect(kwokStagesWithPodIp(stages, undefined)).toBe(stages);
  expect(() => kwokStagesWithPodIp('kind: Stage\n', '192.0.2.7')).toThrow(/"# cskit:pod-ip" marker .* is missing/);
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });

function get(port: number, url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, path: url, rejectUnauthorized: false }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      })
      .on('error', reject);
  });
}

test('stand-in: serves /apis and metrics.k8s.io/v1beta1 discovery over https, 404 for the rest', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-standin-'));
  const port = await freePort();
  const s = await startAggregatedStandIn({ address: '127.0.0.1', port, groups: [METRICS_API], dir });
  try {
    const list = await get(port, '/apis/metrics.k8s.io/v1beta1');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ kind: 'APIResourceList', groupVersion: 'metrics.k8s.io/v1beta1' });
    expect((list.body.resources as Array<{ name: string }>).map((r) => r.name)).toEqual(['nodes', 'pods']);
    const groups = await get(port, '/apis');
    expect(groups.body).toMatchObject({ kind: 'APIGroupList', groups: [{ name: 'metrics.k8s.io' }] });
    expect((await get(port, '/apis/metrics.k8s.io/v1beta1/nodes')).status).toBe(404);
    // A second stand-in on the same port: an error naming the address and the lock, not a bare EADDRINUSE.
    const taken = new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\).*flock /tmp/cskit-e2e\\.lock`);
    const second = startAggregatedStandIn({ address: '127.0.0.1', port, groups: [METRICS_API], dir });
    await expect(second).rejects.toThrow(taken);
  } finally {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
