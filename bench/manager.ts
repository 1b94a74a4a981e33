/**
 * Addon manager benchmark (issue 11 "Benchmark", issue 12 "Benchmark"): N workload clusters — real kube-apiservers
 * of the testenv, each with its own controller-manager, scheduler and kwok — and, in the same run:
 *   1. a ClusterResourceSet install (CAPI's core manager, the CRS form `cskit addons render` writes: the same rendered
 *      objects in ConfigMaps, one CRS per Cluster) into the N API servers, timed until every addon is healthy;
 *   2. the objects deleted again, then the real `cskit manager` process installing the addon bundle of the
 *      synthesized docker-scs stack (applied with `cskit apply`) into the same N API servers, timed the same way;
 *   3. the manager's CPU and RSS (from /proc) idle, during that rollout, and in steady state (every Cluster Ready,
 *      for --steady seconds, which spans one `--resync` re-apply of every Cluster), per managed Cluster.
 * "Healthy" is judged by the bench with the manager's own health function on the bundle's health checks (DaemonSet and
 * Deployments rolled out on kwok's fake nodes, metrics-server's APIService Available by the API server's own check)
 * plus the objects of addons without checks present, polled each second in every workload API server for both tools.
 *
 * Why the two tools see different Cluster objects: the cskit Clusters are CAPD in-memory Clusters of the docker-scs
 * class (real KubeadmControlPlane lifecycle); their `{cluster}-kubeconfig` points at CAPD's fake API server, which
 * answers 415 to server-side apply, so the manager reads `{cluster}-wl` Secrets that point at the real API servers.
 * CAPI's ClusterCache (which CRS uses) always reads `{cluster}-kubeconfig`, so the CRS gets Clusters of its own (an
 * in-memory DevCluster, no control plane, no machines: provisioned at once, and CRS has no control-plane gate) whose
 * `{cluster}-kubeconfig` points at the same real API servers. Both tools start from Clusters already initialized and
 * connected: t0 is the moment the CRS objects are created, resp. the moment the manager's opt-out annotation leaves
 * the Clusters.
 *
 * Run under the e2e lock (CAPD binds fixed ports): `flock /tmp/cskit-e2e.lock npm run bench:manager -- --clusters 5`
 * (`--clusters 5,10,20` runs each N on a fresh testenv and fits the growth; `--steady <seconds>`, default 60).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { KubeApi } from '../src/kube/api';
import { ResourceInfo } from '../src/kube/apply-types';
import { OPT_OUT_ANNOTATION } from '../src/manager/cluster-state';
import { unhealthyReason } from '../src/manager/health';
import { AddonHealthCheck } from '../src/model/addon';
import { KObject } from '../src/model/object';
import { clusterResourceSet } from '../src/render/crs';
import { renderStack } from '../src/render/stack';
import { parseYaml } from '../src/util/yaml';
import {
  CapdManagerEnv,
  ManagerProcess,
  clusterObject,
  dockerStack,
  manager,
  startCapdManagerEnv,
  stopCapdManagerEnv,
  writeWorkloadSecret,
} from '../test/e2e/support/capd-manager';
import { missingCapdBinary, missingCapiBinaries } from '../testenv/capi';
import { ensureBinaries } from '../testenv/harness';

const USAGE = 'usage: npm run bench:manager -- [--clusters N[,N…]] [--steady SECONDS]   (N: 1–20, default 5)';
const NS = 'default';
const FM = 'cskit-bench';
let clockTicks: number | undefined;
/** Clock ticks per second of /proc's CPU times. */
const TICK_HZ = () => (clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100);

export function parseArgs(argv: string[]): { clusters: number[]; steadySeconds: number } {
  let clusters = [5];
  let steadySeconds = 60;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (flag !== '--clusters' && flag !== '--steady')
      throw new Error(`unknown argument ${JSON.stringify(argv[i])}; ${USAGE}`);
    const value = inline ?? argv[++i];
    if (flag === '--clusters') {
      const ns = (value ?? '').split(',').map((s) => (/^\d+$/.test(s.trim()) ? Number(s) : NaN));
      if (!ns.length || ns.some((n) => !(n >= 1 && n <= 20)))
        throw new Error(`--clusters: ${JSON.stringify(value ?? '')} is not a list of numbers from 1 to 20; ${USAGE}`);
      clusters = ns;
    } else if (flag === '--steady') {
      if (!/^\d+$/.test(value ?? '') || Number(value) < 10 || Number(value) > 600)
        throw new Error(`--steady: ${JSON.stringify(value ?? '')} is not a number of seconds from 10 to 600; ${USAGE}`);
      steadySeconds = Number(value);
    }
  }
  return { clusters, steadySeconds };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => Date.now();
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;

/** CPU ticks (user + system) and RSS of a process, from /proc. */
function procSample(pid: number): { ticks: number; rssKiB: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const rss = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { ticks: Number(f[11]) + Number(f[12]), rssKiB: rss ? Number(rss[1]) : 0 };
  } catch {
    return undefined;
  }
}

/** Samples a process every second; `window(from, to)` gives its CPU (fraction of one core) and RSS in a time span. */
class ProcMonitor {
  private readonly samples: Array<{ t: number; ticks: number; rssKiB: number }> = [];
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly pid: number) {
    this.take();
    this.timer = setInterval(() => this.take(), 1000);
  }
  take(): void {
    const s = procSample(this.pid);
    if (s) this.samples.push({ t: now(), ...s });
  }
  window(from: number, to: number): { cpu: number; rssAvgKiB: number; rssMaxKiB: number } {
    const xs = this.samples.filter((s) => s.t >= from && s.t <= to);
    if (xs.length < 2) return { cpu: NaN, rssAvgKiB: NaN, rssMaxKiB: NaN };
    const a = xs[0];
    const b = xs[xs.length - 1];
    return {
      cpu: (b.ticks - a.ticks) / TICK_HZ() / ((b.t - a.t) / 1000),
      rssAvgKiB: xs.reduce((s, x) => s + x.rssKiB, 0) / xs.length,
      rssMaxKiB: Math.max(...xs.map((x) => x.rssKiB)),
    };
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

async function must(api: KubeApi, group: string, kind: string): Promise<ResourceInfo> {
  const r = await api.resource(group, kind);
  if (!r) throw new Error(`${kind} (${group || 'core'}) is not served by ${api.server}`);
  return r;
}

const condition = (o: KObject | undefined, type: string) =>
  ((o?.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []).find(
    (c) => c.type === type,
  );

/** Polls `done` for every key until all are true or the time is up; returns when each first was (ms since epoch). */
async function untilAll(
  keys: string[],
  done: (key: string) => Promise<string | undefined>,
  o: { timeoutMs: number; everyMs: number; what: string },
): Promise<Map<string, number>> {
  const at = new Map<string, number>();
  const why = new Map<string, string>();
  const end = now() + o.timeoutMs;
  while (at.size < keys.length) {
    await Promise.all(
      keys
        .filter((k) => !at.has(k))
        .map(async (k) => {
          try {
            const reason = await done(k);
            if (reason === undefined) at.set(k, now());
            else why.set(k, reason);
          } catch (e) {
            why.set(k, (e as Error).message);
          }
        }),
    );
    if (at.size === keys.length) break;
    if (now() > end) {
      const left = keys.filter((k) => !at.has(k));
      throw new Error(
        `${o.what}: ${left.length} of ${keys.length} not done after ${secs(o.timeoutMs)}: ` +
          left
            .slice(0, 3)
            .map((k) => `${k}: ${why.get(k) ?? '?'}`)
            .join('; '),
      );
    }
    await sleep(o.everyMs);
  }
  return at;
}

interface Workload {
  readonly index: number;
  readonly api: KubeApi;
  readonly kubeconfig: string;
  /** The rendered addon objects (what both tools install), in install order. */
  objects: KObject[];
}

/** undefined when every health check passes and every object of the addons without checks exists. */
async function unhealthy(w: Workload, checks: readonly AddonHealthCheck[], plain: readonly KObject[]) {
  for (const c of checks) {
    const res = await w.api.resource(c.apiVersion.includes('/') ? c.apiVersion.split('/')[0] : '', c.kind);
    if (!res) return `${c.kind} not served yet`;
    const why = unhealthyReason(await w.api.get(res, c.name, c.namespace), c);
    if (why) return why;
  }
  for (const o of plain) {
    const av = String(o.apiVersion);
    const res = await w.api.resource(av.includes('/') ? av.split('/')[0] : '', String(o.kind));
    if (!res || !(await w.api.get(res, String(o.metadata?.name), o.metadata?.namespace)))
      return `${o.kind} ${o.metadata?.name} missing`;
  }
  return undefined;
}

/** Deletes the addon objects from a workload API server (last first) and waits until they are gone. */
async function wipe(w: Workload): Promise<void> {
  const objs = [...w.objects].reverse();
  const resOf = async (o: KObject) => {
    const av = String(o.apiVersion);
    return w.api.resource(av.includes('/') ? av.split('/')[0] : '', String(o.kind));
  };
  for (const o of objs) {
    const res = await resOf(o);
    if (res) await w.api.delete(res, String(o.metadata?.name), o.metadata?.namespace);
  }
  const inventory = await w.api.resource('', 'Secret');
  if (inventory) await w.api.delete(inventory, 'cskit-addons', 'kube-system');
  const end = now() + 120_000;
  for (const o of objs) {
    const res = await resOf(o);
    while (res && (await w.api.get(res, String(o.metadata?.name), o.metadata?.namespace))) {
      if (now() > end) throw new Error(`workload-${w.index}: ${o.kind} ${o.metadata?.name} not gone after 120 s`);
      await sleep(250);
    }
  }
  // ReplicaSets, revisions and pods of the deleted workloads go by garbage collection; wait for them, so the next
  // install starts from an empty namespace.
  for (const [group, kind] of [
    ['', 'Pod'],
    ['apps', 'ReplicaSet'],
    ['apps', 'ControllerRevision'],
  ]) {
    const res = await must(w.api, group, kind);
    while ((await w.api.list(res, { namespace: 'kube-system' })).length) {
      if (now() > end) throw new Error(`workload-${w.index}: ${kind}s in kube-system not gone after 120 s`);
      await sleep(500);
    }
  }
}

interface Result {
  readonly n: number;
  readonly crs: { totalMs: number; perCluster: number[] };
  readonly cskit: { totalMs: number; perCluster: number[]; readyMs: number };
  readonly idle: { cpu: number; rssAvgKiB: number };
  readonly rollout: { cpu: number; rssMaxKiB: number };
  readonly steady: { cpu: number; rssAvgKiB: number; rssMaxKiB: number; seconds: number };
  readonly capiCpuDuringCrs?: number;
  readonly cpInitMs: number;
}

async function runOnce(n: number, steadySeconds: number): Promise<Result> {
  let e: CapdManagerEnv | undefined;
  let mgr: ManagerProcess | undefined;
  let monitor: ProcMonitor | undefined;
  try {
    const t = now();
    // THE CAPD fixture of the manager's e2e tests: mgmt + CAPI + CAPD + N workload API servers (two kwok nodes each,
    // metrics-server's APIService reachable through the testenv's egress), the stacks synthesized and the docker 1.36
    // stack applied with `cskit apply`.
    e = await startCapdManagerEnv({ workloadClusters: n });
    const dir = e.dir;
    console.log(`  testenv: mgmt + CAPI + CAPD + ${n} workload API servers, stack applied, in ${secs(now() - t)}`);
    const { stack, version } = dockerStack();
    const dist = e.dist;
    const bundleDocs = parseYaml(fs.readFileSync(path.join(dist, stack, 'addon-bundle.yaml')), stack, 'manifest');
    const bundleAddons = bundleDocs.flatMap(
      (d) => ((d.value as KObject).spec?.addons ?? []) as Array<{ name: string; healthChecks: AddonHealthCheck[] }>,
    );
    const checks = bundleAddons.flatMap((a) => a.healthChecks);
    const unchecked = new Set(bundleAddons.filter((a) => !a.healthChecks.length).map((a) => a.name));
    const mgmt = e.api;
    const workloads: Workload[] = e.workloads.map((w, i) => ({
      index: i + 1,
      api: KubeApi.connect({ kubeconfig: w.kubeconfig }),
      kubeconfig: w.kubeconfig,
      objects: [],
    }));

    const secrets = await must(mgmt, '', 'Secret');
    const clusters = await must(mgmt, 'cluster.x-k8s.io', 'Cluster');
    const secret = (name: string, kubeconfig: string, cluster: string): KObject => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: NS, labels: { 'cluster.x-k8s.io/cluster-name': cluster } },
      type: 'cluster.x-k8s.io/secret',
      data: { value: fs.readFileSync(kubeconfig).toString('base64') },
    });
    // The fixture's Cluster without its worker (nothing here runs on workers; half the Machines for CAPD to run).
    const capdCluster = (i: number, optedOut: boolean): KObject => {
      const c = clusterObject(`c-${i}`, NS, stack, version);
      const { workers: _workers, ...topology } = c.spec.topology;
      void _workers;
      return {
        ...c,
        metadata: { ...c.metadata, ...(optedOut ? { annotations: { [OPT_OUT_ANNOTATION]: 'true' } } : {}) },
        spec: { ...c.spec, topology },
      };
    };
    for (const w of workloads) await writeWorkloadSecret(e, NS, `c-${w.index}`, fs.readFileSync(w.kubeconfig, 'utf8'));
    const tCreate = now();
    await Promise.all(
      workloads.map((w) => mgmt.apply(clusters, capdCluster(w.index, true), { fieldManager: FM, force: true })),
    );

    // The real manager process (the fixture's: hook server, ExtensionConfig), idle while every Cluster is opted out.
    mgr = await manager(e, ['--resync', '1m']);
    await mgr.start();
    monitor = new ProcMonitor(mgr.pid!);

    const initialized = await untilAll(
      workloads.map((w) => `c-${w.index}`),
      async (name) => {
        const c = await mgmt.get(clusters, name, NS);
        if (condition(c, 'ControlPlaneInitialized')?.status === 'True') return undefined;
        // What CAPI says is missing, for the timeout message.
        const conds = ((c?.status?.conditions ?? []) as Array<{ type: string; status: string; message?: string }>)
          .filter((x) => x.status !== 'True' && x.message)
          .map((x) => `${x.type}: ${x.message}`);
        return `not initialized (${conds.join('; ').slice(0, 600)})`;
      },
      { timeoutMs: 180_000 + 20_000 * n, everyMs: 2000, what: 'CAPD Clusters reaching ControlPlaneInitialized' },
    );
    const cpInitMs = Math.max(...initialized.values()) - tCreate;
    console.log(`  ${n} CAPD in-memory Clusters ControlPlaneInitialized ${secs(cpInitMs)} after creation`);

    // What both tools install into workload-i: the addons rendered for Cluster c-i (its live spec, class defaults).
    for (const w of workloads) {
      const live = (await mgmt.get(clusters, `c-${w.index}`, NS))!;
      const file = path.join(dir, `c-${w.index}.yaml`);
      fs.writeFileSync(
        file,
        stringify({
          apiVersion: live.apiVersion,
          kind: live.kind,
          metadata: { name: live.metadata?.name, namespace: NS },
          spec: live.spec,
        }),
      );
      const rendered = renderStack(dist, stack, file);
      w.objects = rendered.manifests.flatMap((m) => m.objects as KObject[]);
      (w as Workload & { plain: KObject[] }).plain = rendered.manifests
        .filter((m) => unchecked.has(m.addon))
        .flatMap((m) => m.objects as KObject[]);
    }
    const plainOf = (w: Workload) => (w as Workload & { plain: KObject[] }).plain;
    const healthy = (w: Workload) => unhealthy(w, checks, plainOf(w));
    const byName = new Map(workloads.map((w) => [`workload-${w.index}`, w]));
    const observe = (what: string) =>
      untilAll([...byName.keys()], (k) => healthy(byName.get(k)!), { timeoutMs: 300_000, everyMs: 1000, what });

    // 1. ClusterResourceSet: Clusters of its own whose {cluster}-kubeconfig is the real API server.
    for (const w of workloads)
      await mgmt.create(secrets, secret(`crs-${w.index}-kubeconfig`, w.kubeconfig, `crs-${w.index}`));
    // CAPI's webhook wants an infrastructure (or control plane, or topology) reference: a DevCluster on CAPD's
    // in-memory backend, provisioned at once; no control plane, no machines. CRS has no control-plane gate.
    const devClusters = await must(mgmt, 'infrastructure.cluster.x-k8s.io', 'DevCluster');
    for (const w of workloads)
      await mgmt.create(devClusters, {
        apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
        kind: 'DevCluster',
        // An annotation: CAPD's in-memory backend writes one into the map and panics on a DevCluster without any.
        metadata: { name: `crs-${w.index}`, namespace: NS, annotations: { 'cskit.io/bench': 'crs' } },
        spec: { backend: { inMemory: {} } },
      });
    await Promise.all(
      workloads.map((w) =>
        mgmt.create(clusters, {
          apiVersion: 'cluster.x-k8s.io/v1beta2',
          kind: 'Cluster',
          // The label is what the CRS form of `cskit addons render` selects a Cluster by.
          metadata: {
            name: `crs-${w.index}`,
            namespace: NS,
            labels: { 'cluster.x-k8s.io/cluster-name': `crs-${w.index}` },
          },
          spec: {
            clusterNetwork: { pods: { cidrBlocks: ['192.168.0.0/16'] } },
            infrastructureRef: {
              apiGroup: 'infrastructure.cluster.x-k8s.io',
              kind: 'DevCluster',
              name: `crs-${w.index}`,
            },
          },
        }),
      ),
    );
    await untilAll(
      workloads.map((w) => `crs-${w.index}`),
      async (name) =>
        (await mgmt.get(clusters, name, NS))?.status?.initialization?.infrastructureProvisioned === true
          ? undefined
          : 'infrastructure not provisioned',
      { timeoutMs: 120_000, everyMs: 1000, what: 'the CRS Clusters being provisioned' },
    );
    // CAPI's ClusterCache connects once the infrastructure is provisioned; the Cluster shows it (RemoteConnectionProbe)
    // on its next reconcile, which may come late: wait for it a while, else the CRS time includes the connect.
    const connected = await untilAll(
      workloads.map((w) => `crs-${w.index}`),
      async (name) =>
        condition(await mgmt.get(clusters, name, NS), 'RemoteConnectionProbe')?.status === 'True'
          ? undefined
          : 'ClusterCache not connected',
      { timeoutMs: 30_000, everyMs: 1000, what: "CAPI's ClusterCache connecting to the CRS Clusters" },
    ).then(
      () => true,
      () => false,
    );
    if (!connected)
      console.log('  (RemoteConnectionProbe not True on every CRS Cluster after 30 s: CRS time includes it)');
    const configMaps = await must(mgmt, '', 'ConfigMap');
    const crsRes = await must(mgmt, 'addons.cluster.x-k8s.io', 'ClusterResourceSet');
    const crsObjects = workloads.map((w) => {
      const rendered = renderStack(dist, stack, path.join(dir, `c-${w.index}.yaml`));
      return clusterResourceSet(rendered.manifests, { clusterName: `crs-${w.index}`, namespace: NS }) as KObject[];
    });
    for (const objs of crsObjects)
      for (const o of objs.filter((x) => x.kind === 'ConfigMap')) await mgmt.create(configMaps, o);
    const capiPid = capiManagerPid(e.capi.pid);
    const capiBefore = capiPid ? procSample(capiPid) : undefined;
    const t0crs = now();
    await Promise.all(
      crsObjects.map((objs) =>
        mgmt.create(
          crsRes,
          objs.find((x) => x.kind === 'ClusterResourceSet')!,
        ),
      ),
    );
    const crsDone = await observe('ClusterResourceSet install');
    const capiAfter = capiPid ? procSample(capiPid) : undefined;
    const crsTotal = Math.max(...crsDone.values()) - t0crs;
    const capiCpuDuringCrs =
      capiBefore && capiAfter ? (capiAfter.ticks - capiBefore.ticks) / TICK_HZ() / (crsTotal / 1000) : undefined;
    console.log(`  ClusterResourceSet: every addon healthy in ${n} clusters after ${secs(crsTotal)}`);

    // Nothing left of the CRS run: CRS objects and their Clusters go, the objects are deleted from the workloads.
    for (const objs of crsObjects) {
      const c = objs.find((x) => x.kind === 'ClusterResourceSet')!;
      await mgmt.delete(crsRes, String(c.metadata?.name), NS);
    }
    for (const w of workloads) await mgmt.delete(clusters, `crs-${w.index}`, NS);
    await Promise.all(workloads.map((w) => wipe(w)));

    // 2. The manager: the opt-out annotation leaves every Cluster at once (server-side apply without it).
    await sleep(5000);
    const idleFrom = now();
    await sleep(10_000);
    const idle = monitor.window(idleFrom, now());
    const t0 = now();
    await Promise.all(
      workloads.map((w) => mgmt.apply(clusters, capdCluster(w.index, false), { fieldManager: FM, force: true })),
    );
    const done = await observe('cskit manager install');
    const total = Math.max(...done.values()) - t0;
    monitor.take();
    const rollout = monitor.window(t0, now());
    console.log(`  cskit manager: every addon healthy in ${n} clusters after ${secs(total)}`);
    const addons = await must(mgmt, 'addons.cskit.io', 'ClusterAddons');
    const ready = await untilAll(
      workloads.map((w) => `c-${w.index}`),
      async (name) =>
        condition(await mgmt.get(addons, name, NS), 'Ready')?.status === 'True' ? undefined : 'ClusterAddons not Ready',
      { timeoutMs: 120_000, everyMs: 1000, what: 'ClusterAddons Ready' },
    );
    const readyMs = Math.max(...ready.values()) - t0;

    // 3. Steady state: every Cluster in sync; the window spans one resync (re-apply) of every Cluster.
    await sleep(5000);
    const steadyFrom = now();
    await sleep(steadySeconds * 1000);
    const steady = monitor.window(steadyFrom, now());
    const stillReady = await Promise.all(
      workloads.map(async (w) => condition(await mgmt.get(addons, `c-${w.index}`, NS), 'Ready')?.status === 'True'),
    );
    if (stillReady.some((r) => !r)) throw new Error('a Cluster left Ready during the steady-state window');
    return {
      n,
      crs: { totalMs: crsTotal, perCluster: [...crsDone.values()].map((x) => x - t0crs) },
      cskit: { totalMs: total, perCluster: [...done.values()].map((x) => x - t0), readyMs },
      idle: { cpu: idle.cpu, rssAvgKiB: idle.rssAvgKiB },
      rollout: { cpu: rollout.cpu, rssMaxKiB: rollout.rssMaxKiB },
      steady: { ...steady, seconds: steadySeconds },
      capiCpuDuringCrs,
      cpInitMs,
    };
  } catch (err) {
    if (mgr) console.error(mgr.tail(30));
    throw err;
  } finally {
    monitor?.stop();
    if (mgr) await mgr.stop();
    // CSKIT_KEEP_TESTENV=1 keeps the testenv folder (API server, CAPI and CAPD logs) to look at a failed run.
    await stopCapdManagerEnv(e);
    if (e && process.env.CSKIT_KEEP_TESTENV) console.log(`  testenv logs kept in ${e.env.dir}`);
  }
}

/** The pid of CAPI's core manager (it runs the ClusterResourceSet controller): a child of the CAPI supervisor. */
function capiManagerPid(supervisor: number): number | undefined {
  try {
    const kids = execFileSync('pgrep', ['-P', String(supervisor)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    return kids.map(Number).find((p) => {
      const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')[0];
      return path.basename(cmd) === 'capi-manager';
    });
  } catch {
    return undefined;
  }
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Least-squares line y = a + b·x. */
function fit(xs: number[], ys: number[]): { a: number; b: number } {
  const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
  const my = ys.reduce((s, y) => s + y, 0) / ys.length;
  const b = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) * (x - mx), 0);
  return { a: my - b * mx, b };
}

function report(results: Result[]): void {
  console.log('');
  console.log('N    CRS all healthy   cskit all healthy   cskit/CRS   cskit per-cluster median   ClusterAddons Ready');
  for (const r of results) {
    console.log(
      `${String(r.n).padEnd(4)} ${secs(r.crs.totalMs).padStart(15)}   ${secs(r.cskit.totalMs).padStart(17)}   ` +
        `${(r.cskit.totalMs / r.crs.totalMs).toFixed(2).padStart(8)}×   ` +
        `${secs(median(r.cskit.perCluster)).padStart(24)}   ${secs(r.cskit.readyMs).padStart(19)}`,
    );
  }
  console.log('');
  console.log(
    'N    manager CPU idle   rollout    steady     per cluster   RSS idle     rollout max   steady       per cluster',
  );
  for (const r of results) {
    const perRss = (r.steady.rssAvgKiB - r.idle.rssAvgKiB) / r.n;
    console.log(
      `${String(r.n).padEnd(4)} ${pct(r.idle.cpu).padStart(16)}   ${pct(r.rollout.cpu).padStart(8)}   ` +
        `${pct(r.steady.cpu).padStart(8)}   ${pct(r.steady.cpu / r.n).padStart(11)}   ` +
        `${mib(r.idle.rssAvgKiB).padStart(9)}   ${mib(r.rollout.rssMaxKiB).padStart(11)}   ` +
        `${mib(r.steady.rssAvgKiB).padStart(9)}   ${mib(perRss).padStart(11)}`,
    );
  }
  console.log('');
  const last = results[results.length - 1];
  const cpuPer = last.steady.cpu / last.n;
  const rssPer = (last.steady.rssAvgKiB - last.idle.rssAvgKiB) / last.n;
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const big = results.find((r) => r.n === 20);
  const twenty = big
    ? `${secs(big.cskit.totalMs)} (${verdict(big.cskit.totalMs <= 30_000)})`
    : 'not measured (no N=20 in this run)';
  console.log(
    `issue 11 targets: 20 clusters ≤ 30 s: ${twenty}; ` +
      `steady state ≤ 5 % of a core at N=${last.n}: ${pct(last.steady.cpu)} (${verdict(last.steady.cpu <= 0.05)})`,
  );
  console.log(
    `issue 12 targets at N=${last.n}: ≤ 2 MiB per cluster: ${mib(rssPer)} (${verdict(rssPer <= 2048)}); ` +
      `≤ 0.1 % of a core per cluster: ${pct(cpuPer)} (${verdict(cpuPer <= 0.001)})`,
  );
  if (results.length >= 2) {
    const ns = results.map((r) => r.n);
    const time = fit(
      ns,
      results.map((r) => r.cskit.totalMs / 1000),
    );
    const rss = fit(
      ns,
      results.map((r) => r.steady.rssAvgKiB / 1024),
    );
    const cpu = fit(
      ns,
      results.map((r) => r.steady.cpu),
    );
    console.log(
      `growth (least squares over N=${ns.join(',')}): install ${time.a.toFixed(1)} s + ` +
        `${time.b.toFixed(2)} s/cluster; steady RSS ${rss.a.toFixed(1)} MiB + ${rss.b.toFixed(2)} MiB/cluster; ` +
        `steady CPU ${pct(cpu.a)} + ${pct(cpu.b)}/cluster`,
    );
    console.log(
      `extrapolated to 1,000 clusters per shard: RSS ${(rss.a + 1000 * rss.b).toFixed(0)} MiB, steady CPU ` +
        `${pct(cpu.a + 1000 * cpu.b)} of a core, install ${((time.a + 1000 * time.b) / 60).toFixed(1)} min`,
    );
  } else {
    console.log(
      `extrapolated to 1,000 clusters per shard (from N=${last.n}, idle + N × per cluster): RSS ` +
        `${((last.idle.rssAvgKiB + 1000 * rssPer) / 1024).toFixed(0)} MiB, steady CPU ${pct(1000 * cpuPer)} of a core`,
    );
  }
  for (const r of results)
    if (r.capiCpuDuringCrs !== undefined)
      console.log(
        `N=${r.n}: CAPI core manager CPU during the CRS install ${pct(r.capiCpuDuringCrs)} (it runs every CAPI ` +
          `controller, not only CRS); CAPD Clusters initialized ${secs(r.cpInitMs)} after creation`,
      );
  console.log('');
  console.log(
    'compared: the same rendered objects of ' +
      'the docker-scs 1.36 bundle (cilium, dev-storage, metrics-server) into the same N real kube-apiservers (kwok ' +
      'nodes), "healthy" judged by the bench with the manager\'s health checks; CRS = CAPI core manager, ' +
      'strategy Reconcile, one CRS per Cluster without control plane, runs first; ' +
      'cskit = `cskit manager` (default --concurrency 8, --resync 1m) for CAPD in-memory Clusters, runs second ' +
      'into the emptied servers. ' +
      'CPU = user+system time of the manager process per wall second (1.0 = one core); RSS from /proc.',
  );
  console.log(
    `machine: ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, shared with the testenv ` +
      `(${results.map((r) => r.n + 1).join('/')} API servers, etcd, CAPI, CAPD) and other users; ` +
      'load average at the end ' +
      os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' '),
  );
}

async function main(): Promise<void> {
  const { clusters, steadySeconds } = parseArgs(process.argv.slice(2));
  ensureBinaries();
  const missing = [...missingCapiBinaries(), ...missingCapdBinary()];
  if (missing.length) throw new Error(`missing ${missing.join(', ')}; build them with: bash testenv/build.sh`);
  const results: Result[] = [];
  for (const n of clusters) {
    console.log(`N=${n}:`);
    results.push(await runOnce(n, steadySeconds));
  }
  console.log(`date: ${new Date().toISOString()}`);
  report(results);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`bench/manager: ${(e as Error).message}`);
    process.exitCode = 1;
  });
}
