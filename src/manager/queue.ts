/**
 * The per-Cluster work queue: each key (namespace/name) is in the queue at most once, at most `concurrency` keys are
 * worked on at a time, a key is never worked on twice at once (a change arriving meanwhile re-queues it after), and a
 * failing key backs off exponentially on its own — one slow or unreachable workload cluster never blocks the others.
 */
export interface QueueOptions {
  readonly concurrency: number;
  /** First retry delay after a failure; doubled per consecutive failure up to `maxBackoffMs`. */
  readonly baseBackoffMs: number;
  readonly maxBackoffMs: number;
}

/** What a worker asks for: nothing (done), or to look again after a while (e.g. waiting for a rollout). */
export interface WorkResult {
  readonly requeueAfterMs?: number;
}

export const DEFAULT_QUEUE: QueueOptions = { concurrency: 8, baseBackoffMs: 1000, maxBackoffMs: 5 * 60_000 };

/** The delay before retry number `failures` (1-based) — exponential, capped. */
export function backoffMs(failures: number, o: Pick<QueueOptions, 'baseBackoffMs' | 'maxBackoffMs'>): number {
  return Math.min(o.maxBackoffMs, o.baseBackoffMs * 2 ** Math.max(0, failures - 1));
}

export class WorkQueue {
  private readonly ready: string[] = [];
  private readonly queued = new Set<string>();
  private readonly active = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  private running = 0;
  private stopped = false;

  constructor(
    private readonly work: (key: string) => Promise<WorkResult>,
    private readonly opts: QueueOptions = DEFAULT_QUEUE,
    /** Called with each failure (for logs/events); the queue itself only backs off. */
    private readonly onError: (key: string, e: unknown, retryMs: number) => void = () => undefined,
  ) {}

  /** Queues `key` now (cancelling a pending delayed retry: new information beats a backoff). */
  add(key: string): void {
    if (this.stopped) return;
    const t = this.timers.get(key);
    if (t) {
      clearTimeout(t);
      this.timers.delete(key);
    }
    if (this.active.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.ready.push(key);
    this.pump();
  }

  /** Queues `key` after `ms` unless it is queued earlier. */
  addAfter(key: string, ms: number): void {
    if (this.stopped || this.timers.has(key) || this.queued.has(key)) return;
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    t.unref?.();
    this.timers.set(key, t);
  }

  /** Consecutive failures of a key (0 after a success). */
  failureCount(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  get size(): number {
    return this.ready.length + this.running;
  }

  /** Resolves once nothing is being worked on (after `stop`: the in-flight work finished), or after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (this.running > 0) {
      if (Date.now() >= end) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
    return true;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.ready.length = 0;
    this.queued.clear();
  }

  private pump(): void {
    while (!this.stopped && this.running < Math.max(1, this.opts.concurrency) && this.ready.length) {
      const key = this.ready.shift() as string;
      this.queued.delete(key);
      this.active.add(key);
      this.running++;
      void this.run(key);
    }
  }

  private async run(key: string): Promise<void> {
    let retry: number | undefined;
    try {
      const r = await this.work(key);
      this.failures.delete(key);
      retry = r.requeueAfterMs;
    } catch (e) {
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      retry = backoffMs(n, this.opts);
      this.onError(key, e, retry);
    } finally {
      this.active.delete(key);
      this.running--;
    }
    if (this.dirty.delete(key)) this.add(key);
    else if (retry !== undefined) this.addAfter(key, retry);
    this.pump();
  }
}
