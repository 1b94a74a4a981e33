import { WorkQueue, backoffMs } from '../../src/manager/queue';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WorkQueue', () => {
  test('backoff doubles per consecutive failure up to the cap', () => {
    const o = { baseBackoffMs: 100, maxBackoffMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, o))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  test('a hanging cluster does not block the others, and concurrency stays within the bound', async () => {
    const done: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let release: () => void = () => undefined;
    const q = new WorkQueue(
      async (key) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        if (key === 'slow') await new Promise<void>((r) => (release = r));
        else await sleep(5);
        inFlight--;
        done.push(key);
        return {};
      },
      { concurrency: 2, baseBackoffMs: 10, maxBackoffMs: 100 },
    );
    for (const k of ['slow', 'a', 'b', 'c', 'd']) q.add(k);
    await sleep(100);
    expect(done).toEqual(['a', 'b', 'c', 'd']);
    expect(maxInFlight).toBe(2);
    release();
    await sleep(10);
    expect(done).toContain('slow');
    q.stop();
  });

  test('a failing key is retried with growing delays; a success resets its count', async () => {
    const at: number[] = [];
    const start = Date.now();
    let fails = 3;
    const errors: number[] = [];
    const q = new WorkQueue(
      async () => {
        at.push(Date.now() - start);
        if (fails-- > 0) throw new Error('unreachable');
        return {};
      },
      { concurrency: 1, baseBackoffMs: 20, maxBackoffMs: 1000 },
      (_k, _e, retry) => errors.push(retry),
    );
    q.add('x');
    await sleep(300);
    expect(errors).toEqual([20, 40, 80]);
    expect(at).toHaveLength(4);
    expect(at[3] - at[2]).toBeGreaterThanOrEqual(75);
    expect(q.failureCount('x')).toBe(0);
    q.stop();
  });

  test('a key added while it is being worked on runs again after, never twice at once', async () => {
    let running = 0;
    let overlap = false;
    let runs = 0;
    const q = new WorkQueue(
      async () => {
        running++;
        if (running > 1) overlap = true;
        runs++;
        await sleep(20);
        running--;
        return {};
      },
      { concurrency: 4, baseBackoffMs: 10, maxBackoffMs: 100 },
    );
    q.add('k');
    await sleep(5);
    q.add('k');
    q.add('k');
    await sleep(80);
    expect(overlap).toBe(false);
    expect(runs).toBe(2);
    q.stop();
  });
});
