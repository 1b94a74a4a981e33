import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { freePort, logTail } from '../../testenv/supervisor';

const listen = (port: number) =>
  new Promise<net.Server>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });

describe('testenv supervisor helpers', () => {
  test('freePort: listenable ports between CAPD fixed ports and the ephemeral range, never twice', async () => {
    const ports = [];
    for (let i = 0; i < 40; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(40);
    for (const p of ports) {
      expect(p).toBeGreaterThanOrEqual(24_000);
      expect(p).toBeLessThan(32_768);
    }
    const s = await listen(ports[39]);
    s.close();
  });

  test('freePort skips a port another process already listens on', async () => {
    const p = await freePort();
    if (p + 1 >= 32_768) return expect(await freePort()).toBe(24_000); // wrapped: the walk starts over
    const held = await listen(p + 1);
    try {
      expect(await freePort()).toBe(p + 2);
    } finally {
      held.close();
    }
  });

  test('logTail: the last lines of a log, or "(no log)" when there is none', () => {
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-tail-')), 'x.log');
    fs.writeFileSync(f, Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n') + '\n');
    expect(logTail(f, 3)).toBe('line 17\nline 18\nline 19');
    expect(logTail(path.join(path.dirname(f), 'missing.log'))).toBe('(no log)');
  });
});
