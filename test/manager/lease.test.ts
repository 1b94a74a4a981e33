import { LEASES, LeaderElector, LeaseClient, microTime, timingsProblem } from '../../src/manager/lease';
import { KObject } from '../../src/model/object';

/** One Lease with optimistic concurrency, as the API server keeps it: an update at an old resourceVersion is a 409. */
class LeaseStore implements LeaseClient {
  lease?: KObject;
  private rv = 1;
  writes: string[] = [];
  async get(): Promise<KObject | undefined> {
    return this.lease && JSON.parse(JSON.stringify(this.lease));
  }
  async create(_res: unknown, obj: KObject): Promise<KObject> {
    if (this.lease) throw Object.assign(new Error('exists'), { kind: 'conflict' });
    this.lease = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.rv++) } };
    this.writes.push(`create ${obj.spec?.holderIdentity}`);
    return this.lease;
  }
  async update(_res: unknown, obj: KObject): Promise<KObject> {
    if (obj.metadata?.resourceVersion !== this.lease?.metadata?.resourceVersion)
      throw Object.assign(new Error('conflict'), { kind: 'conflict' });
    this.lease = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.rv++) } };
    this.writes.push(`update ${obj.spec?.holderIdentity}`);
    return this.lease;
  }
}

const timings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
const opts = (identity: string) => ({ ...timings, name: 'cskit-manager', namespace: 'cskit-system', identity });

describe('leader election on a Lease', () => {
  test('the first candidate creates the Lease; a second one is refused while it is renewed', async () => {
    const store = new LeaseStore();
    let t = 1_000_000;
    const a = new LeaderElector(store, opts('a'), undefined, () => t);
    const b = new LeaderElector(store, opts('b'), undefined, () => t);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(store.lease?.spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(store.lease?.spec?.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    for (let i = 0; i < 20; i++) {
      t += 2_000;
      expect(await a.tryAcquireOrRenew()).toBe(true);
      expect(await b.tryAcquireOrRenew()).toBe(false);
    }
    expect(b.leader).toBe('a');
  });

  test('a Lease not renewed is taken only after a whole lease duration unchanged on the taker own clock', async () => {
    const store = new LeaseStore();
    let t = 1_000_000;
    const a = new LeaderElector(store, opts('a'), undefined, () => t);
    const b = new LeaderElector(store, opts('b'), undefined, () => t);
    await a.tryAcquireOrRenew();
    expect(await b.tryAcquireOrRenew()).toBe(false); // b first sees the record now
    t += 14_999;
    expect(await b.tryAcquireOrRenew()).toBe(false);
    t += 1;
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(store.lease?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    // a comes back (e.g. after a long pause): it is not the holder any more and may not renew.
    expect(await a.tryAcquireOrRenew()).toBe(false);
  });

  test('of two candidates that read the same version only one update lands (409 for the other)', async () => {
    const store = new LeaseStore();
    let t = 1_000_000;
    await new LeaderElector(store, opts('old'), undefined, () => t).tryAcquireOrRenew();
    const b = new LeaderElector(store, opts('b'), undefined, () => t);
    const c = new LeaderElector(store, opts('c'), undefined, () => t);
    await b.tryAcquireOrRenew();
    await c.tryAcquireOrRenew();
    t += 15_000;
    const won = await Promise.all([b.tryAcquireOrRenew(), c.tryAcquireOrRenew()]);
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(store.writes.filter((w) => w.startsWith('update'))).toHaveLength(1);
  });

  test('release empties the holder so a standby takes over at once', async () => {
    const store = new LeaseStore();
    let t = 1_000_000;
    const a = new LeaderElector(store, { ...opts('a'), retryPeriodMs: 10 }, undefined, () => t);
    const b = new LeaderElector(store, opts('b'), undefined, () => t);
    let started = false;
    const run = a.run({ onStartedLeading: () => (started = true), onStoppedLeading: () => undefined });
    while (!started) await new Promise((r) => setTimeout(r, 5));
    expect(await b.tryAcquireOrRenew()).toBe(false);
    await a.release();
    await run;
    expect(store.lease?.spec?.holderIdentity).toBe('');
    t += 1;
    expect(await b.tryAcquireOrRenew()).toBe(true);
  });

  test('a leader that cannot renew within the renew deadline stops leading', async () => {
    const store = new LeaseStore();
    const fast = { ...opts('a'), leaseDurationMs: 300, renewDeadlineMs: 100, retryPeriodMs: 20 };
    const a = new LeaderElector(store, fast);
    let lost: string | undefined;
    let started = false;
    const run = a.run({ onStartedLeading: () => (started = true), onStoppedLeading: (why) => (lost = why) });
    while (!started) await new Promise((r) => setTimeout(r, 5));
    expect(a.isLeader).toBe(true);
    store.update = async () => {
      throw Object.assign(new Error('the API server is gone'), { kind: 'unreachable' });
    };
    await run;
    expect(lost).toMatch(/within the renew deadline/);
    expect(a.isLeader).toBe(false);
  });

  test('timings: lease > renew deadline > 1.2 x retry; MicroTime has six fraction digits', () => {
    expect(timingsProblem(timings)).toBeUndefined();
    expect(timingsProblem({ ...timings, leaseDurationMs: 10_000 })).toMatch(/longer than the renew deadline/);
    expect(timingsProblem({ ...timings, retryPeriodMs: 9_000 })).toMatch(/1.2 x the retry period/);
    expect(microTime(Date.UTC(2026, 10, 29, 21, 0, 0, 123))).toBe('2026-11-29T21:00:00.123000Z');
    expect(LEASES).toMatchObject({ group: 'coordination.k8s.io', version: 'v1', plural: 'leases' });
  });
});
