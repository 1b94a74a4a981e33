/**
 * Leader election with a coordination.k8s.io/v1 Lease, the algorithm of client-go's leaderelection package (the one
 * controller-runtime uses), with its default timings: lease duration 15 s, renew deadline 10 s, retry period 2 s.
 * Safety rests on two things: every write of the Lease is an update at the resourceVersion read (optimistic
 * concurrency: of two candidates only one update lands), and a candidate only takes a Lease whose record it has seen
 * unchanged for a whole lease duration on its own clock (no clock comparison between machines). A leader that cannot
 * renew within the renew deadline stops; the lease duration minus the renew deadline (5 s) is the margin in which it
 * must have stopped writing before anyone else may start.
 */
import { randomUUID } from 'crypto';
import * as os from 'os';
import { KubeApi } from '../kube/api';
import { ResourceInfo } from '../kube/apply-types';
import { KObject } from '../model/object';

export const LEASES: ResourceInfo = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  namespaced: true,
};

export interface LeaseTimings {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

/** controller-runtime's defaults. */
export const DEFAULT_LEASE_TIMINGS: LeaseTimings = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};
export const DEFAULT_LEASE_NAME = 'cskit-manager';

export interface LeaderElectionOptions extends LeaseTimings {
  readonly name: string;
  readonly namespace: string;
  /** Unique per process (hostname, as a Pod's name, plus a random suffix, as controller-runtime). */
  readonly identity: string;
}

export const newIdentity = (): string => `${os.hostname()}_${randomUUID()}`;

/** Why the timings cannot work together (client-go's own checks), or undefined. */
export function timingsProblem(t: LeaseTimings): string | undefined {
  if (t.leaseDurationMs <= t.renewDeadlineMs)
    return 'the lease duration must be longer than the renew deadline (the margin in which a leader that lost stops)';
  if (t.renewDeadlineMs <= t.retryPeriodMs * 1.2)
    return 'the renew deadline must be longer than 1.2 x the retry period (time for more than one renew try)';
  if (t.leaseDurationMs % 1000 !== 0) return 'the lease duration must be whole seconds (Lease leaseDurationSeconds)';
  return undefined;
}

export type LeaseClient = Pick<KubeApi, 'get' | 'create' | 'update'>;

/** RFC 3339 with microseconds: the MicroTime form of Lease acquireTime/renewTime. */
export const microTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export interface LeaderCallbacks {
  onStartedLeading(): void;
  /** Only after having led: the Lease could not be renewed within the renew deadline. */
  onStoppedLeading(reason: string): void;
  onNewLeader?(identity: string): void;
}

interface Observed {
  readonly holder: string;
  readonly resourceVersion: string;
  readonly durationMs: number;
  /** Local clock when this record was first seen. */
  readonly at: number;
}

const isConflict = (e: unknown) => (e as { kind?: string }).kind === 'conflict';

export class LeaderElector {
  private observed?: Observed;
  private leading = false;
  private readonly stop = new AbortController();

  constructor(
    private readonly api: LeaseClient,
    private readonly o: LeaderElectionOptions,
    private readonly log: (msg: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** The holder last seen in the Lease ('' when released), undefined before the first read. */
  get leader(): string | undefined {
    return this.observed?.holder;
  }

  /** One try, client-go's tryAcquireOrRenew: true when this instance holds the Lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { name, namespace, identity } = this.o;
    const nowMs = this.now();
    const now = microTime(nowMs);
    const durationS = Math.round(this.o.leaseDurationMs / 1000);
    const lease = await this.api.get(LEASES, name, namespace);
    if (!lease) {
      try {
        const created = await this.api.create(LEASES, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds: durationS,
            acquireTime: now,
            renewTime: now,
            leaseTransitions: 0,
          },
        });
        this.see(identity, created, nowMs);
        return true;
      } catch (e) {
        if (isConflict(e)) return false;
        throw e;
      }
    }
    const spec = (lease.spec ?? {}) as Record<string, unknown>;
    const holder = typeof spec.holderIdentity === 'string' ? spec.holderIdentity : '';
    const rv = String(lease.metadata?.resourceVersion ?? '');
    if (!this.observed || this.observed.resourceVersion !== rv) {
      const d =
        typeof spec.leaseDurationSeconds === 'number' ? spec.leaseDurationSeconds * 1000 : this.o.leaseDurationMs;
      this.observed = { holder, resourceVersion: rv, durationMs: d, at: nowMs };
    }
    const expired = this.observed.at + this.observed.durationMs <= nowMs;
    if (holder && holder !== identity && !expired) return false;
    const mine = holder === identity;
    const transitions = typeof spec.leaseTransitions === 'number' ? spec.leaseTransitions : 0;
    const next: KObject = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: durationS,
        acquireTime: mine && spec.acquireTime ? spec.acquireTime : now,
        renewTime: now,
        leaseTransitions: mine ? transitions : transitions + 1,
      },
    };
    try {
      this.see(identity, await this.api.update(LEASES, next), nowMs);
      return true;
    } catch (e) {
      if (isConflict(e)) return false;
      throw e;
    }
  }

  private see(holder: string, lease: KObject, at: number) {
    const old = this.observed?.holder;
    this.observed = {
      holder,
      resourceVersion: String(lease.metadata?.resourceVersion ?? ''),
      durationMs: this.o.leaseDurationMs,
      at,
    };
    if (old !== holder) this.log(`Lease ${this.o.namespace}/${this.o.name}: held by ${holder}`);
  }

  /** A try bounded in time: a hung request must not hold the loop past the renew deadline. */
  private bounded(ms: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), Math.max(0, ms));
      this.tryAcquireOrRenew()
        .then(resolve, (e: Error) => {
          this.log(`Lease ${this.o.namespace}/${this.o.name}: ${e.message}`);
          resolve(false);
        })
        .finally(() => clearTimeout(t));
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stop.signal.aborted) return resolve();
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.stop.signal.addEventListener('abort', done, { once: true });
    });
  }

  /**
   * Campaigns until leading, then renews every retry period until `stop()` or until a renew deadline passes without
   * a successful renew (then `onStoppedLeading`). Resolves when it is over.
   */
  async run(cb: LeaderCallbacks): Promise<void> {
    const { retryPeriodMs, renewDeadlineMs } = this.o;
    let lastHolder: string | undefined;
    while (!this.stop.signal.aborted) {
      const ok = await this.bounded(renewDeadlineMs);
      if (this.stop.signal.aborted) return;
      if (ok) break;
      if (this.observed && this.observed.holder !== lastHolder) {
        lastHolder = this.observed.holder;
        cb.onNewLeader?.(lastHolder);
      }
      // client-go's jitter (factor 1.2): candidates do not retry in lock step.
      await this.sleep(retryPeriodMs * (1 + Math.random() * 0.2));
    }
    if (this.stop.signal.aborted) return;
    this.leading = true;
    cb.onStartedLeading();
    // The renew deadline counts from when the last successful try was SENT: the conservative side.
    let renewedAt = this.now();
    while (!this.stop.signal.aborted) {
      await this.sleep(retryPeriodMs);
      if (this.stop.signal.aborted) return;
      const sent = this.now();
      const left = renewedAt + renewDeadlineMs - sent;
      const ok = left > 0 && (await this.bounded(left));
      if (this.stop.signal.aborted) return;
      if (ok) renewedAt = sent;
      else if (this.now() - renewedAt >= renewDeadlineMs) {
        this.leading = false;
        cb.onStoppedLeading(
          `could not renew Lease ${this.o.namespace}/${this.o.name} within the renew deadline ` +
            `(${renewDeadlineMs / 1000} s)`,
        );
        return;
      }
    }
  }

  /**
   * Stops campaigning/renewing; when leading, gives the Lease up (holder emptied, as client-go's ReleaseOnCancel) so
   * a standby takes over at once instead of after a lease duration. Bounded by the retry period.
   */
  async release(): Promise<void> {
    this.stop.abort();
    if (!this.leading) return;
    this.leading = false;
    const { name, namespace, identity } = this.o;
    const give = async () => {
      const lease = await this.api.get(LEASES, name, namespace);
      if (!lease || lease.spec?.holderIdentity !== identity) return;
      const now = microTime(this.now());
      await this.api.update(LEASES, {
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now },
      });
      this.log(`Lease ${namespace}/${name}: released`);
    };
    await Promise.race([
      give().catch((e: Error) => this.log(`Lease ${namespace}/${name}: not released: ${e.message}`)),
      new Promise((r) => setTimeout(r, this.o.retryPeriodMs).unref()),
    ]);
  }
}
