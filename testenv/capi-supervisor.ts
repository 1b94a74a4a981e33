/**
 * Runs the Cluster API managers against one test cluster until told to stop, or until the process that asked for
 * them dies (the same contract as testenv/supervisor.ts):
 *   1. CRDs of core CAPI, kubeadm bootstrap and kubeadm control plane (conversion → their manager's /convert), and
 *      of CAPO and CAPD (no providers run), all with the kustomizations' contract labels; wait for Established.
 *   2. The three managers (ClusterTopology and RuntimeSDK on, webhooks on 127.0.0.1:<free port> with a certificate of
 *      our own CA, health on 127.0.0.1, metrics off); wait until each reports ready (its webhook server is serving).
 *   3. Their admission webhook configurations, rewritten to URLs; wait until the API server calls them.
 * With a CAPD bin dir, CAPD runs as a fourth manager (in-memory backend, POD_IP=127.0.0.1): its CRDs then come from
 * the module version it was built from, with conversion and admission webhooks pointing at it.
 * Writes <dir>/capi-state.json ({ ready: true, managers… } or { ready: false, error }). Logs: <dir>/<manager>.log.
 * Usage: node capi-supervisor.js <dir> <binDir> <parentPid> <kubeconfig> [<capdBinDir>]
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { makeCerts } from './certs';
import { SetupKube } from './setup-kube';
import {
  CAPD_FIXED_PORTS,
  CAPD_MANAGER,
  INFRA_CRD_DIRS,
  MANAGERS,
  Obj,
  capdBuiltVersion,
  goModDir,
  kustomizedCrds,
  managerPath,
  moduleDirs,
  webhookConfigs,
  withConversion,
} from './capi-manifests';
import { repoRoot } from './harness';
import { freePort, killAndExit, logTail, writeStateFile } from './supervisor';

export interface CapiManagerState {
  readonly name: string;
  readonly webhookPort: number;
  readonly healthPort: number;
  readonly log: string;
  readonly args: string[];
}

export interface CapiState {
  readonly ready: boolean;
  readonly error?: string;
  readonly pid: number;
  readonly dir: string;
  readonly versions?: { capi: string; capo: string; capd: string };
  readonly managers?: CapiManagerState[];
  /** CAPD runs (its in-memory backend serves DevCluster/DevMachine); otherwise only the CAPD CRDs are installed. */
  readonly capdRunning?: boolean;
  /** Names of the webhook configurations registered (deleted again on a clean stop). */
  readonly webhookConfigurations?: Array<{ kind: string; name: string }>;
}

/**
 * The feature gates every CAPI manager gets: ClusterClass is alpha and off by default up to CAPI v1.14, and so is the
 * Runtime SDK (lifecycle hooks; without it the ExtensionConfig webhook rejects every object). The gates are one
 * shared set in CAPI, so every manager accepts both; CAPD too, whose Dev*Template webhooks refuse every template
 * unless ClusterTopology is on.
 */
export const CAPI_FEATURE_GATES = 'ClusterTopology=true,RuntimeSDK=true';

/** Fails with what to do when a port CAPD binds without asking is taken (CAPD would die with a bare bind error). */
export async function assertCapdPortsFree(): Promise<void> {
  for (const [what, port] of [
    ['debug server', CAPD_FIXED_PORTS.debug],
    ['first workload API server listener', CAPD_FIXED_PORTS.firstWorkload],
  ] as const) {
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, () => s.close(() => resolve(true)));
    });
    if (!free)
      throw new Error(
        `port ${port} (CAPD's ${what}) is in use: CAPD binds the fixed ports ${CAPD_FIXED_PORTS.debug} and ` +
          `${CAPD_FIXED_PORTS.firstWorkload}+ on all interfaces, so only one CAPD can run per machine. ` +
          'Stop the other one (another test run under /tmp/cskit-e2e.lock, or `node lib/testenv/capi-up.js`), ' +
          `or free the port (\`ss -ltnp 'sport = :${port}'\` shows who holds it)`,
      );
  }
}

const children: ChildProcess[] = [];
let stopping = false;
let cleanup: (() => Promise<void>) | undefined;

function writeState(dir: string, state: CapiState): void {
  writeStateFile(path.join(dir, 'capi-state.json'), state);
}

function fail(dir: string, error: string): void {
  try {
    writeState(dir, { ready: false, error, pid: process.pid, dir });
  } catch {
    /* dir gone */
  }
  stop(1);
}

function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  // Remove our webhook configurations first: left behind with failurePolicy Fail they would block every CAPI
  // object on a cluster that outlives us. Bounded, so a dead API server cannot hold up the exit.
  const first = cleanup
    ? Promise.race([cleanup().catch(() => undefined), new Promise((r) => setTimeout(r, 3000))])
    : Promise.resolve();
  void first.then(() => killAndExit(children, code));
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A ClusterClass that passes the CRD schema but that the ClusterClass webhook must reject (its patch uses an
 * undefined variable), sent as a dry run: a rejection naming the webhook proves the API server calls it.
 */
const PROBE = {
  apiVersion: 'cluster.x-k8s.io/v1beta2',
  kind: 'ClusterClass',
  metadata: { name: 'cskit-webhook-probe', namespace: 'default' },
  spec: {
    infrastructure: {
      templateRef: {
        apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
        kind: 'DockerClusterTemplate',
        name: 'probe',
      },
    },
    controlPlane: {
      templateRef: {
        apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
        kind: 'KubeadmControlPlaneTemplate',
        name: 'probe',
      },
    },
    patches: [
      {
        name: 'probe',
        definitions: [
          {
            selector: {
              apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
              kind: 'DockerClusterTemplate',
              matchResources: { infrastructureCluster: true },
            },
            jsonPatches: [
              {
                op: 'add',
                path: '/spec/template/spec/loadBalancer',
                valueFrom: { variable: 'cskitUndefinedVariable' },
              },
            ],
          },
        ],
      },
    ],
  },
};

async function main(): Promise<void> {
  const [dir, binDir, parentPid, kubeconfig, capdBinDir] = process.argv.slice(2);
  fs.mkdirSync(dir, { recursive: true });
  setInterval(() => {
    try {
      process.kill(Number(parentPid), 0);
    } catch {
      stop(0);
    }
  }, 1000).unref();
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => stop(0));
  for (const m of MANAGERS) {
    if (!fs.existsSync(path.join(binDir, m.name)))
      throw new Error(`${path.join(binDir, m.name)} is missing: run testenv/build.sh (or set CSKIT_TESTENV_BIN)`);
  }
  if (capdBinDir && !fs.existsSync(path.join(capdBinDir, CAPD_MANAGER.name)))
    throw new Error(`${path.join(capdBinDir, CAPD_MANAGER.name)} is missing: run testenv/build.sh capd-manager`);
  if (capdBinDir) await assertCapdPortsFree();
  const mods = moduleDirs(repoRoot());
  // A running CAPD gets the CRDs of its own release (the typed imports may be a patch release ahead).
  const capdVersion = capdBinDir ? capdBuiltVersion(repoRoot()) : mods.capd.version;
  const capdDir = capdBinDir ? goModDir(`sigs.k8s.io/cluster-api/test@${capdVersion}`) : mods.capd.dir;
  const kube = new SetupKube(kubeconfig);

  // Webhook serving certificate for 127.0.0.1/localhost from a CA of this run; the managers read tls.crt/tls.key.
  const certs = makeCerts(path.join(dir, 'pki'));
  const certDir = path.join(dir, 'webhook-certs');
  fs.mkdirSync(certDir, { recursive: true });
  fs.copyFileSync(certs.serving.cert, path.join(certDir, 'tls.crt'));
  fs.copyFileSync(certs.serving.key, path.join(certDir, 'tls.key'));
  const caBundle = fs.readFileSync(certs.ca.cert).toString('base64');

  const managers: CapiManagerState[] = [];
  const crds: Obj[] = [];
  // What runs: the three CAPI managers from the cluster-api module, and CAPD from the test module when asked.
  const running = [
    ...MANAGERS.map((m) => ({ spec: m, bin: binDir, moduleDir: mods.capi.dir })),
    ...(capdBinDir ? [{ spec: CAPD_MANAGER, bin: capdBinDir, moduleDir: capdDir }] : []),
  ];
  for (const { spec: m, moduleDir } of running) {
    const [webhookPort, healthPort] = [await freePort(), await freePort()];
    const { crds: own, converted } = kustomizedCrds(managerPath(moduleDir, m.crdDir), m.provider);
    for (const crd of own)
      crds.push(
        converted.has(crd.metadata.name) ? withConversion(crd, `https://127.0.0.1:${webhookPort}`, caBundle) : crd,
      );
    managers.push({
      name: m.name,
      webhookPort,
      healthPort,
      log: path.join(dir, `${m.name}.log`),
      args: [
        `--kubeconfig=${kubeconfig}`,
        `--feature-gates=${CAPI_FEATURE_GATES}`,
        '--leader-elect=false',
        `--webhook-port=${webhookPort}`,
        `--webhook-cert-dir=${certDir}`,
        `--health-addr=127.0.0.1:${healthPort}`,
        '--diagnostics-address=0',
      ],
    });
  }
  // Providers we do not run: their objects only need to exist (the topology controller creates and patches them).
  crds.push(...kustomizedCrds(path.join(mods.capo.dir, INFRA_CRD_DIRS.capo), true).crds);
  if (!capdBinDir) crds.push(...kustomizedCrds(path.join(mods.capd.dir, INFRA_CRD_DIRS.capd), true).crds);
  for (const crd of crds) await kube.apply(crd);
  await until('CRDs Established', 60_000, async () => {
    for (const crd of crds) {
      const live = await kube.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
      if (
        !(live.status?.conditions ?? []).some(
          (c: { type?: string; status?: string }) => c.type === 'Established' && c.status === 'True',
        )
      )
        return undefined;
    }
    return true;
  });

  for (const [i, m] of managers.entries()) {
    const log = fs.openSync(m.log, 'a');
    // POD_IP: where CAPD's in-memory workload API servers say they are (their kubeconfigs point there).
    const env = running[i].spec === CAPD_MANAGER ? { ...process.env, POD_IP: '127.0.0.1' } : process.env;
    const child = spawn(path.join(running[i].bin, m.name), m.args, { stdio: ['ignore', log, log], env });
    children.push(child);
    child.on('exit', (code, signal) => {
      if (!stopping) fail(dir, `${m.name} exited (${signal ?? code}); see ${m.log}: ${logTail(m.log)}`);
    });
  }
  await Promise.all(
    managers.map((m) =>
      until(
        `${m.name} (${m.log})`,
        120_000,
        async () => (await httpOk(`http://127.0.0.1:${m.healthPort}/readyz`)) || undefined,
      ),
    ),
  );

  const configs = running.flatMap(({ spec: m, moduleDir }, i) =>
    webhookConfigs(
      managerPath(moduleDir, m.webhooks),
      m.name,
      `https://127.0.0.1:${managers[i].webhookPort}`,
      caBundle,
    ),
  );
  cleanup = async () => {
    for (const c of configs)
      await kube.request('DELETE', `/apis/admissionregistration.k8s.io/v1/${c.kind.toLowerCase()}s/${c.metadata.name}`);
  };
  for (const c of configs) await kube.apply(c);
  // The API server picks new webhook configurations up asynchronously.
  await until('ClusterClass validating webhook called by the API server', 30_000, async () => {
    const r = await kube.request(
      'POST',
      '/apis/cluster.x-k8s.io/v1beta2/namespaces/default/clusterclasses?dryRun=All',
      PROBE,
    );
    return r.status >= 400 && /admission webhook .* denied the request/.test(r.body?.message ?? '') ? true : undefined;
  });

  writeState(dir, {
    ready: true,
    pid: process.pid,
    dir,
    managers,
    versions: { capi: mods.capi.version, capo: mods.capo.version, capd: capdVersion },
    capdRunning: Boolean(capdBinDir),
    webhookConfigurations: configs.map((c) => ({ kind: c.kind, name: c.metadata.name })),
  });
}

if (require.main === module) {
  // Whatever ends the supervisor is written to the state file, so the test says why (a bare exit says nothing).
  for (const ev of ['uncaughtException', 'unhandledRejection'] as const)
    process.on(ev, (e) => fail(process.argv[2], `${ev}: ${(e as Error)?.stack ?? String(e)}`));
  main().catch((e) => fail(process.argv[2], (e as Error).message));
}
