/**
 * The test environment the addon manager (issue 11) is tested on, proven end to end: CAPD's in-memory backend gives a
 * Cluster of our docker-scs class (`backend: inMemory`) a real KubeadmControlPlane lifecycle up to
 * ControlPlaneInitialized, with the core manager's RuntimeSDK gate on; and a workload API server of the testenv (a
 * real kube-apiserver, no Cluster API in it) takes server-side apply through our own client, which CAPD's fake
 * workload API server cannot (it answers 415).
 * CAPD binds fixed ports (:19000, :20000+): only one CAPD per machine, so this file runs under the e2e flock like
 * every e2e run, and startCapi fails with a clear message when another CAPD holds the ports.
 */
import * as fs from 'fs';
import * as path from 'path';
import { connectApply } from '../../src/kube/apply-client';
import { connect } from '../../src/kube/client';
import type { KObject } from '../../src/model/object';
import { CapiEnv, startCapi, stopCapi } from '../../testenv/capi';
import { CAPI_FEATURE_GATES } from '../../testenv/capi-supervisor';
import { startEnv, stopEnv } from '../../testenv/harness';
import type { EnvState } from '../../testenv/supervisor';
import { describeWith } from '../support/prerequisite';
import { capdBuilt, clusterObject, condition, dockerStack, synthDist } from './support/capd-manager';
import { cskit } from './support/env';

// The docker stack of the shipped lock's 1.36 minor, at the Kubernetes version the lock pins for it.
const { stack, version } = dockerStack();
const NS = 'default';

describeWith(capdBuilt, 'CAPD in-memory test environment (real KCP lifecycle, workload API servers)', () => {
  let env: EnvState;
  let capi: CapiEnv;
  let out: string;

  beforeAll(async () => {
    out = synthDist();
    env = await startEnv(['mgmt', 'workload-1']);
    capi = await startCapi(env.clusters.mgmt, { capd: true });
  }, 300_000);

  afterAll(async () => {
    if (capi) await stopCapi(capi);
    if (env) await stopEnv(env, { keepDir: !!process.env.CSKIT_KEEP_TESTENV });
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  test('CAPD runs next to the CAPI managers, which have the RuntimeSDK gate on', () => {
    expect(capi.capd).toBe(true);
    expect(capi.managers.map((m) => m.name)).toEqual([
      'capi-manager',
      'capi-kubeadm-bootstrap',
      'capi-kubeadm-control-plane',
      'capd-manager',
    ]);
    const core = capi.managers.find((m) => m.name === 'capi-manager')!;
    expect(core.args).toContain(`--feature-gates=${CAPI_FEATURE_GATES}`);
    expect(CAPI_FEATURE_GATES.split(',')).toContain('RuntimeSDK=true');
  });

  test(`docker-scs Cluster (${stack}, ${version}) with backend inMemory reaches ControlPlaneInitialized`, async () => {
    const kubeconfig = env.clusters.mgmt.kubeconfig;
    const applied = await cskit(['apply', path.join(out, stack), '--kubeconfig', kubeconfig, '-n', NS, '--wait']);
    if (applied.code !== 0)
      throw new Error(`cskit apply ${stack} failed (${applied.code}):\n${applied.stdout}\n${applied.stderr}`);
    // the class, its five templates, the stack's AddonBundle and the AddonBundle CRD
    expect(applied.stdout).toMatch(/8 objects, 8 changed \(8 created, 0 configured\), 0 unchanged\n$/);
    expect(applied.stdout).toMatch(/AddonBundle +default +docker-scs-1-36-v\d+ +created/);
    const client = connect({ kubeconfig });
    await client.create(clusterObject('mem', NS, stack, version));
    let last: KObject | undefined;
    const started = Date.now();
    const initialized = await client
      .watchUntil(
        'cluster.x-k8s.io/v1beta2',
        'Cluster',
        { namespace: NS, name: 'mem', timeoutMs: 180_000 },
        (_t, c) => {
          last = c;
          return condition(c, 'ControlPlaneInitialized')?.status === 'True' ? c : undefined;
        },
      )
      .catch((e: Error) => {
        throw new Error(`${e.message}; last conditions: ${JSON.stringify(last?.status?.conditions, null, 1)}`);
      });
    console.log(`ControlPlaneInitialized after ${Math.round((Date.now() - started) / 1000)} s`);
    expect(initialized.spec.controlPlaneRef).toMatchObject({ kind: 'KubeadmControlPlane' });

    // The in-memory backend came from our class's patch, for the cluster and for the control plane machine.
    expect(initialized.spec.infrastructureRef).toMatchObject({ kind: 'DevCluster' });
    const devCluster = await client.get(
      'infrastructure.cluster.x-k8s.io/v1beta2',
      'DevCluster',
      initialized.spec.infrastructureRef.name,
      NS,
    );
    expect(Object.keys(devCluster?.spec?.backend ?? {})).toEqual(['inMemory']);
    const kcp = await client.get(
      'controlplane.cluster.x-k8s.io/v1beta2',
      'KubeadmControlPlane',
      initialized.spec.controlPlaneRef.name,
      NS,
    );
    expect(kcp?.status?.initialization?.controlPlaneInitialized).toBe(true);
    const machines = await client.list('infrastructure.cluster.x-k8s.io/v1beta2', 'DevMachine', {
      namespace: NS,
      labelSelector: 'cluster.x-k8s.io/cluster-name=mem,cluster.x-k8s.io/control-plane',
    });
    expect(machines.length).toBeGreaterThanOrEqual(1);
    for (const m of machines) expect(Object.keys(m.spec?.backend ?? {})).toEqual(['inMemory']);
  }, 240_000);

  test('a workload API server of the testenv takes a server-side apply through our client', async () => {
    const wl = env.clusters['workload-1'];
    expect(wl.server).not.toBe(env.clusters.mgmt.server);
    const api = await connectApply({ kubeconfig: wl.kubeconfig });
    const res = await api.resource('', 'ConfigMap');
    expect(res).toBeDefined();
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cskit-ssa-probe', namespace: 'kube-system' },
      data: { addon: 'probe' },
    };
    const first = await api.apply(res!, cm, { fieldManager: 'cskit-e2e' });
    expect(first.created).toBe(true);
    const live = await api.get(res!, 'cskit-ssa-probe', 'kube-system');
    expect(live?.data).toEqual({ addon: 'probe' });
    expect(live?.metadata?.managedFields).toEqual(
      expect.arrayContaining([expect.objectContaining({ manager: 'cskit-e2e', operation: 'Apply' })]),
    );
    // Only in the workload cluster: its own etcd prefix, nothing in the management cluster.
    const inMgmt = await connect({ kubeconfig: env.clusters.mgmt.kubeconfig }).get(
      'v1',
      'ConfigMap',
      'cskit-ssa-probe',
      'kube-system',
    );
    expect(inMgmt).toBeUndefined();
  }, 60_000);
});
