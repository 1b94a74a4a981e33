/**
 * `clusterctl move` with the REAL clusterctl (built from the Go module proxy at the managers' CAPI version) between two
 * testenv management clusters, each with the Cluster API managers and a `cskit manager` CLI process:
 * a docker-scs Cluster (CAPD in-memory backend) whose addons are Ready in a workload API server of the testenv is
 * moved from `src` to `dst`; the target's manager takes over without changing any object in the workload cluster
 * (resourceVersion and managedFields of every managed object, the inventory and a user's LoadBalancer Service are
 * compared before and after), the source keeps nothing of ours for that Cluster, and the status carries over through
 * the ClusterAddons checkpoint annotation (clusterctl does not move status).
 * Set-up chosen because CAPD binds fixed ports (:19000, :20000+) and so runs once per machine: CAPD runs with the
 * source's managers until the Cluster is provisioned, then the source's Cluster API managers stop (clusterctl needs
 * none of the source's controllers: it pauses, copies and deletes by itself) and the target's start with CAPD, whose
 * in-memory backend rebuilds the moved Cluster (it is made to survive a CAPD restart). The addons live in a testenv
 * API server reached through the `{cluster}-wl` Secret, which moves with the Cluster by its clusterctl move label.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildBundle } from '../../src/bundle/build';
import { KubeApi } from '../../src/kube/api';
import { ResourceInfo } from '../../src/kube/apply-types';
import { connect } from '../../src/kube/client';
import { bundleCrd } from '../../src/model/addon-bundle-crd';
import { readLock } from '../../src/model/lock';
import type { KObject } from '../../src/model/object';
import { CHECKPOINT_ANNOTATION, ClusterAddons } from '../../src/manager/crd';
import { INVENTORY, inventoryId, readInventory } from '../../src/manager/inventory';
import { PART_OF_LABEL } from '../../src/apply/applyset';
import { CLUSTER_ADDONS } from '../../src/manager/state';
import { SECRETS } from '../../src/manager/workload';
import { CapiEnv, missingCapdBinary, missingCapiBinaries, startCapi, stopCapi } from '../../testenv/capi';
import { clusterctlBinary, initAsClusterctl, missingClusterctl } from '../../testenv/clusterctl';
import { repoRoot, startEnv, stopEnv } from '../../testenv/harness';
import { type EnvState, freePort } from '../../testenv/supervisor';
import { Prerequisite, describeWith } from '../support/prerequisite';
import { clusterObject } from './support/capd-manager';
import { CliRun, cskit } from './support/env';
import { FM, addon, sleep, until } from './support/manager-world';

const built: Prerequisite = {
  what: 'Cluster API managers, CAPD and clusterctl',
  missing: [...missingCapiBinaries(), ...missingCapdBinary(), ...missingClusterctl()],
  fix: 'build them with: bash testenv/build.sh',
};

const lock = readLock(path.join(repoRoot(), 'stacks.lock.json'));
const docker136 = lock.stacks['docker-scs']['1.36'];
const stack = `docker-scs-1-36-${docker136.version}`;
const version = `v${docker136.kubernetesVersion}`;
const NS = 'default';
const MOVE_LABEL = 'clusterctl.cluster.x-k8s.io/move';
/** CAPD's in-memory provisioning takes about 40 s on the shared machine; leave room. */
const CAPI_TIMEOUT = 240_000;

const conditionTrue = (o: KObject | undefined, type: string) =>
  ((o?.status?.conditions ?? []) as Array<{ type: string; status: string }>).some(
    (c) => c.type === type && c.status === 'True',
  );

/**
 * Every object the manager manages in the workload cluster (the members its inventory names), the inventory Secret
 * and a user's Service: resourceVersion and managedFields by `Kind namespace/name`, to compare before and after.
 */
async function snapshot(kubeconfig: string): Promise<Record<string, string>> {
  const wl = KubeApi.connect({ kubeconfig });
  try {
    const inv = await readInventory(wl);
    const objects: KObject[] = [];
    for (const gk of inv.groupKinds) {
      const res = await wl.resource(gk.group, gk.kind);
      if (!res) throw new Error(`${gk.kind}.${gk.group} of the inventory is not served`);
      for (const ns of res.namespaced ? inv.namespaces : [undefined]) {
        const items = await wl.list(res, { namespace: ns, labelSelector: `${PART_OF_LABEL}=${inventoryId()}` });
        objects.push(...items.map((o) => ({ ...o, kind: res.kind })));
      }
    }
    const services = (await wl.resource('', 'Service')) as ResourceInfo;
    for (const o of [
      await wl.get(SECRETS, INVENTORY.name, INVENTORY.namespace),
      await wl.get(services, 'users-lb', 'default'),
    ]) {
      if (!o) throw new Error("the inventory Secret or the user's Service is missing");
      objects.push(o);
    }
    const out: Record<string, string> = {};
    for (const o of objects)
      out[`${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`] = JSON.stringify({
        resourceVersion: o.metadata?.resourceVersion,
        managedFields: o.metadata?.managedFields,
      });
    return out;
  } finally {
    wl.close();
  }
}

function clusterctl(args: string[], home: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      clusterctlBinary(),
      args,
      {
        timeout: 300_000,
        env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home, CLUSTERCTL_DISABLE_VERSIONCHECK: 'true' },
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, signal: null, stdout, stderr }),
    );
  });
}

interface Manager {
  pid?: number;
  run: Promise<CliRun>;
  /** Set when the process ended (a manager must not end before the test stops it). */
  ended?: CliRun;
}

/** Fails at once, with what the manager said, when it ended early (rather than timing out waiting for it). */
function running(m: Manager | undefined, which: string): void {
  if (m?.ended) throw new Error(`the ${which} manager exited (${m.ended.code}):\n${m.ended.stderr}`);
}

/** Waits until `api` shows ClusterAddons demo Ready, failing at once if that side's manager has exited. */
function addonsReady(api: KubeApi, m: Manager | undefined, which: string): Promise<ClusterAddons> {
  return until(
    `ClusterAddons demo Ready on the ${which}`,
    async () => {
      running(m, which);
      const ca = (await api.get(CLUSTER_ADDONS, 'demo', NS)) as ClusterAddons | undefined;
      return conditionTrue(ca, 'Ready') ? ca : undefined;
    },
    { timeoutMs: CAPI_TIMEOUT },
  );
}

/** `cskit manager` as a user runs it, registered as the management cluster's Runtime SDK extension. */
async function startManager(kubeconfig: string): Promise<Manager> {
  const m: Manager = { run: Promise.resolve({ code: 0, signal: null, stdout: '', stderr: '' }) };
  const port = await freePort();
  m.run = cskit(
    [
      'manager',
      '--kubeconfig',
      kubeconfig,
      '--kubeconfig-secret',
      '{cluster}-wl',
      '--hook-host',
      '127.0.0.1',
      '--hook-port',
      String(port),
      '--register-extension',
      '--resync',
      '2s',
      // two managers on one machine: each its own free port for /metrics, /healthz, /readyz
      '--metrics-bind-address',
      '127.0.0.1:0',
    ],
    { onStart: (p) => (m.pid = p), timeoutMs: 900_000 },
  );
  void m.run.then((r) => (m.ended = r));
  return m;
}

async function stopManager(m: Manager | undefined): Promise<CliRun | undefined> {
  if (!m?.pid) return undefined;
  try {
    process.kill(m.pid, 'SIGTERM');
  } catch {
    /* gone */
  }
  return m.run;
}

describeWith(
  built,
  'clusterctl move between two management clusters (real clusterctl, CAPI, CAPD, cskit manager)',
  () => {
    let env: EnvState;
    let capiSrc: CapiEnv | undefined;
    let capiDst: CapiEnv | undefined;
    let srcManager: Manager | undefined;
    let dstManager: Manager | undefined;
    let out: string;
    let src: string;
    let dst: string;
    let wlKubeconfig: string;
    let before: { workload: Record<string, string>; status: ClusterAddons };

    beforeAll(async () => {
      out = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-move-e2e-'));
      execFileSync(process.execPath, [path.join(repoRoot(), 'lib', 'src', 'cli', 'main.js'), 'synth', '-o', out], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      });
      env = await startEnv(['src', 'dst', 'workload-1']);
      src = env.clusters.src.kubeconfig;
      dst = env.clusters.dst.kubeconfig;
      wlKubeconfig = env.clusters['workload-1'].kubeconfig;
      capiSrc = await startCapi(env.clusters.src, { capd: true });
      await initAsClusterctl(capiSrc);
    }, 400_000);

    afterAll(async () => {
      await stopManager(srcManager);
      await stopManager(dstManager);
      if (capiSrc) await stopCapi(capiSrc);
      if (capiDst) await stopCapi(capiDst);
      if (env) await stopEnv(env, { keepDir: !!process.env.CSKIT_KEEP_TESTENV });
      if (out) fs.rmSync(out, { recursive: true, force: true });
    });

    test('on the source: a docker-scs Cluster (CAPD in-memory) gets its addons Ready from cskit manager', async () => {
      const applied = await cskit(['apply', path.join(out, stack), '--kubeconfig', src, '-n', NS, '--wait']);
      if (applied.code !== 0) throw new Error(`cskit apply failed:\n${applied.stdout}\n${applied.stderr}`);
      const api = KubeApi.connect({ kubeconfig: src });
      const bundles = (await api.resource('addons.cskit.io', 'AddonBundle')) as ResourceInfo;
      await api.delete(bundles, stack, NS);
      for (const part of buildBundle({ name: stack, id: 'docker-scs', kubernetesVersion: version.slice(1) }, [addon]))
        await api.apply(bundles, { ...part, metadata: { ...part.metadata, namespace: NS } }, FM);
      // The workload kubeconfig Secret of `--kubeconfig-secret '{cluster}-wl'`: not a CAPI secret name, so it carries
      // the clusterctl move label to go with its Cluster (docs/manager.md, "Moving with clusterctl move").
      await api.apply(
        SECRETS,
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'demo-wl', namespace: NS, labels: { [MOVE_LABEL]: '' } },
          data: { value: fs.readFileSync(wlKubeconfig).toString('base64') },
        },
        FM,
      );
      // A user's LoadBalancer Service in the workload cluster: a BeforeClusterDelete cleanup would delete it.
      const wl = KubeApi.connect({ kubeconfig: wlKubeconfig });
      await wl.apply(
        (await wl.resource('', 'Service')) as ResourceInfo,
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'users-lb', namespace: 'default' },
          spec: { type: 'LoadBalancer', ports: [{ port: 80 }], selector: { app: 'x' } },
        },
        { fieldManager: 'a-user' },
      );
      wl.close();
      srcManager = await startManager(src);
      const client = connect({ kubeconfig: src });
      await client.create(clusterObject('demo', NS, stack, version, [], 0)); // control plane only
      const status = await addonsReady(api, srcManager, 'source');
      expect(status.status?.addons).toEqual([
        expect.objectContaining({ name: 'web', version: '1.0.0', state: 'Ready' }),
      ]);
      // clusterctl moves only provisioned Clusters: infrastructure ready and every Machine with its Node.
      await until(
        'the source Cluster provisioned, its Machines with a nodeRef',
        async () => {
          const c = await client.get('cluster.x-k8s.io/v1beta2', 'Cluster', 'demo', NS);
          const machines = await client.list('cluster.x-k8s.io/v1beta2', 'Machine', { namespace: NS });
          const ok =
            c?.status?.initialization?.infrastructureProvisioned === true &&
            machines.length > 0 &&
            machines.every((m) => m.status?.nodeRef?.name);
          return ok || undefined;
        },
        { timeoutMs: CAPI_TIMEOUT },
      );
      await sleep(5000); // two resync periods of the manager in steady state: what "before" means
      before = {
        workload: await snapshot(wlKubeconfig),
        status: (await api.get(CLUSTER_ADDONS, 'demo', NS)) as ClusterAddons,
      };
      expect(Object.keys(before.workload)).toEqual(
        expect.arrayContaining(['Deployment demo-addon/web', 'ConfigMap demo-addon/settings', 'Namespace /demo-addon']),
      );
      api.close();
    }, 400_000);

    test(
      'clusterctl move: the target manager takes over with no object in the workload cluster changed, the status ' +
        'carries over, the source keeps nothing of ours for the Cluster',
      async () => {
        expect(before).toBeDefined();
        // CAPD binds fixed ports: the source's Cluster API (CAPD with it) stops before the target's starts.
        await stopCapi(capiSrc!);
        capiSrc = undefined;
        capiDst = await startCapi(env.clusters.dst, { capd: true });
        const inventory = await initAsClusterctl(capiDst);
        expect(inventory).toEqual(expect.arrayContaining([expect.stringMatching(/^capi-system\/cluster-api v1\.14/)]));
        // The target gets our CRDs before the move (the manager installs ClusterAddons', `cskit apply` AddonBundle's).
        const dstApi = KubeApi.connect({ kubeconfig: dst });
        await dstApi.apply(
          (await dstApi.resource('apiextensions.k8s.io', 'CustomResourceDefinition'))!,
          bundleCrd(),
          FM,
        );
        dstManager = await startManager(dst);
        await until('the target serves ClusterAddons and AddonBundle', async () => {
          running(dstManager, 'target');
          const probe = KubeApi.connect({ kubeconfig: dst });
          try {
            const ok =
              (await probe.resource('addons.cskit.io', 'ClusterAddons')) &&
              (await probe.resource('addons.cskit.io', 'AddonBundle'));
            return ok ? true : undefined;
          } finally {
            probe.close();
          }
        });

        const home = fs.mkdtempSync(path.join(out, 'clusterctl-home-'));
        const started = Date.now();
        const moved = await clusterctl(['move', '--kubeconfig', src, '--to-kubeconfig', dst, '--namespace', NS], home);
        console.log(
          `clusterctl move took ${Math.round((Date.now() - started) / 1000)} s:\n${moved.stdout}${moved.stderr}`,
        );
        expect(moved).toMatchObject({ code: 0 });
        expect(moved.stdout + moved.stderr).toMatch(/Moving Cluster API objects.*Clusters=1/);

        // The target: the Cluster unpaused and initialized again by its CAPI + CAPD; our status Ready again.
        const client = connect({ kubeconfig: dst });
        await until(
          'the target Cluster unpaused and ControlPlaneInitialized',
          async () => {
            const c = await client.get('cluster.x-k8s.io/v1beta2', 'Cluster', 'demo', NS);
            return c && !c.spec?.paused && c.status?.initialization?.controlPlaneInitialized === true ? c : undefined;
          },
          { timeoutMs: CAPI_TIMEOUT },
        );
        const after = await addonsReady(dstApi, dstManager, 'target');
        await sleep(5000); // two resync periods of the target's manager with the Cluster initialized (steady state)
        expect(await snapshot(wlKubeconfig)).toEqual(before.workload);

        // Status: what is installed came over (checkpoint annotation); conditions are the target's own observation.
        expect(after.metadata?.annotations?.[CHECKPOINT_ANNOTATION]).toBe(
          before.status.metadata?.annotations?.[CHECKPOINT_ANNOTATION],
        );
        expect(after.status?.applied).toEqual(before.status.status?.applied);
        const installed = (s?: ClusterAddons) =>
          s?.status?.addons?.map((a) => [a.name, a.version, a.contentHash, a.state]);
        expect(installed(after)).toEqual(installed(before.status));
        const cluster = await client.get('cluster.x-k8s.io/v1beta2', 'Cluster', 'demo', NS);
        expect(after.metadata?.ownerReferences).toEqual([
          expect.objectContaining({ kind: 'Cluster', name: 'demo', uid: cluster?.metadata?.uid }),
        ]);
        // The AddonBundle went with its ClusterClass.
        const bundle = await client.get('addons.cskit.io/v1alpha1', 'AddonBundle', stack, NS);
        expect(bundle).toBeDefined();
        expect(JSON.stringify(bundle?.spec)).toContain('"name":"web"');
        expect(await client.get('cluster.x-k8s.io/v1beta2', 'ClusterClass', stack, NS)).toBeDefined();

        // The source: nothing of ours (or of the Cluster's) left for demo.
        const s = connect({ kubeconfig: src });
        expect(await s.get('cluster.x-k8s.io/v1beta2', 'Cluster', 'demo', NS)).toBeUndefined();
        expect(await s.list('addons.cskit.io/v1alpha1', 'ClusterAddons', { namespace: NS })).toEqual([]);
        expect(await s.list('addons.cskit.io/v1alpha1', 'AddonBundle', { namespace: NS })).toEqual([]);
        expect(await s.get('v1', 'Secret', 'demo-wl', NS)).toBeUndefined();

        // The target's manager manages the workload cluster now: a hand edit is repaired (the source's manager no
        // longer has the Cluster), and the status says the Cluster is not paused any more.
        const wl = KubeApi.connect({ kubeconfig: wlKubeconfig });
        const configMaps = (await wl.resource('', 'ConfigMap')) as ResourceInfo;
        await wl.apply(
          configMaps,
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'settings', namespace: 'demo-addon' },
            data: { cluster: 'x' },
          },
          { fieldManager: 'a-user', force: true },
        );
        await until('the hand edit repaired by the target manager', async () => {
          running(dstManager, 'target');
          const cm = await wl.get(configMaps, 'settings', 'demo-addon');
          return (cm?.data as Record<string, string> | undefined)?.cluster === 'demo' ? cm : undefined;
        });
        wl.close();
        const drifted = (await dstApi.get(CLUSTER_ADDONS, 'demo', NS)) as ClusterAddons;
        expect(drifted.status?.conditions?.find((c) => c.type === 'Paused')?.status).toBe('False');

        // No hook left dangling: whatever lifecycle hook CAPI still had pending for the Cluster when it moved, the
        // target's CAPI called the target's manager, which answered it.
        await until('no pending Runtime SDK hook on the target Cluster', async () => {
          const c = await client.get('cluster.x-k8s.io/v1beta2', 'Cluster', 'demo', NS);
          return c && !c.metadata?.annotations?.['runtime.cluster.x-k8s.io/pending-hooks'] ? c : undefined;
        });

        const srcRun = await stopManager(srcManager);
        srcManager = undefined;
        const dstRun = await stopManager(dstManager);
        dstManager = undefined;
        expect(srcRun?.code).toBe(0);
        expect(dstRun?.code).toBe(0);
        // The source's manager never cleaned up the moved Cluster as a deletion (the LoadBalancer Service is in the
        // unchanged snapshot above) and reported nothing failing about it.
        expect(srcRun?.stderr).not.toMatch(/Cluster default\/demo: .*(error|failed)/i);
        dstApi.close();
      },
      600_000,
    );
  },
);
