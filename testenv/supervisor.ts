/**
 * Starts the test control plane as child processes and keeps it running until told to stop, or until the process
 * that asked for it dies (so a crashed or killed test run never leaves servers behind):
 *   one etcd; per cluster a kube-apiserver (own etcd prefix), kube-controller-manager, kube-scheduler, kwok with one
 *   fake node, and the test provisioner. Everything listens on 127.0.0.1 on free ports.
 * Writes <dir>/state.json when ready ({ ready: true, clusters: { name: { server, kubeconfig, … } } }) or
 * ({ ready: false, error }) on failure. Usage: node supervisor.js <dir> <binDir> <parentPid> <cluster>…
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as net from 'net';
import * as path from 'path';
import { connect } from '../src/kube/client';
import { Certs, kubeconfig, makeCerts } from './certs';
import { fakeNode } from './nodes';
import { egressSelectorConfig, startEgressProxy } from './egress';
import { runProvisioner } from './provisioner';

export interface ClusterState {
  readonly name: string;
  readonly server: string;
  /** Admin (system:masters) kubeconfig. */
  readonly kubeconfig: string;
  /** A user with no roles, for permission tests. */
  readonly restrictedKubeconfig: string;
  /**
   * With the `--audit` option: the API server's audit log (JSON lines, Metadata level, writes only: create, update,
   * patch, delete), so a test can show who wrote what when (e.g. one writer at a time under leader election).
   */
  readonly auditLog?: string;
}

/** Writes only, at Metadata level (who, what, when, answer; no bodies): small, and never a Secret's content. */
const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    verbs: [create, update, patch, delete, deletecollection]
  - level: None
`;

export interface EnvState {
  readonly ready: boolean;
  readonly error?: string;
  readonly pid: number;
  readonly dir: string;
  readonly kubernetesVersion?: string;
  readonly clusters: Record<string, ClusterState>;
}

/** CSI driver names the test provisioner serves: a real network-backed driver's name, as a cloud would have. */
export const TEST_PROVISIONERS = ['cinder.csi.openstack.org', 'test.csi.cskit.io'];

/** Service IPs of every test cluster; a CONNECT into it reaches testenv/egress.ts's stand-in for the pods. */
const SERVICE_CIDR = '10.96.0.0/16';

const children: ChildProcess[] = [];
let stopping = false;

/**
 * Listen ports for the test processes, taken below the kernel's ephemeral range (32768+ on Linux) and above CAPD's
 * fixed in-memory ports (testenv/capi-manifests.ts): a port from `listen(0)` is an ephemeral one, and between our
 * probe and the server's own bind, seconds later, any outbound connection on the machine may take it as its local
 * port (kube-apiserver then exits "address already in use"; CI saw a supervisor die so). Each process walks the range
 * from a random start, never handing out a port twice, so two processes of one test rarely meet.
 */
const PORTS = { first: 24_000, end: ephemeralStart() } as const;
let nextPort = PORTS.first + Math.floor(Math.random() * (PORTS.end - PORTS.first));

/** Where the kernel's ephemeral ports start (Linux default 32768); the range ends there, unless that leaves none. */
function ephemeralStart(): number {
  try {
    const first = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (first > 25_000 && first <= 32_768) return first;
  } catch {
    /* not Linux: keep the default */
  }
  return 32_768;
}

function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let tries = 0; tries < PORTS.end - PORTS.first; tries++) {
    const port = nextPort;
    nextPort = nextPort + 1 >= PORTS.end ? PORTS.first : nextPort + 1;
    if (await listenable(port)) return port;
  }
  throw new Error(`no free port in ${PORTS.first}-${PORTS.end - 1} on 127.0.0.1`);
}

/** `logDir`: the cluster's folder for per-cluster processes; the state file always goes to the env's root. */
function start(logDir: string, name: string, bin: string, args: string[]): ChildProcess {
  const logFile = path.join(logDir, `${name}.log`);
  const log = fs.openSync(logFile, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', log, log] });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (!stopping) fail(process.argv[2], `${name} exited (${signal ?? code}); see ${logFile}: ${logTail(logFile)}`);
  });
  return child;
}

/** The last lines of a log, for a failure message that says why without opening the file (CI keeps no files). */
export function logTail(file: string, lines = 8): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Writes a state file atomically: the harness polls for it and must never read half of one. */
export function writeStateFile(file: string, state: object): void {
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

function fail(dir: string, error: string): void {
  try {
    writeStateFile(path.join(dir, 'state.json'), { ready: false, error, pid: process.pid, dir, clusters: {} });
  } catch {
    /* dir gone */
  }
  stop(1);
}

function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  killAndExit(children, code);
}

/** SIGTERM to every child, SIGKILL to those still there after 5 s, then exit with `code`. */
export function killAndExit(children: readonly ChildProcess[], code: number): void {
  for (const c of children) c.kill('SIGTERM');
  const deadline = Date.now() + 5000;
  const wait = () => {
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null) || Date.now() > deadline) {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      process.exit(code);
    }
    setTimeout(wait, 100);
  };
  wait();
}

async function waitReady(url: string, certs: Certs, what: string, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = https.get(
        url,
        {
          ca: fs.readFileSync(certs.ca.cert),
          cert: fs.readFileSync(certs.admin.cert),
          key: fs.readFileSync(certs.admin.key),
          timeout: 2000,
        },
        (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        },
      );
      req.on('error', () => resolve(false));
      req.on('timeout', () => {
        req.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`${what} not ready after ${timeoutMs / 1000} s (${url})`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function auditFlags(cdir: string): string[] {
  const policy = path.join(cdir, 'audit-policy.yaml');
  fs.writeFileSync(policy, AUDIT_POLICY);
  // Blocking mode: an event is in the file before the answer goes out (the order in the file is the real order).
  return [
    `--audit-policy-file=${policy}`,
    `--audit-log-path=${path.join(cdir, 'audit.log')}`,
    '--audit-log-mode=blocking',
  ];
}

async function main(): Promise<void> {
  const [dir, binDir, parentPid, ...args] = process.argv.slice(2);
  const audit = args.includes('--audit');
  const names = args.filter((a) => a !== '--audit');
  fs.mkdirSync(dir, { recursive: true });
  const bin = (b: string) => path.join(binDir, b);
  for (const b of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']) {
    if (!fs.existsSync(bin(b)))
      throw new Error(`${bin(b)} is missing: run \`npm run testenv -- build\` (or set CSKIT_TESTENV_BIN)`);
  }
  // The parent (a test run, or `npm run testenv -- up`) going away ends the control plane too.
  setInterval(() => {
    try {
      process.kill(Number(parentPid), 0);
    } catch {
      stop(0);
    }
  }, 1000).unref();
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => stop(0));

  const [etcdClient, etcdPeer] = [await freePort(), await freePort()];
  start(dir, 'etcd', bin('etcd'), [
    '--name=cskit',
    `--data-dir=${path.join(dir, 'etcd')}`,
    '--unsafe-no-fsync',
    `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
    `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
    `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-cluster=cskit=http://127.0.0.1:${etcdPeer}`,
    '--log-level=warn',
  ]);

  const clusters: Record<string, ClusterState> = {};
  await Promise.all(
    names.map(async (name) => {
      const cdir = path.join(dir, name);
      fs.mkdirSync(cdir, { recursive: true });
      // Certificates of its own per cluster (CA, serving, users, service-account keys): credentials of one cluster
      // are worth nothing on another, as with separate real clusters (e.g. a management and a workload cluster).
      const certs = makeCerts(path.join(cdir, 'pki'));
      const port = await freePort();
      const server = `https://127.0.0.1:${port}`;
      // The API server's cluster egress (aggregated APIs such as metrics-server's) goes through testenv/egress.ts.
      const egress = path.join(cdir, 'egress.sock');
      await startEgressProxy(egress, SERVICE_CIDR, certs.serving, (l) =>
        fs.appendFileSync(path.join(cdir, 'egress.log'), `${new Date().toISOString()} ${l}\n`),
      );
      fs.writeFileSync(path.join(cdir, 'egress-selector.yaml'), egressSelectorConfig(egress));
      start(cdir, 'kube-apiserver', bin('kube-apiserver'), [
        `--etcd-servers=http://127.0.0.1:${etcdClient}`,
        `--etcd-prefix=/${name}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${port}`,
        `--tls-cert-file=${certs.serving.cert}`,
        `--tls-private-key-file=${certs.serving.key}`,
        `--client-ca-file=${certs.ca.cert}`,
        '--authorization-mode=RBAC',
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        `--egress-selector-config-file=${path.join(cdir, 'egress-selector.yaml')}`,
        '--allow-privileged=true',
        '--service-account-issuer=https://kubernetes.default.svc',
        `--service-account-key-file=${certs.sa.pub}`,
        `--service-account-signing-key-file=${certs.sa.key}`,
        '--enable-priority-and-fairness=false',
        ...(audit ? auditFlags(cdir) : []),
      ]);
      const admin = path.join(cdir, 'kubeconfig');
      const restricted = path.join(cdir, 'restricted.kubeconfig');
      fs.writeFileSync(admin, kubeconfig(name, server, certs.ca.cert, certs.admin, 'cskit-admin'), { mode: 0o600 });
      fs.writeFileSync(restricted, kubeconfig(name, server, certs.ca.cert, certs.restricted, 'cskit-restricted'), {
        mode: 0o600,
      });
      await waitReady(`${server}/readyz`, certs, `${name} kube-apiserver`);

      const auth = [
        `--kubeconfig=${admin}`,
        `--authentication-kubeconfig=${admin}`,
        `--authorization-kubeconfig=${admin}`,
        '--leader-elect=false',
        '--bind-address=127.0.0.1',
      ];
      start(cdir, 'kube-controller-manager', bin('kube-controller-manager'), [
        ...auth,
        `--secure-port=${await freePort()}`,
        `--service-account-private-key-file=${certs.sa.key}`,
        `--root-ca-file=${certs.ca.cert}`,
        '--controllers=*',
        `--cluster-signing-cert-file=${certs.ca.cert}`,
        `--cluster-signing-key-file=${certs.ca.key}`,
      ]);
      start(cdir, 'kube-scheduler', bin('kube-scheduler'), [...auth, `--secure-port=${await freePort()}`]);
      start(cdir, 'kwok', bin('kwok'), [
        `--kubeconfig=${admin}`,
        `--config=${path.join(__dirname, '..', '..', 'testenv', 'kwok-stages.yaml')}`,
        '--manage-all-nodes=false',
        '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
        // Node leases are the heartbeat: without them kube-controller-manager marks the node unreachable after ~40 s
        // and taints it, and every later pod stays Pending.
        `--server-address=127.0.0.1:${await freePort()}`,
        '--cidr=10.244.0.1/24',
        '--node-ip=127.0.0.1',
        '--node-lease-duration-seconds=40',
      ]);

      const client = connect({ kubeconfig: admin });
      const version = await client.serverVersion();
      await client.create(fakeNode('kwok-node-0', version));
      void runProvisioner(client, TEST_PROVISIONERS, (l) =>
        fs.appendFileSync(path.join(cdir, 'provisioner.log'), `${new Date().toISOString()} ${l}\n`),
      );
      clusters[name] = {
        name,
        server,
        kubeconfig: admin,
        restrictedKubeconfig: restricted,
        ...(audit ? { auditLog: path.join(cdir, 'audit.log') } : {}),
      };
    }),
  );

  // Ready means: the fake node is Ready and the default ServiceAccount exists (controllers are working).
  for (const c of Object.values(clusters)) {
    const client = connect({ kubeconfig: c.kubeconfig });
    await client.watchUntil(
      'v1',
      'Node',
      { name: 'kwok-node-0', timeoutMs: 60_000 },
      (_t, n) =>
        (n.status?.conditions ?? []).some(
          (x: { type: string; status: string }) => x.type === 'Ready' && x.status === 'True',
        ) || undefined,
    );
    await client.watchUntil(
      'v1',
      'ServiceAccount',
      { namespace: 'default', name: 'default', timeoutMs: 60_000 },
      () => true,
    );
  }
  const version = await connect({ kubeconfig: Object.values(clusters)[0].kubeconfig }).serverVersion();
  writeStateFile(path.join(dir, 'state.json'), {
    ready: true,
    pid: process.pid,
    dir,
    kubernetesVersion: version,
    clusters,
  });
}

if (require.main === module) {
  // Whatever ends the supervisor is written to the state file, so the test says why (a bare exit says nothing).
  for (const ev of ['uncaughtException', 'unhandledRejection'] as const)
    process.on(ev, (e) => fail(process.argv[2], `${ev}: ${(e as Error)?.stack ?? String(e)}`));
  main().catch((e) => fail(process.argv[2], (e as Error).message));
}
