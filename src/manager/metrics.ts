/**
 * The manager's Prometheus metrics (prom-client, a registry of its own so tests can run several managers in one
 * process): reconciles and their errors, hook answers and their latency, per-Cluster time since the last successful
 * reconcile, workload API request latency, leadership and queue depth, plus Node's process metrics (CPU, memory).
 * Label sets stay bounded: per-Cluster series only where an alert needs the Cluster's name, never per-Cluster
 * histograms (1,000 Clusters x buckets would be tens of thousands of series).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const PREFIX = 'cskit_manager_';

export class ManagerMetrics {
  readonly registry = new Registry();
  private readonly lastSync = new Map<string, number>();
  private readonly reconciles: Counter<'result'>;
  private readonly reconcileSeconds: Histogram;
  private readonly hooks: Counter<'hook' | 'status' | 'held'>;
  private readonly hookSeconds: Histogram<'hook'>;
  private readonly workloadSeconds: Histogram<'method' | 'code'>;
  private readonly leader: Gauge;

  constructor(
    o: { processMetrics?: boolean; queueDepth?: () => number } = {},
    private readonly now: () => number = Date.now,
  ) {
    const registers = [this.registry];
    this.reconciles = new Counter({
      name: `${PREFIX}reconciles_total`,
      help: 'Cluster reconciles by result: success (finished, requeued or not), error (failed, backed off)',
      labelNames: ['result'],
      registers,
    });
    this.reconcileSeconds = new Histogram({
      name: `${PREFIX}reconcile_duration_seconds`,
      help: 'Duration of one Cluster reconcile',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.hooks = new Counter({
      name: `${PREFIX}hook_requests_total`,
      help: 'Runtime SDK hook answers by hook, status (Success/Failure) and held (true: retryAfterSeconds > 0)',
      labelNames: ['hook', 'status', 'held'],
      registers,
    });
    this.hookSeconds = new Histogram({
      name: `${PREFIX}hook_duration_seconds`,
      help: 'Time to answer a Runtime SDK hook (CAPI gives up after the 10 s timeout)',
      labelNames: ['hook'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.workloadSeconds = new Histogram({
      name: `${PREFIX}workload_request_duration_seconds`,
      help: 'Workload cluster API request latency by HTTP method and status code (error: no answer)',
      labelNames: ['method', 'code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    });
    this.leader = new Gauge({
      name: `${PREFIX}leader`,
      help: '1 while this instance holds the leader Lease (or runs without leader election), else 0',
      registers,
    });
    const lastSync = this.lastSync;
    const clock = this.now;
    new Gauge({
      name: `${PREFIX}cluster_sync_age_seconds`,
      help: 'Seconds since the last successful reconcile of each Cluster of this shard',
      labelNames: ['namespace', 'cluster'],
      registers,
      collect() {
        this.reset();
        const t = clock();
        for (const [key, at] of lastSync) {
          const [namespace, cluster] = key.split('/');
          this.set({ namespace, cluster }, (t - at) / 1000);
        }
      },
    });
    new Gauge({
      name: `${PREFIX}queue_depth`,
      help: 'Clusters queued or being reconciled',
      registers,
      collect() {
        this.set(o.queueDepth?.() ?? 0);
      },
    });
    if (o.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  reconciled(key: string, result: 'success' | 'error', ms: number): void {
    this.reconciles.inc({ result });
    this.reconcileSeconds.observe(ms / 1000);
    if (result === 'success') this.lastSync.set(key, this.now());
  }

  /** A Cluster gone, out of the shard or no longer this instance's: its series go. */
  forget(key: string): void {
    this.lastSync.delete(key);
  }

  hookAnswered(hook: string, status: string, retryAfterSeconds: number | undefined, ms: number): void {
    this.hooks.inc({ hook, status, held: String((retryAfterSeconds ?? 0) > 0) });
    this.hookSeconds.observe({ hook }, ms / 1000);
  }

  workloadRequest(method: string, status: number | 'error', ms: number): void {
    this.workloadSeconds.observe({ method, code: String(status) }, ms / 1000);
  }

  setLeader(leading: boolean): void {
    this.leader.set(leading ? 1 : 0);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
