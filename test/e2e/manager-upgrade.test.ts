/**
 * The addon manager through Cluster API's upgrade lifecycle, all parts real: CAPI v1.14 with the RuntimeSDK gate and
 * CAPD's in-memory backend roll the control plane and workers and call the hooks; the `cskit manager` CLI runs as a
 * child process; each Cluster's addons go into its own kube-apiserver of the testenv (kwok rolls the workloads out).
 * The stacks are synthesized by the real synth path with a next version that changes one addon per upgrade step and
 * drops one object (support/upgrade-stacks.ts). Scenarios: an upgrade to the next stack and Kubernetes minor, its
 * order read from the hook records and the objects' own times; a class rebase without a version change (no hook);
 * the dropped object deleted and a foreign one kept; the manager SIGKILLed while it holds BeforeClusterUpgrade and
 * started again (CSO#272).
 * CAPD binds fixed ports: run under the e2e flock like every e2e run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { KubeApi } from '../../src/kube/api';
import { ResourceInfo } from '../../src/kube/apply-types';
import { ClusterAddons, HookRecord } from '../../src/manager/crd';
import { CLUSTER_ADDONS } from '../../src/manager/state';
import { KObject } from '../../src/model/object';
import { describeWith } from '../support/prerequisite';
import {
  CapdManagerEnv,
  ManagerProcess,
  applyStack,
  capdBuilt,
  clusterObject,
  condition,
  explain,
  manager,
  ready,
  startCapdManagerEnv,
  stopCapdManagerEnv,
  writeWorkloadSecret,
} from './support/capd-manager';
import { until } from './support/until';
import { DROPPED, FROM, REBASE_TO, UPGRADE_TO, synthUpgradeStacks } from './support/upgrade-stacks';

const NS = 'default';
const FM = { fieldManager: 'cskit-e2e', force: true };
/** The Clusters, each with its own workload API server (workload-1…3, in this order). */
const CLUSTERS = ['upg', 'reb', 'kill'] as const;
const isNext = (o: KObject | undefined) =>
  JSON.stringify(o?.spec?.template?.spec?.containers?.map((c: { image: string }) => c.image) ?? []).includes('-next');

/** When `manager` last changed the object (its managedFields entry; seconds, as the API server records it). */
function changedBy(o: KObject | undefined, manager: string, subresource = ''): number {
  const mf = (o?.metadata?.managedFields ?? []) as Array<{ manager: string; subresource?: string; time: string }>;
  const e = mf.find((m) => m.manager === manager && (m.subresource ?? '') === subresource);
  if (!e) throw new Error(`${o?.kind} ${o?.metadata?.name}: no managedFields entry of ${manager} ${subresource}`);
  return Date.parse(e.time);
}
const second = (iso: string) => Math.floor(Date.parse(iso) / 1000) * 1000;

describeWith(capdBuilt, 'cskit manager through Cluster API upgrades (CAPD in-memory, real hooks)', () => {
  let e: CapdManagerEnv;
  let mgmt: KubeApi;
  let mgr: ManagerProcess;
  const wl: Record<string, KubeApi> = {};
  const res: Record<string, ResourceInfo> = {};

  const resource = async (api: KubeApi, group: string, kind: string) => {
    const r = await api.resource(group, kind);
    if (!r) throw new Error(`${kind} (${group}) is not served`);
    return r;
  };
  const addons = async (name: string) => (await mgmt.get(CLUSTER_ADDONS, name, NS)) as ClusterAddons | undefined;
  const hook = (ca: ClusterAddons | undefined, h: string): HookRecord | undefined =>
    ca?.status?.hooks?.find((r) => r.hook === h);
  const cluster = (name: string) => mgmt.get(res.Cluster, name, NS);
  const controlPlane = async (name: string) => {
    const c = await cluster(name);
    return mgmt.get(res.KubeadmControlPlane, String(c?.spec?.controlPlaneRef?.name), NS);
  };
  const setTopology = (name: string, to: { className: string; version: string }) =>
    mgmt.apply(res.Cluster, clusterObject(name, NS, to.className, to.version), FM);
  /** The workload objects of the three moving addons. */
  const workloadObjects = async (name: string) => {
    const api = wl[name];
    const ds = await resource(api, 'apps', 'DaemonSet');
    const dep = await resource(api, 'apps', 'Deployment');
    return {
      cilium: await api.get(ds, 'cilium', 'kube-system'),
      ccm: await api.get(ds, 'openstack-cloud-controller-manager', 'kube-system'),
      metrics: await api.get(dep, 'metrics-server', 'kube-system'),
    };
  };

  beforeAll(async () => {
    e = await startCapdManagerEnv({ workloadClusters: CLUSTERS.length, stacks: [] });
    const dist = path.join(e.dir, 'upgrade-dist');
    const stacks = synthUpgradeStacks(dist);
    expect(stacks).toEqual([FROM.className, REBASE_TO.className, UPGRADE_TO.className]);
    for (const s of stacks) await applyStack({ dist, kubeconfig: e.kubeconfig }, s, NS);
    mgmt = e.api;
    for (const [g, k] of [
      ['cluster.x-k8s.io', 'Cluster'],
      ['cluster.x-k8s.io', 'Machine'],
      ['controlplane.cluster.x-k8s.io', 'KubeadmControlPlane'],
      ['', 'Event'],
    ])
      res[k] = await resource(mgmt, g, k);
    for (const [i, name] of CLUSTERS.entries()) {
      wl[name] = KubeApi.connect({ kubeconfig: e.workloads[i].kubeconfig });
      await writeWorkloadSecret(e, NS, name, fs.readFileSync(e.workloads[i].kubeconfig, 'utf8'));
    }
    mgr = await manager(e);
    await mgr.start();
    for (const name of CLUSTERS) await setTopology(name, FROM);
    // Installed at the current stack version everywhere before any scenario starts.
    for (const name of CLUSTERS)
      await until(
        `Cluster ${name}: addons of ${FROM.className} Ready`,
        async (last) => {
          const ca = await addons(name);
          last(ca?.status?.conditions);
          return ready(ca) && ca?.status?.applied?.className === FROM.className ? ca : undefined;
        },
        { timeoutMs: 300_000, explain: explain(e) },
      );
  }, 600_000);

  afterAll(async () => {
    for (const api of Object.values(wl)) api.close();
    await stopCapdManagerEnv(e);
  });

  test(
    'class rebase without a Kubernetes version change: no hook fires, every addon moves level-based, the object ' +
      'the new version dropped is deleted and a foreign look-alike is kept',
    async () => {
      const api = wl.reb;
      const rb = await resource(api, 'rbac.authorization.k8s.io', 'RoleBinding');
      expect(await api.get(rb, DROPPED.name, DROPPED.namespace)).toBeDefined();
      // Not created by the manager, though labelled like its objects: it must survive the prune.
      await api.apply(
        rb,
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: {
            name: 'metrics-server-auth-reader-local',
            namespace: 'kube-system',
            labels: { 'app.kubernetes.io/name': 'metrics-server', 'app.kubernetes.io/managed-by': 'cskit' },
          },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'Role',
            name: 'extension-apiserver-authentication-reader',
          },
          subjects: [{ kind: 'ServiceAccount', name: 'metrics-server', namespace: 'kube-system' }],
        },
        FM,
      );
      const kcpBefore = await controlPlane('reb');
      await setTopology('reb', REBASE_TO);
      const ca = await until(
        'Cluster reb: addons of the rebased class Ready',
        async (last) => {
          const c = await addons('reb');
          last(c?.status);
          return ready(c) && c?.status?.applied?.className === REBASE_TO.className ? c : undefined;
        },
        { timeoutMs: 120_000, explain: explain(e) },
      );
      expect(ca.status?.applied).toEqual({ className: REBASE_TO.className, kubernetesVersion: REBASE_TO.version });
      expect(ca.status?.addons?.map((a) => [a.name, a.version, a.className, a.state])).toEqual([
        ['cilium', expect.stringMatching(/-next$/), REBASE_TO.className, 'Ready'],
        ['openstack-ccm', expect.stringMatching(/-next$/), REBASE_TO.className, 'Ready'],
        ['dev-storage', '1', REBASE_TO.className, 'Ready'],
        ['metrics-server', expect.stringMatching(/-next$/), REBASE_TO.className, 'Ready'],
      ]);
      const objs = await workloadObjects('reb');
      expect([isNext(objs.cilium), isNext(objs.ccm), isNext(objs.metrics)]).toEqual([true, true, true]);
      expect(await api.get(rb, DROPPED.name, DROPPED.namespace)).toBeUndefined();
      expect(await api.get(rb, 'metrics-server-auth-reader-local', 'kube-system')).toBeDefined();
      // No hook: CAPI has no upgrade to hold (no pending hooks), the control plane kept its version.
      expect(hook(ca, 'BeforeClusterUpgrade')).toBeUndefined();
      const c = await cluster('reb');
      expect(c?.metadata?.annotations?.['runtime.cluster.x-k8s.io/pending-hooks']).toBeUndefined();
      const kcp = await controlPlane('reb');
      expect(kcp?.spec?.version).toBe(FROM.version);
      expect(kcp?.spec?.version).toBe(kcpBefore?.spec?.version);
    },
    180_000,
  );

  /**
   * One sample of the upgrade, read in an order that makes each check sound: the objects that may only move after
   * a CAPI step are read BEFORE that step's state (a later read can only see CAPI further on), and cilium, which must
   * move before CAPI does, AFTER the control plane's spec.
   */
  interface Sample {
    readonly ccmNext: boolean;
    readonly metricsNext: boolean;
    readonly kcpSpec: string;
    readonly kcpStatus: string;
    readonly oldMachines: string[];
    readonly ciliumNext: boolean;
    readonly ciliumReadyNext: boolean;
    readonly before?: HookRecord;
    /** The Cluster's TopologyReconciled, read after metrics-server. */
    readonly topologyReconciled: boolean;
  }
  const sample = async (name: string): Promise<Sample> => {
    const first = await workloadObjects(name);
    const kcp = await controlPlane(name);
    const machines = await mgmt.list(res.Machine, {
      namespace: NS,
      labelSelector: `cluster.x-k8s.io/cluster-name=${name}`,
    });
    const topologyReconciled = condition(await cluster(name), 'TopologyReconciled')?.status === 'True';
    const cilium = (await workloadObjects(name)).cilium;
    const ca = await addons(name);
    const ciliumStatus = ca?.status?.addons?.find((a) => a.name === 'cilium');
    return {
      ccmNext: isNext(first.ccm),
      metricsNext: isNext(first.metrics),
      kcpSpec: String(kcp?.spec?.version),
      kcpStatus: String(kcp?.status?.version),
      oldMachines: machines
        .filter((m) => !m.metadata?.deletionTimestamp && m.spec?.version !== UPGRADE_TO.version)
        .map((m) => String(m.metadata?.name)),
      ciliumNext: isNext(cilium),
      ciliumReadyNext: ciliumStatus?.state === 'Ready' && /-next$/.test(ciliumStatus.version),
      before: hook(ca, 'BeforeClusterUpgrade'),
      topologyReconciled,
    };
  };

  /** Samples until the upgrade is done (addons applied at the target, CAPI's AfterClusterUpgrade passed). */
  async function followUpgrade(name: string, timeoutMs: number, onSample?: (s: Sample) => Promise<void>) {
    const samples: Sample[] = [];
    const ca = await until(
      `Cluster ${name}: upgrade to ${UPGRADE_TO.className} ${UPGRADE_TO.version} done`,
      async (last) => {
        const s = await sample(name);
        samples.push(s);
        last(s);
        await onSample?.(s);
        const c = await addons(name);
        const done =
          ready(c) &&
          c?.status?.applied?.className === UPGRADE_TO.className &&
          c.status.applied.kubernetesVersion === UPGRADE_TO.version &&
          hook(c, 'AfterClusterUpgrade')?.answer === 'Passed';
        return done ? c : undefined;
      },
      { timeoutMs, explain: explain(e) },
    );
    return { ca, samples };
  }

  /** What every upgrade must end with, in the workload cluster and in the status. */
  async function expectUpgraded(name: string, ca: ClusterAddons) {
    expect(ca.status?.applied).toEqual({ className: UPGRADE_TO.className, kubernetesVersion: UPGRADE_TO.version });
    expect(ca.status?.addons?.every((a) => a.state === 'Ready' && a.className === UPGRADE_TO.className)).toBe(true);
    const objs = await workloadObjects(name);
    expect([isNext(objs.cilium), isNext(objs.ccm), isNext(objs.metrics)]).toEqual([true, true, true]);
    const rb = await resource(wl[name], 'rbac.authorization.k8s.io', 'RoleBinding');
    expect(await wl[name].get(rb, DROPPED.name, DROPPED.namespace)).toBeUndefined();
    const kcp = await controlPlane(name);
    expect(kcp?.status?.version).toBe(UPGRADE_TO.version);
    for (const h of ['BeforeClusterUpgrade', 'AfterControlPlaneUpgrade', 'AfterClusterUpgrade'])
      expect(hook(ca, h)).toMatchObject({ answer: 'Passed', kubernetesVersion: UPGRADE_TO.version });
    // CAPI marks the hook done once it got the answer the record was written for: nothing of the upgrade pending.
    await until(
      `Cluster ${name}: no pending hooks`,
      async () => {
        const c = await cluster(name);
        return c?.metadata?.annotations?.['runtime.cluster.x-k8s.io/pending-hooks'] ? undefined : c;
      },
      { timeoutMs: 30_000 },
    );
  }

  test(
    'upgrade to the next stack and Kubernetes minor: BeforeClusterUpgrade held until cilium is healthy, then the ' +
      'control plane moves, then openstack-ccm, then (workers done) metrics-server; order from samples, hook ' +
      'records and managedFields times',
    async () => {
      await setTopology('upg', UPGRADE_TO);
      const { ca, samples } = await followUpgrade('upg', 420_000);
      await expectUpgraded('upg', ca);

      // Held: CAPI was answered "retry" while cilium moved, and the control plane waited meanwhile.
      const before = hook(ca, 'BeforeClusterUpgrade') as HookRecord;
      expect(Date.parse(before.firstCallTime)).toBeLessThan(Date.parse(before.lastTransitionTime));
      expect(samples.some((s) => s.before?.answer === 'Blocking' && s.kcpSpec === FROM.version)).toBe(true);
      const events = await mgmt.list(res.Event, { namespace: NS });
      const held = events.filter(
        (e) =>
          (e.involvedObject as { name?: string } | undefined)?.name === 'upg' &&
          e.reason === 'HookBlocking' &&
          String(e.message).startsWith('BeforeClusterUpgrade'),
      );
      expect(held.length).toBeGreaterThan(0);
      expect(held[0].message).toMatch(/waiting for addons to be healthy: cilium/);

      // Sound order checks over every sample (see Sample).
      const violations = samples.flatMap((s, i) => [
        ...(s.kcpSpec === UPGRADE_TO.version && !(s.ciliumNext && s.ciliumReadyNext)
          ? [`#${i}: control plane moving before cilium was healthy at the next version`]
          : []),
        ...(s.ccmNext && s.kcpStatus !== UPGRADE_TO.version ? [`#${i}: openstack-ccm moved before the CP`] : []),
        ...(s.metricsNext && s.oldMachines.length ? [`#${i}: metrics-server moved before ${s.oldMachines}`] : []),
      ]);
      expect(violations).toEqual([]);
      // Each addon was seen at the old version while CAPI had not reached its step (the samples saw the steps).
      expect(samples.some((s) => !s.ccmNext && s.kcpStatus === FROM.version && s.ciliumNext)).toBe(true);
      expect(samples.some((s) => !s.metricsNext && s.ccmNext)).toBe(true);
      // metrics-server moved while CAPI still held TopologyReconciled False (AfterClusterUpgrade pending): a gate on
      // TopologyReconciled alone would have waited for the hook that waits for metrics-server.
      expect(samples.some((s) => s.metricsNext && !s.topologyReconciled)).toBe(true);

      // The objects' own times against the hook records: cilium applied before CAPI was let go, which came before
      // the topology controller set the control plane's new version; AfterControlPlaneUpgrade passed only after
      // openstack-ccm was applied, AfterClusterUpgrade only after metrics-server.
      const objs = await workloadObjects('upg');
      const kcp = await controlPlane('upg');
      const afterCp = hook(ca, 'AfterControlPlaneUpgrade') as HookRecord;
      const afterCluster = hook(ca, 'AfterClusterUpgrade') as HookRecord;
      expect(changedBy(objs.cilium, 'cskit')).toBeLessThanOrEqual(Date.parse(before.lastTransitionTime));
      expect(second(before.lastTransitionTime)).toBeLessThanOrEqual(changedBy(kcp, 'capi-topology'));
      expect(changedBy(objs.ccm, 'cskit')).toBeLessThanOrEqual(Date.parse(afterCp.lastTransitionTime));
      expect(changedBy(objs.metrics, 'cskit')).toBeLessThanOrEqual(Date.parse(afterCluster.lastTransitionTime));
      expect(Date.parse(before.lastTransitionTime)).toBeLessThan(Date.parse(afterCp.firstCallTime));
      expect(Date.parse(afterCp.lastTransitionTime)).toBeLessThanOrEqual(Date.parse(afterCluster.firstCallTime));
    },
    480_000,
  );

  test(
    'the manager SIGKILLed while it holds BeforeClusterUpgrade and started again: the Cluster completes the ' +
      'upgrade (decisions from persisted state; CSO#272 does not happen)',
    async () => {
      await setTopology('kill', UPGRADE_TO);
      let killedAt: Sample | undefined;
      const { ca } = await followUpgrade('kill', 480_000, async (s) => {
        if (killedAt || s.before?.answer !== 'Blocking') return;
        await mgr.kill();
        killedAt = s;
        // CAPI's next call meets no server (failurePolicy Fail): the topology controller reports the failed call.
        await until(
          'CAPI to report the failed BeforeClusterUpgrade call',
          async (last) => {
            const c = await cluster('kill');
            const t = (c?.status?.conditions ?? []).find((x: { type: string }) => x.type === 'TopologyReconciled');
            last(t);
            return t?.reason === 'ReconcileFailed' && /BeforeClusterUpgrade/.test(String(t.message)) ? t : undefined;
          },
          { timeoutMs: 60_000 },
        );
        expect((await controlPlane('kill'))?.spec?.version).toBe(FROM.version);
        await mgr.start();
      });
      expect(killedAt?.kcpSpec).toBe(FROM.version);
      await expectUpgraded('kill', ca);
      // The record the killed manager wrote was carried on by the new one (same first call: persisted, not memory).
      expect(hook(ca, 'BeforeClusterUpgrade')?.firstCallTime).toBe(killedAt?.before?.firstCallTime);
    },
    540_000,
  );
});
