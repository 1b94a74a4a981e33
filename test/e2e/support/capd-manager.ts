/**
 * THE fixture for the addon manager's end-to-end scenarios on real Cluster API (issue 11): a management API server
 * with CAPI (RuntimeSDK gate on) and CAPD's in-memory backend, K extra real kube-apiservers of the testenv as the
 * workload clusters (each with kwok), the stacks synthesized once by the real CLI and applied with `cskit apply`,
 * and the REAL `cskit manager` CLI as a child process (its log in a file, shown when a wait times out). CAPD's own
 * fake workload API server cannot take server-side apply, so a `{cluster}-wl` Secret points each Cluster at one of
 * the testenv's API servers (`--kubeconfig-secret '{cluster}-wl'`), as docs/manager.md's by-hand path does.
 * CAPD binds fixed ports: one such environment per machine, so the files using this run under the e2e flock.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubeApi } from '../../../src/kube/api';
import { ResourceInfo } from '../../../src/kube/apply-types';
import { clusterClient } from '../../../src/kube/client';
import { ClusterClient } from '../../../src/kube/types';
import { makeServingCert } from '../../../src/manager/certs';
import { ClusterAddons } from '../../../src/manager/crd';
import { CLUSTER_ADDONS } from '../../../src/manager/state';
import { readLock } from '../../../src/model/lock';
import type { KObject } from '../../../src/model/object';
import { CapiEnv, missingCapdBinary, missingCapiBinaries, startCapi, stopCapi } from '../../../testenv/capi';
import { repoRoot, startEnv, stopEnv } from '../../../testenv/harness';
import { ensureFakeNodes } from '../../../testenv/nodes';
import { type ClusterState, type EnvState, freePort } from '../../../testenv/supervisor';
import type { Prerequisite } from '../../support/prerequisite';
import { cskit } from './env';
import { until } from './until';

export const capdBuilt: Prerequisite = {
  what: 'Cluster API managers and CAPD',
  missing: [...missingCapiBinaries(), ...missingCapdBinary()],
  fix: 'build them with: bash testenv/build.sh',
};

const cliMain = path.join(repoRoot(), 'lib', 'src', 'cli', 'main.js');

/** The docker stack of a minor of the shipped lock, at the Kubernetes version the lock pins for it. */
export function dockerStack(minor = '1.36'): { stack: string; version: string } {
  const entry = readLock(path.join(repoRoot(), 'stacks.lock.json')).stacks['docker-scs'][minor];
  if (!entry) throw new Error(`stacks.lock.json has no docker-scs ${minor}`);
  return { stack: `docker-scs-${minor.replace('.', '-')}-${entry.version}`, version: `v${entry.kubernetesVersion}` };
}

export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
}
export const condition = (o: KObject | undefined, type: string): Condition | undefined =>
  ((o?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === type);

/** Synthesizes every stack into a fresh temp dir with the real CLI (once per file: ~10 s). */
export function synthDist(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-capd-dist-'));
  execFileSync(process.execPath, [cliMain, 'synth', '-o', out], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
  });
  return out;
}

/** The `cskit manager` CLI as a child process; its stdout and stderr go to `logFile`. */
export class ManagerProcess {
  private child?: ChildProcess;
  private exited?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly hookUrl: string;

  constructor(
    readonly kubeconfig: string,
    readonly logFile: string,
    readonly tlsFiles: { cert: string; key: string; ca: string },
    readonly port: number,
    readonly args: readonly string[],
  ) {
    this.hookUrl = `https://127.0.0.1:${port}`;
  }

  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  /** Starts it and waits until its log says the manager runs (hook server up, ExtensionConfig written). */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.pid) throw new Error('the manager runs already');
    const from = fs.existsSync(this.logFile) ? fs.statSync(this.logFile).size : 0;
    const fd = fs.openSync(this.logFile, 'a');
    const argv = [
      cliMain,
      'manager',
      '--kubeconfig',
      this.kubeconfig,
      '--kubeconfig-secret',
      '{cluster}-wl',
      '--register-extension',
      '--hook-host',
      '127.0.0.1',
      '--hook-port',
      String(this.port),
      '--tls-cert-file',
      this.tlsFiles.cert,
      '--tls-key-file',
      this.tlsFiles.key,
      '--tls-ca-file',
      this.tlsFiles.ca,
      ...this.args,
    ];
    const child = spawn(process.execPath, argv, { stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    this.child = child;
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    await until(
      'the manager to start',
      async () => {
        if (child.exitCode !== null) throw new Error(`the manager exited (${child.exitCode}):\n${this.log(from)}`);
        return this.log(from).includes('manager running') ? true : undefined;
      },
      { timeoutMs, explain: () => this.log(from) },
    );
  }

  /** SIGTERM, and waits for the exit; resolves with the exit code (0 for a clean stop). */
  async stop(): Promise<number | null> {
    if (!this.pid) return null;
    this.child!.kill('SIGTERM');
    const { code } = await this.exited!;
    return code;
  }

  /** SIGKILL: the manager dies without cleaning up anything (what a node failure does). */
  async kill(): Promise<void> {
    if (!this.pid) return;
    this.child!.kill('SIGKILL');
    await this.exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** The log from byte `from` on. */
  log(from = 0): string {
    return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile).subarray(from).toString('utf8') : '';
  }

  /** The last lines of the log, for error messages. */
  tail(lines = 60): string {
    return `--- cskit manager log (${this.logFile}), last ${lines} lines ---\n${this.log()
      .split('\n')
      .slice(-lines)
      .join('\n')}`;
  }
}

export interface CapdManagerEnv {
  readonly env: EnvState;
  readonly capi: CapiEnv;
  /** The management cluster's admin kubeconfig. */
  readonly kubeconfig: string;
  readonly api: KubeApi;
  readonly client: ClusterClient;
  /** The synthesized stacks (one folder per stack). */
  readonly dist: string;
  /** The workload API servers, `workload-1`…`workload-K`. */
  readonly workloads: readonly ClusterState[];
  /** Files of this run (manager logs, certificates). */
  readonly dir: string;
  /** Set by `manager()`: the running manager, whose log tail `explain()` adds to timeouts. */
  current?: ManagerProcess;
  /** Every manager `manager()` made: all are killed at the end, so none outlives the test environment. */
  readonly managers: ManagerProcess[];
}

/**
 * Starts mgmt + CAPI + CAPD + K workload API servers and synthesizes the stacks; `cskit apply`s `stacks` (default:
 * the lock's docker 1.36 stack) into `namespace`.
 */
export async function startCapdManagerEnv(
  o: { workloadClusters: number; stacks?: readonly string[]; namespace?: string } = { workloadClusters: 1 },
): Promise<CapdManagerEnv> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-capd-mgr-'));
  const dist = synthDist();
  const names = Array.from({ length: o.workloadClusters }, (_, i) => `workload-${i + 1}`);
  const env = await startEnv(['mgmt', ...names]);
  let capi: CapiEnv | undefined;
  try {
    // One fake node per Machine of the Cluster (control plane + md-0), as capi-up does (testenv/nodes.ts).
    for (const n of names) await ensureFakeNodes(env.clusters[n].kubeconfig, 2);
    capi = await startCapi(env.clusters.mgmt, { capd: true });
    const kubeconfig = env.clusters.mgmt.kubeconfig;
    const api = KubeApi.connect({ kubeconfig });
    const e: CapdManagerEnv = {
      env,
      capi,
      kubeconfig,
      api,
      client: clusterClient(api),
      dist,
      workloads: names.map((n) => env.clusters[n]),
      dir,
      managers: [],
    };
    for (const stack of o.stacks ?? [dockerStack().stack]) await applyStack(e, stack, o.namespace ?? 'default');
    return e;
  } catch (err) {
    if (capi) await stopCapi(capi);
    await stopEnv(env, { keepDir: true });
    throw new Error(`${(err as Error).message} (testenv logs in ${env.dir})`, { cause: err });
  }
}

/** Kills every manager still running, stops CAPI and the API servers; keeps their logs if CSKIT_KEEP_TESTENV. */
export async function stopCapdManagerEnv(e: CapdManagerEnv | undefined): Promise<void> {
  if (!e) return;
  for (const m of e.managers) await m.kill();
  e.api.close();
  await stopCapi(e.capi);
  const keep = !!process.env.CSKIT_KEEP_TESTENV;
  await stopEnv(e.env, { keepDir: keep });
  if (!keep) {
    fs.rmSync(e.dist, { recursive: true, force: true });
    fs.rmSync(e.dir, { recursive: true, force: true });
  }
}

/** `cskit apply <dist>/<stack> --wait` into the management cluster, as a user does. */
export async function applyStack(e: Pick<CapdManagerEnv, 'dist' | 'kubeconfig'>, stack: string, namespace: string) {
  const r = await cskit(['apply', path.join(e.dist, stack), '--kubeconfig', e.kubeconfig, '-n', namespace, '--wait']);
  if (r.code !== 0) throw new Error(`cskit apply ${stack} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A manager CLI for this environment (not started): hook server on 127.0.0.1, one certificate for its lifetime. */
export async function manager(
  e: CapdManagerEnv,
  args: readonly string[] = ['--resync', '5s'],
): Promise<ManagerProcess> {
  const tlsDir = fs.mkdtempSync(path.join(e.dir, 'tls-'));
  const pem = makeServingCert(tlsDir, ['127.0.0.1']);
  const files = {
    cert: path.join(tlsDir, 'm.crt'),
    key: path.join(tlsDir, 'm.key'),
    ca: path.join(tlsDir, 'm-ca.crt'),
  };
  fs.writeFileSync(files.cert, pem.cert);
  fs.writeFileSync(files.key, pem.key, { mode: 0o600 });
  fs.writeFileSync(files.ca, pem.ca);
  const m = new ManagerProcess(
    e.kubeconfig,
    path.join(e.dir, `manager-${Date.now()}.log`),
    files,
    await freePort(),
    args,
  );
  e.current = m;
  e.managers.push(m);
  return m;
}

/** The last lines of the CAPD and KCP logs that name a Cluster (where CAPI stopped, when a Cluster hangs). */
export function capiLogTail(e: Pick<CapdManagerEnv, 'capi'>, cluster: string, lines = 15): string {
  return ['capd-manager', 'capi-kubeadm-control-plane', 'capi-manager']
    .map((m) => {
      const file = path.join(e.capi.dir, `${m}.log`);
      const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      const named = text.split('\n').filter((l) => l.includes(cluster));
      return `--- ${file}, last ${lines} lines naming ${cluster} ---\n${named.slice(-lines).join('\n')}`;
    })
    .join('\n');
}

/** What timeouts add: the running manager's log tail. */
export const explain = (e: CapdManagerEnv) => () => e.current?.tail() ?? '(no manager started)';

const SECRETS: ResourceInfo = { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true };

/** The `{cluster}-wl` Secret (key `value`) the manager reads the workload kubeconfig from. */
export async function writeWorkloadSecret(
  e: Pick<CapdManagerEnv, 'api'>,
  namespace: string,
  cluster: string,
  kubeconfigYaml: string,
): Promise<void> {
  await e.api.apply(
    SECRETS,
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${cluster}-wl`, namespace },
      data: { value: Buffer.from(kubeconfigYaml).toString('base64') },
    },
    { fieldManager: 'cskit-e2e', force: true },
  );
}

/** A Cluster of a docker-scs class on CAPD's in-memory backend: one control plane machine, `workers` workers. */
export function clusterObject(
  name: string,
  namespace: string,
  stack: string,
  version: string,
  variables: ReadonlyArray<{ name: string; value: unknown }> = [],
  workers = 1,
): KObject {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Cluster',
    metadata: { name, namespace },
    spec: {
      clusterNetwork: { pods: { cidrBlocks: ['192.168.0.0/16'] }, services: { cidrBlocks: ['10.128.0.0/12'] } },
      topology: {
        classRef: { name: stack },
        version,
        controlPlane: { replicas: 1 },
        ...(workers
          ? { workers: { machineDeployments: [{ class: 'default-worker', name: 'md-0', replicas: workers }] } }
          : {}),
        variables: [{ name: 'backend', value: 'inMemory' }, ...variables],
      },
    },
  };
}

/** Waits until the Cluster satisfies `pred` (undefined: not yet); the Cluster's conditions explain a timeout. */
export function waitCluster<T>(
  e: CapdManagerEnv,
  namespace: string,
  name: string,
  what: string,
  pred: (c: KObject | undefined) => T | undefined,
  timeoutMs = 180_000,
): Promise<T> {
  return until(
    `Cluster ${namespace}/${name}: ${what}`,
    async (last) => {
      const c = await e.client.get('cluster.x-k8s.io/v1beta2', 'Cluster', name, namespace);
      // The Machines' conditions say where CAPI/CAPD stopped when the Cluster's do not.
      const machines = await e.client.list('cluster.x-k8s.io/v1beta2', 'Machine', {
        namespace,
        labelSelector: `cluster.x-k8s.io/cluster-name=${name}`,
      });
      const notTrue = (o: KObject) =>
        ((o.status?.conditions ?? []) as Condition[])
          .filter((x) => x.status !== 'True')
          .map((x) => `${x.type}: ${x.reason} ${x.message ?? ''}`.trim());
      last({
        cluster: c ? notTrue(c) : 'gone',
        machines: machines.map((m) => ({ name: m.metadata?.name, phase: m.status?.phase, notTrue: notTrue(m) })),
      });
      return pred(c);
    },
    { timeoutMs, explain: () => `${explain(e)()}\n${capiLogTail(e, name)}` },
  );
}

/** Waits until the Cluster's ClusterAddons satisfies `pred`; its status explains a timeout. */
export function waitAddons<T>(
  e: CapdManagerEnv,
  namespace: string,
  name: string,
  what: string,
  pred: (ca: ClusterAddons | undefined) => T | undefined,
  timeoutMs = 180_000,
): Promise<T> {
  return until(
    `ClusterAddons ${namespace}/${name}: ${what}`,
    async (last) => {
      const ca = (await e.api.get(CLUSTER_ADDONS, name, namespace)) as ClusterAddons | undefined;
      last(ca?.status);
      return pred(ca);
    },
    { timeoutMs, explain: explain(e) },
  );
}

/** Waits until an object exists in a workload cluster (or `pred` holds for it). */
export function waitObject(
  e: CapdManagerEnv,
  wl: ClusterClient,
  ref: { apiVersion: string; kind: string; name: string; namespace?: string },
  pred: (o: KObject) => boolean = () => true,
  timeoutMs = 120_000,
): Promise<KObject> {
  return until(
    `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} in the workload cluster`,
    async (last) => {
      const o = await wl.get(ref.apiVersion, ref.kind, ref.name, ref.namespace);
      last(o?.status);
      return o && pred(o) ? o : undefined;
    },
    { timeoutMs, explain: explain(e) },
  );
}

export const ready = (ca: ClusterAddons | undefined) => condition(ca, 'Ready')?.status === 'True';
