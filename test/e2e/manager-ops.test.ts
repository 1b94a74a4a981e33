import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubeApi } from '../../src/kube/api';
import { ResourceInfo } from '../../src/kube/apply-types';
import { clusterBundles } from '../../src/manager/bundles';
import { makeServingCert } from '../../src/manager/certs';
import { ClusterAddons } from '../../src/manager/crd';
import { RunningManager, startManager } from '../../src/manager/run';
import { CLUSTER_ADDONS } from '../../src/manager/state';
import { cskit, ownClusters } from './support/env';
import {
  addCluster,
  auditWrites,
  callHook,
  must,
  setCluster,
  setupManagement,
  sleep,
  startCli,
  until,
} from './support/manager-world';
import { freePort } from '../../testenv/supervisor';
import { parseLabelSelector } from '../../src/util/label-selector';
import { LEASES } from '../../src/manager/lease';

// The manager's operations on real API servers of the testenv, without CAPI controllers (cheaper; what is tested
// here does not need them): one management API server and two workload API servers. Pause (what clusterctl move
// sets), sharding and leader election. Deployments are rolled out by kwok's stages (a fake node).
const env = ownClusters(['mgmt', 'wl-a', 'wl-b'], { audit: true });
const NS = 'ops-e2e';
const clusterOf = (name: string) => {
  const c = env()?.clusters[name];
  if (!c) throw new Error(`testenv cluster ${name} not started`);
  return c;
};
const kubeconfigOf = (name: string) => clusterOf(name).kubeconfig;
const auditOf = (name: string) => {
  const f = clusterOf(name).auditLog;
  if (!f) throw new Error(`testenv cluster ${name} has no audit log`);
  return f;
};
const readyOf = async (api: KubeApi, name: string) =>
  ((await api.get(CLUSTER_ADDONS, name, NS)) as ClusterAddons | undefined)?.status?.conditions?.find(
    (c) => c.type === 'Ready',
  )?.status === 'True';

describe('cskit manager operations on real API servers', () => {
  let api: KubeApi;
  const wl: Record<string, KubeApi> = {};
  const tls = makeServingCert(fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-ops-e2e-')), ['127.0.0.1']);
  const addons = (name: string) => api.get(CLUSTER_ADDONS, name, NS) as Promise<ClusterAddons | undefined>;
  const condition = async (name: string, type: string) =>
    (await addons(name))?.status?.conditions?.find((c) => c.type === type);

  beforeAll(async () => {
    api = await setupManagement(kubeconfigOf('mgmt'), NS);
    for (const n of ['wl-a', 'wl-b']) wl[n] = KubeApi.connect({ kubeconfig: kubeconfigOf(n) });
  }, 180_000);

  afterAll(() => {
    api?.close();
    for (const c of Object.values(wl)) c.close();
  });

  test(
    'pause: spec.paused (as clusterctl move sets it) stops repair and hook decisions, Paused=True in status; ' +
      'unpaused, the deleted object comes back',
    async () => {
      let manager: RunningManager | undefined;
      try {
        await addCluster(api, { ns: NS, name: 'p1', workloadKubeconfig: kubeconfigOf('wl-a') });
        manager = await startManager({
          management: api,
          bundles: clusterBundles(api),
          kubeconfigSecret: '{cluster}-kubeconfig',
          hooks: { ...tls, host: '127.0.0.1', port: 0 },
          resyncMs: 1000,
          log: () => undefined,
        });
        await until('p1 Ready', async () => ((await condition('p1', 'Ready'))?.status === 'True' ? true : undefined));
        expect(await condition('p1', 'Paused')).toMatchObject({ status: 'False', reason: 'NotPaused' });

        await setCluster(api, { ns: NS, name: 'p1', spec: { paused: true } });
        await until('p1 Paused=True', async () =>
          (await condition('p1', 'Paused'))?.status === 'True' ? true : undefined,
        );
        expect((await condition('p1', 'Paused'))?.message).toMatch(/spec.paused is true/);
        // `cskit addons status` shows it in its table, not only in -o json.
        const table = await cskit(['addons', 'status', '--kubeconfig', clusterOf('mgmt').kubeconfig, '-n', NS]);
        expect(table.stdout).toMatch(new RegExp(`${NS}/p1\\s+\\S+\\s+(\\S+,)?Paused\\s+web`));
        const cms = (await wl['wl-a'].resource('', 'ConfigMap')) as ResourceInfo;
        await wl['wl-a'].delete(cms, 'settings', 'demo-addon');
        const hook = await callHook(String(manager.hookUrl), tls.ca, 'BeforeClusterUpgrade', {
          name: 'p1',
          namespace: NS,
        });
        expect(hook).toMatchObject({ status: 'Success', retryAfterSeconds: 5 });
        expect(String(hook.message)).toMatch(/is paused/);
        // Unpaused, the same deletion is repaired within one resync period (1 s): 5 s without it is the pause.
        await sleep(5000);
        expect(await wl['wl-a'].get(cms, 'settings', 'demo-addon')).toBeUndefined();

        await setCluster(api, { ns: NS, name: 'p1', spec: {} });
        const back = await until('ConfigMap settings put back', () => wl['wl-a'].get(cms, 'settings', 'demo-addon'));
        expect(back.data).toEqual({ cluster: 'p1' });
        await until('p1 Paused=False', async () =>
          (await condition('p1', 'Paused'))?.status === 'False' ? true : undefined,
        );
      } finally {
        await manager?.stop();
        const clusters = await must(api, 'cluster.x-k8s.io', 'Cluster');
        await api.delete(clusters, 'p1', NS);
      }
    },
    180_000,
  );
  test(
    'sharding: two managers with --selector shard=a / shard=b split two Clusters; each workload API server is ' +
      'written only by its shard (audit log); hooks for the other shard are let through, never Failure',
    async () => {
      const managers: RunningManager[] = [];
      const clusters = await must(api, 'cluster.x-k8s.io', 'Cluster');
      try {
        for (const shard of ['a', 'b'])
          managers.push(
            await startManager({
              management: api,
              bundles: clusterBundles(api),
              kubeconfigSecret: '{cluster}-kubeconfig',
              hooks: { ...tls, host: '127.0.0.1', port: 0 },
              resyncMs: 2000,
              selector: parseLabelSelector('--selector', `shard=${shard}`),
              userAgent: `cskit-manager/shard-${shard}`,
              log: () => undefined,
            }),
          );
        await addCluster(api, {
          ns: NS,
          name: 's-a',
          workloadKubeconfig: kubeconfigOf('wl-a'),
          labels: { shard: 'a' },
        });
        await addCluster(api, {
          ns: NS,
          name: 's-b',
          workloadKubeconfig: kubeconfigOf('wl-b'),
          labels: { shard: 'b' },
        });
        await until('s-a and s-b Ready', async () =>
          (await readyOf(api, 's-a')) && (await readyOf(api, 's-b')) ? true : undefined,
        );
        const cms = (await wl['wl-a'].resource('', 'ConfigMap')) as ResourceInfo;
        expect((await wl['wl-a'].get(cms, 'settings', 'demo-addon'))?.data).toEqual({ cluster: 's-a' });
        expect((await wl['wl-b'].get(cms, 'settings', 'demo-addon'))?.data).toEqual({ cluster: 's-b' });
        for (const [server, own, other] of [
          ['wl-a', 'shard-a', 'shard-b'],
          ['wl-b', 'shard-b', 'shard-a'],
        ]) {
          const writes = auditWrites(auditOf(server), 'cskit-manager/shard-');
          expect(writes.filter((w) => w.userAgent === `cskit-manager/${own}`).length).toBeGreaterThan(0);
          expect(writes.filter((w) => w.userAgent === `cskit-manager/${other}`)).toEqual([]);
        }
        const [a, b] = managers;
        for (const hook of ['BeforeClusterUpgrade', 'AfterClusterUpgrade', 'BeforeClusterDelete']) {
          const foreign = await callHook(String(a.hookUrl), tls.ca, hook, { name: 's-b', namespace: NS });
          expect(foreign).toMatchObject({ status: 'Success', retryAfterSeconds: 0 });
          expect(String(foreign.message)).toMatch(/not in this manager's shard \(--selector shard=a\)/);
        }
        expect(
          await callHook(String(b.hookUrl), tls.ca, 'BeforeClusterUpgrade', { name: 's-b', namespace: NS }),
        ).toMatchObject({ status: 'Success', retryAfterSeconds: 0, message: expect.stringMatching(/are healthy/) });
      } finally {
        for (const m of managers) await m.stop();
        for (const n of ['s-a', 's-b']) await api.delete(clusters, n, NS);
      }
    },
    180_000,
  );

  test(
    'leader election: two CLI managers, the leader SIGKILLed while it writes the addons; the standby takes over ' +
      'one lease duration after the last renew, finishes, and the audit logs show one writer at a time; ' +
      'SIGTERM releases the Lease',
    async () => {
      const clusters = await must(api, 'cluster.x-k8s.io', 'Cluster');
      const started: Array<ReturnType<typeof startCli>> = [];
      const manager = async () => {
        const p = startCli([
          'manager',
          '--kubeconfig',
          kubeconfigOf('mgmt'),
          '--leader-elect',
          '--leader-elect-namespace',
          NS,
          '--hook-host',
          '127.0.0.1',
          '--hook-port',
          String(await freePort()),
          '--metrics-bind-address',
          '127.0.0.1:0',
          '--log-format',
          'json',
          '--resync',
          '2s',
          '--no-install-crd',
        ]);
        started.push(p);
        const running = JSON.parse((await p.waitFor(/^\{.*"msg":"manager running.*\}$/))[0]);
        const ops = (await p.waitFor(/health and metrics on (http:\/\/[0-9.:]+)/))[1];
        return { p, identity: String(running.identity), ops };
      };
      const lease = async () => (await api.get(LEASES, 'cskit-manager', NS))?.spec;
      try {
        const a = await manager();
        await until('A holds the Lease', async () =>
          (await lease())?.holderIdentity === a.identity ? true : undefined,
        );
        const b = await manager();
        // The standby is ready (it answers hooks from persisted state) but not leading.
        await until('B ready', async () => ((await fetch(`${b.ops}/readyz`)).status === 200 ? true : undefined));
        expect(await (await fetch(`${b.ops}/metrics`)).text()).toMatch(/^cskit_manager_leader 0$/m);

        await addCluster(api, { ns: NS, name: 'le', workloadKubeconfig: kubeconfigOf('wl-b') });
        const agentA = `cskit-manager/${a.identity}`;
        const agentB = `cskit-manager/${b.identity}`;
        await until('A writes into the workload cluster', async () =>
          auditWrites(auditOf('wl-b'), agentA).length ? true : undefined,
        );
        process.kill(a.p.pid, 'SIGKILL');
        const killedAt = Date.now();
        await a.p.exited;
        const last = await lease();
        expect(last?.holderIdentity).toBe(a.identity);
        const held = await until(
          'B takes the Lease',
          async () => {
            const l = await lease();
            return l?.holderIdentity === b.identity ? l : undefined;
          },
          { timeoutMs: 40_000 },
        );
        const gap = Date.parse(held.acquireTime) - Date.parse(last?.renewTime);
        // Never before A's lease ran out (15 s after its last renew), and within two retry periods (2 s x 1.2) after.
        expect(gap).toBeGreaterThanOrEqual(15_000);
        expect(gap).toBeLessThanOrEqual(15_000 + 2 * 2_400 + 500);
        expect(Date.parse(held.acquireTime) - killedAt).toBeLessThanOrEqual(15_000 + 2 * 2_400 + 500);
        expect(held.leaseTransitions).toBe((last?.leaseTransitions ?? 0) + 1);

        await until('le Ready', async () => ((await readyOf(api, 'le')) ? true : undefined), { timeoutMs: 60_000 });
        // The reconcile that wrote Ready records its sync time when it returns, a moment after the status write.
        const syncAge = /^cskit_manager_cluster_sync_age_seconds\{namespace="ops-e2e",cluster="le"\} \d/m;
        const metrics = await until(
          'the new leader reports the sync age of le',
          async () => {
            const text = await (await fetch(`${b.ops}/metrics`)).text();
            return syncAge.test(text) ? text : undefined;
          },
          { timeoutMs: 10_000 },
        );
        expect(metrics).toMatch(syncAge);
        // One writer at a time: every write of A (workload objects, ClusterAddons, Events) ended before the first
        // write of B began, and B wrote only after it held the Lease.
        for (const server of ['wl-b', 'mgmt']) {
          // Objects only: the Lease is the election itself, access reviews (at start) write nothing.
          const objects = (e: { objectRef?: { resource?: string } }) =>
            !['leases', 'selfsubjectaccessreviews'].includes(String(e.objectRef?.resource));
          const byA = auditWrites(auditOf(server), agentA).filter(objects);
          const byB = auditWrites(auditOf(server), agentB).filter(objects);
          expect(byA.length).toBeGreaterThan(0);
          expect(byB.length).toBeGreaterThan(0);
          const lastA = Math.max(...byA.map((e) => Date.parse(e.stageTimestamp)));
          const firstB = Math.min(...byB.map((e) => Date.parse(e.requestReceivedTimestamp)));
          expect(lastA).toBeLessThan(firstB);
          expect(firstB).toBeGreaterThanOrEqual(Date.parse(held.acquireTime));
        }

        process.kill(b.p.pid, 'SIGTERM');
        expect(await b.p.exited).toEqual({ code: 0, signal: null });
        expect((await lease())?.holderIdentity ?? '').toBe('');
      } catch (e) {
        const logs = started.map((p, i) => `manager ${i}:\n${p.lines.slice(-30).join('\n')}`).join('\n');
        throw new Error(`${(e as Error).message}\n${logs}`, { cause: e });
      } finally {
        for (const p of started)
          try {
            process.kill(p.pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        await api.delete(clusters, 'le', NS);
      }
    },
    180_000,
  );
  test('a missing permission at start: exit 2 naming verb, resource and scope, not a crash loop of 403s', async () => {
    const r = await cskit([
      'manager',
      '--kubeconfig',
      clusterOf('mgmt').restrictedKubeconfig,
      '--leader-elect',
      '--leader-elect-namespace',
      NS,
      '--metrics-bind-address',
      '0',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/may not list clusters\.cluster\.x-k8s\.io \(all namespaces\)/);
    expect(r.stderr).toMatch(/create leases\.coordination\.k8s\.io in namespace ops-e2e/);
    expect(r.stderr).toMatch(/get leases\.coordination\.k8s\.io cskit-manager in namespace ops-e2e/);
    expect(r.stderr).toMatch(/grant these in its \(Cluster\)Role/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
