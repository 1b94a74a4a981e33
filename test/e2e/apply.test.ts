import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { applySetId } from '../../src/apply/applyset';
import { binDir } from '../../testenv/harness';
import { ALL_STACK_CRDS, capiCrds } from '../apply/support/capi-crds';
import { cskit, ownCluster } from './support/env';
import { TestKube } from './support/kube';

// `cskit apply` against a real API server of this file's own: the Cluster API CRDs (Cluster, ClusterClass and the
// kubeadm/OpenStack template CRDs, from the pinned upstream modules) are installed, no controllers run. The
// reconciliation side (--wait against the real CAPI manager) is covered by the capi-* e2e files.
const current = ownCluster();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-apply-e2e-'));
const dist = path.join(tmp, 'dist');
let kc: string;
let kube: TestKube;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
function kubectl(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      path.join(binDir(), 'kubectl'),
      ['--kubeconfig', kc, ...args],
      { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const apply = (...args: string[]) => cskit(['apply', '--kubeconfig', kc, ...args], { timeoutMs: 120_000 });

function writeYaml(rel: string, objs: object[]): string {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  // YAML 1.1, as cdk8s writes and cskit and kubectl read: a 1.2 writer leaves `y` unquoted, which 1.1 reads as true.
  fs.writeFileSync(p, objs.map((o) => stringify(o, { version: '1.1' })).join('---\n'));
  return p;
}

const cm = (name: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data,
});

async function namespace(name: string): Promise<void> {
  await kube.ok('POST', '/api/v1/namespaces', { metadata: { name } });
}

const CC = '/apis/cluster.x-k8s.io/v1beta2';

beforeAll(async () => {
  kc = current().kubeconfig;
  kube = new TestKube(kc);
  const synth = await cskit(['synth', '-o', dist], { timeoutMs: 120_000 });
  expect(synth.code).toBe(0);
}, 180_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('without Cluster API the apply is refused before anything is written', async () => {
  const r = await apply(path.join(dist, 'openstack-scs-1-36-v3'));
  expect(r.stderr).toMatch(
    new RegExp(
      /^cskit: Cluster API ≥ 1.11 not installed on this cluster: /.source +
        /the API group cluster.x-k8s.io is not served by https:\/\/127.0.0.1:\d+; install Cluster API/.source,
    ),
  );
  expect(r.stderr).toContain('OpenStackMachineTemplate (infrastructure.cluster.x-k8s.io/v1beta1) from');
  expect(r.stderr).toContain('nothing was applied');
  expect(r.code).toBe(3);
  expect((await kube.request('GET', '/api/v1/namespaces/default/secrets/cskit-openstack-scs')).status).toBe(404);
});

describe('with the Cluster API CRDs', () => {
  beforeAll(async () => {
    for (const crd of capiCrds(ALL_STACK_CRDS))
      await kube.ok('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    for (let i = 0; i < 150; i++) {
      const ok = await Promise.all(
        ['clusterclasses', 'clusters'].map(async (r) => (await kube.request('GET', `${CC}/${r}`)).status === 200),
      );
      if (ok.every(Boolean)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 60_000);

  test('applies a stack in order, then a second apply changes nothing (0 changed, same resourceVersions)', async () => {
    await namespace('t-apply');
    const stack = path.join(dist, 'openstack-scs-1-36-v3');
    const first = await apply(stack, '-n', 't-apply');
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /ApplySet t-apply\/cskit-openstack-scs: 8 objects, 8 changed \(8 created, 0 configured\), 0 unchanged\n$/,
    );
    const rows = first.stdout
      .split('\n')
      .filter((l) => /created$/.test(l.trim()))
      .map((l) => l.split(/\s+/)[0]);
    expect(rows[rows.length - 1]).toBe('ClusterClass');
    const cc = await kube.ok('GET', `${CC}/namespaces/t-apply/clusterclasses/openstack-scs-1-36-v3`);
    const id = applySetId('cskit-openstack-scs', 't-apply');
    expect(cc.metadata.labels['applyset.kubernetes.io/part-of']).toBe(id);
    expect(cc.metadata.managedFields.map((m: { manager?: string }) => m.manager)).toEqual(['cskit']);
    const parent = await kube.ok('GET', '/api/v1/namespaces/t-apply/secrets/cskit-openstack-scs');
    expect(parent.metadata.labels['applyset.kubernetes.io/id']).toBe(id);
    expect(parent.metadata.annotations['applyset.kubernetes.io/tooling']).toMatch(/^cskit\/\d+\.\d+\.\d+$/);
    expect(parent.metadata.annotations['applyset.kubernetes.io/contains-group-kinds']).toBe(
      'AddonBundle.addons.cskit.io,ClusterClass.cluster.x-k8s.io,' +
        'CustomResourceDefinition.apiextensions.k8s.io,KubeadmConfigTemplate.bootstrap.cluster.x-k8s.io,' +
        'KubeadmControlPlaneTemplate.controlplane.cluster.x-k8s.io,' +
        'OpenStackClusterTemplate.infrastructure.cluster.x-k8s.io,' +
        'OpenStackMachineTemplate.infrastructure.cluster.x-k8s.io',
    );

    const second = await apply(stack, '-n', 't-apply', '-o', 'json');
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report.changed).toBe(0);
    expect(report.counts.unchanged).toBe(8);
    const again = await kube.ok('GET', `${CC}/namespaces/t-apply/clusterclasses/openstack-scs-1-36-v3`);
    expect(again.metadata.resourceVersion).toBe(cc.metadata.resourceVersion);
    expect(
      (await kube.ok('GET', '/api/v1/namespaces/t-apply/secrets/cskit-openstack-scs')).metadata.resourceVersion,
    ).toBe(parent.metadata.resourceVersion);
    const table = await apply(stack, '-n', 't-apply');
    expect(table.stdout).toMatch(/8 objects, 0 changed \(0 created, 0 configured\), 8 unchanged\n$/);
  });

  test('--dry-run=server changes nothing and says so; --diff shows what the server would store', async () => {
    await namespace('t-dry');
    const stack = path.join(dist, 'openstack-scs-1-35-v2');
    const dry = await apply(stack, '-n', 't-dry', '--dry-run=server');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      // the AddonBundle CRD exists (an earlier test applied it) and would only change its ApplySet label
      /^server dry run, nothing was changed: 8 objects, 8 would change \(7 created, 1 configured\), 0 unchanged$/m,
    );
    expect(dry.stdout).toMatch(/ClusterClass\s+t-dry\s+openstack-scs-1-35-v2\s+created \(dry run\)/);
    expect((await kube.request('GET', `${CC}/namespaces/t-dry/clusterclasses/openstack-scs-1-35-v2`)).status).toBe(404);
    expect((await kube.request('GET', '/api/v1/namespaces/t-dry/secrets/cskit-openstack-scs')).status).toBe(404);

    const v1 = writeYaml('diff/v1.yaml', [cm('settings', { mode: 'a', keep: 'x' })]);
    expect((await apply(v1, '-n', 't-dry', '--applyset', 'diffs')).code).toBe(0);
    const before = await kube.ok('GET', '/api/v1/namespaces/t-dry/configmaps/settings');
    const v2 = writeYaml('diff/v2.yaml', [cm('settings', { mode: 'b', keep: 'x' }), cm('added', { k: 'v' })]);
    const diff = await apply(v2, '-n', 't-dry', '--applyset', 'diffs', '--diff');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('--- live/ConfigMap t-dry/settings\n+++ cskit/ConfigMap t-dry/settings\n');
    expect(diff.stdout).toContain('-  mode: a\n+  mode: b\n');
    expect(diff.stdout).toMatch(
      /--- live\/ConfigMap t-dry\/added\n\+\+\+ cskit\/ConfigMap t-dry\/added\n@@ -0,0 \+1,\d+ @@\n\+apiVersion: v1\n/,
    );
    expect(diff.stdout).not.toMatch(/managedFields|resourceVersion|creationTimestamp|uid:/);
    const after = await kube.ok('GET', '/api/v1/namespaces/t-dry/configmaps/settings');
    expect(after.data.mode).toBe('a');
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect((await kube.request('GET', '/api/v1/namespaces/t-dry/configmaps/added')).status).toBe(404);
  });

  test('a field owned by another manager is a 409 naming it; --force-conflicts takes it over', async () => {
    await namespace('t-conflict');
    const other = writeYaml('conflict/other.yaml', [cm('shared', { owner: 'kubectl' })]);
    const k = await kubectl(['apply', '--server-side', '--field-manager', 'team-b', '-n', 't-conflict', '-f', other]);
    expect(k.code).toBe(0);
    const ours = writeYaml('conflict/ours.yaml', [cm('shared', { owner: 'cskit' })]);
    const r = await apply(ours, '-n', 't-conflict');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('ConfigMap t-conflict/shared (');
    expect(r.stdout).toContain(
      'conflict: field .data.owner is owned by field manager "team-b"; re-run with --force-conflicts to take them over',
    );
    expect((await kube.ok('GET', '/api/v1/namespaces/t-conflict/configmaps/shared')).data.owner).toBe('kubectl');
    const f = await apply(ours, '-n', 't-conflict', '--force-conflicts');
    expect(f.code).toBe(0);
    expect(f.stdout).toMatch(/ConfigMap\s+t-conflict\s+shared\s+configured/);
    const live = await kube.ok('GET', '/api/v1/namespaces/t-conflict/configmaps/shared');
    expect(live.data.owner).toBe('cskit');
    const cskitFields = live.metadata.managedFields.find((m: { manager?: string }) => m.manager === 'cskit');
    expect(JSON.stringify(cskitFields.fieldsV1)).toContain('f:owner');
  });

  test('a 422 shows the server field errors', async () => {
    await namespace('t-invalid');
    const bad = writeYaml('invalid/cc.yaml', [
      {
        apiVersion: 'cluster.x-k8s.io/v1beta2',
        kind: 'ClusterClass',
        metadata: { name: 'broken' },
        spec: {
          infrastructure: {
            templateRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'not a kind!', name: 'x' },
          },
          controlPlane: {
            templateRef: {
              apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
              kind: 'KubeadmControlPlaneTemplate',
              name: 'y',
            },
          },
        },
      },
    ]);
    const r = await apply(bad, '-n', 't-invalid');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(
        /ClusterClass.cluster.x-k8s.io t-invalid\/broken \(.*cc.yaml#1\): /.source +
          /rejected by the server \(HTTP 422 Invalid\), fix these fields:\n {4}spec.infrastructure.templateRef.kind: /
            .source,
      ),
    );
  });

  test('a released class whose live spec differs is refused: bump the stack version instead', async () => {
    await namespace('t-immutable');
    const stack = path.join(dist, 'openstack-scs-1-36-v3');
    expect((await apply(stack, '-n', 't-immutable')).code).toBe(0);
    const edited = path.join(tmp, 'edited', 'openstack-scs-1-36-v3');
    fs.mkdirSync(edited, { recursive: true });
    fs.copyFileSync(path.join(stack, 'metadata.yaml'), path.join(edited, 'metadata.yaml'));
    const docs = parseAllDocuments(fs.readFileSync(path.join(stack, 'cluster-class.yaml'), 'utf8')).map((d) =>
      d.toJS(),
    );
    const cc = docs.find((d) => d.kind === 'ClusterClass');
    const v = cc.spec.variables.find((x: { name?: string }) => x.name === 'workerFlavor');
    v.schema.openAPIV3Schema.default = 'SCS-8V-16';
    fs.writeFileSync(path.join(edited, 'cluster-class.yaml'), docs.map((d) => stringify(d)).join('---\n'));
    const before = await kube.ok('GET', `${CC}/namespaces/t-immutable/clusterclasses/openstack-scs-1-36-v3`);
    const r = await apply(edited, '-n', 't-immutable');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('ClusterClass.cluster.x-k8s.io t-immutable/openstack-scs-1-36-v3');
    expect(r.stderr).toContain('exists with a different spec');
    expect(r.stderr).toMatch(/-\s+default: SCS-4V-8\n\s+\+\s+default: SCS-8V-16/);
    expect(r.stderr).toContain('Bump the stack version instead');
    expect(
      (await kube.ok('GET', `${CC}/namespaces/t-immutable/clusterclasses/openstack-scs-1-36-v3`)).metadata
        .resourceVersion,
    ).toBe(before.metadata.resourceVersion);
  });

  test('prune removes what left the input, keeps a used class and its templates, never touches Clusters', async () => {
    await namespace('t-prune');
    const v135 = path.join(dist, 'openstack-scs-1-35-v2');
    const v136 = path.join(dist, 'openstack-scs-1-36-v3');
    expect((await apply(v135, v136, '-n', 't-prune')).code).toBe(0);
    await kube.ok('POST', `${CC}/namespaces/t-prune/clusters`, {
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Cluster',
      metadata: { name: 'prod' },
      spec: { paused: true, topology: { classRef: { name: 'openstack-scs-1-35-v2' }, version: 'v1.35.0' } },
    });
    const r = await apply(v136, '-n', 't-prune', '--prune');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /ClusterClass\s+t-prune\s+openstack-scs-1-35-v2\s+kept\s+still used by Cluster t-prune\/prod/,
    );
    expect(r.stdout).toMatch(
      new RegExp(
        /OpenStackMachineTemplate\s+t-prune\s+openstack-scs-1-35-v2-default-worker\s+kept\s+/.source +
          /template of ClusterClass openstack-scs-1-35-v2, which stays/.source,
      ),
    );
    expect(r.stdout).toMatch(
      new RegExp(
        /AddonBundle\s+t-prune\s+openstack-scs-1-35-v2\s+kept\s+/.source +
          /addon bundle of ClusterClass openstack-scs-1-35-v2, which stays/.source,
      ),
    );
    expect(r.stdout).toMatch(/0 pruned, 7 kept/);
    expect((await kube.request('GET', `${CC}/namespaces/t-prune/clusterclasses/openstack-scs-1-35-v2`)).status).toBe(
      200,
    );

    // The Cluster moved to the new class: the old one and its templates go; the Cluster stays.
    const cluster = await kube.ok('GET', `${CC}/namespaces/t-prune/clusters/prod`);
    cluster.spec.topology.classRef.name = 'openstack-scs-1-36-v3';
    await kube.ok('PUT', `${CC}/namespaces/t-prune/clusters/prod`, cluster);
    const r2 = await apply(v136, '-n', 't-prune', '--prune');
    expect(r2.code).toBe(0);
    expect(r2.stdout).toMatch(/8 unchanged, 7 pruned, 0 kept/);
    expect((await kube.request('GET', `${CC}/namespaces/t-prune/clusterclasses/openstack-scs-1-35-v2`)).status).toBe(
      404,
    );
    expect(
      (
        await kube.request(
          'GET',
          '/apis/infrastructure.cluster.x-k8s.io/v1beta1/namespaces/t-prune/openstackmachinetemplates/' +
            'openstack-scs-1-35-v2-default-worker',
        )
      ).status,
    ).toBe(404);
    expect((await kube.request('GET', `${CC}/namespaces/t-prune/clusters/prod`)).status).toBe(200);
    expect((await kube.request('GET', `${CC}/namespaces/t-prune/clusterclasses/openstack-scs-1-36-v3`)).status).toBe(
      200,
    );
    const parent = await kube.ok('GET', '/api/v1/namespaces/t-prune/secrets/cskit-openstack-scs');
    expect(parent.metadata.annotations['applyset.kubernetes.io/contains-group-kinds']).not.toContain(
      'Cluster.cluster.x-k8s.io',
    );
  });

  test("SIGKILLed midway, re-run converges, then 0 changed; a later prune finds the killed run's objects", async () => {
    await namespace('t-kill');
    const objs = Array.from({ length: 400 }, (_, i) => cm(`cm-${String(i).padStart(3, '0')}`, { i: String(i) }));
    const file = writeYaml('kill/all.yaml', objs);
    let killedAt = -1;
    const count = async () =>
      (await kube.ok('GET', '/api/v1/namespaces/t-kill/configmaps?labelSelector=applyset.kubernetes.io%2Fpart-of'))
        .items.length;
    const killed = await cskit(['apply', '--kubeconfig', kc, file, '-n', 't-kill', '--concurrency', '1'], {
      onStart: (pid) => {
        const poll = setInterval(async () => {
          const n = await count().catch(() => 0);
          if (n >= 20) {
            clearInterval(poll);
            killedAt = n;
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              /* done already */
            }
          }
        }, 25);
      },
    });
    expect(killed.signal).toBe('SIGKILL');
    const partial = await count();
    expect(partial).toBeGreaterThanOrEqual(killedAt);
    expect(partial).toBeLessThan(400);
    const parent = await kube.ok('GET', '/api/v1/namespaces/t-kill/secrets/cskit');
    expect(parent.metadata.annotations['applyset.kubernetes.io/contains-group-kinds']).toBe('ConfigMap');

    const resumed = await apply(file, '-n', 't-kill');
    expect(resumed.code).toBe(0);
    const rep = resumed.stdout.split('\n').filter(Boolean).pop()!;
    expect(rep).toMatch(
      new RegExp(
        `400 objects, ${400 - partial} changed \\(${400 - partial} created, 0 configured\\), ${partial} unchanged`,
      ),
    );
    expect(await count()).toBe(400);
    expect((await apply(file, '-n', 't-kill')).stdout).toMatch(/400 objects, 0 changed/);

    const fewer = writeYaml('kill/fewer.yaml', objs.slice(100));
    const pruned = await apply(fewer, '-n', 't-kill', '--prune');
    expect(pruned.stdout).toMatch(
      /300 objects, 0 changed \(0 created, 0 configured\), 300 unchanged, 100 pruned, 0 kept/,
    );
    expect(await count()).toBe(300);
  }, 180_000);

  test("kubectl ApplySet interop: same id/kinds annotations; each refuses to take over the other's set", async () => {
    await namespace('t-kubectl');
    const dir = path.join(tmp, 'interop');
    writeYaml('interop/objs.yaml', [cm('one', { a: '1' }), cm('two', { b: '2' })]);
    fs.copyFileSync(path.join(dist, 'openstack-scs-1-36-v3', 'cluster-class.yaml'), path.join(dir, 'stack.yaml'));
    const env = { KUBECTL_APPLYSET: 'true' };
    const k = await kubectl(
      ['apply', '--server-side', '--prune', '--applyset=secret/by-kubectl', '-n', 't-kubectl', '-f', dir],
      env,
    );
    expect(k.stderr).toBe('');
    expect(k.code).toBe(0);
    const kParent = await kube.ok('GET', '/api/v1/namespaces/t-kubectl/secrets/by-kubectl');
    expect(kParent.metadata.labels['applyset.kubernetes.io/id']).toBe(applySetId('by-kubectl', 't-kubectl'));

    // The same objects in a set of ours (other names: an object belongs to one set).
    const ours = path.join(tmp, 'interop-ours');
    fs.mkdirSync(ours, { recursive: true });
    writeYaml('interop-ours/objs.yaml', [cm('three', { a: '1' })]);
    fs.copyFileSync(path.join(dist, 'openstack-scs-1-35-v2', 'cluster-class.yaml'), path.join(ours, 'stack.yaml'));
    expect((await apply(ours, '-n', 't-kubectl', '--applyset', 'by-cskit')).code).toBe(0);
    const cParent = await kube.ok('GET', '/api/v1/namespaces/t-kubectl/secrets/by-cskit');
    expect(cParent.metadata.annotations['applyset.kubernetes.io/contains-group-kinds']).toBe(
      kParent.metadata.annotations['applyset.kubernetes.io/contains-group-kinds'],
    );
    expect(cParent.metadata.annotations['applyset.kubernetes.io/additional-namespaces']).toBe(
      kParent.metadata.annotations['applyset.kubernetes.io/additional-namespaces'],
    );

    // kubectl finds our members by the id label and reads our parent as an ApplySet of tool "cskit".
    const ourId = applySetId('by-cskit', 't-kubectl');
    const members = await kubectl([
      'get',
      'configmaps,clusterclasses',
      '-n',
      't-kubectl',
      '-l',
      `applyset.kubernetes.io/part-of=${ourId}`,
      '-o',
      'name',
    ]);
    expect(members.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'clusterclass.cluster.x-k8s.io/openstack-scs-1-35-v2',
      'configmap/three',
    ]);
    const kOnOurs = await kubectl(
      ['apply', '--server-side', '--prune', '--applyset=secret/by-cskit', '-n', 't-kubectl', '-f', ours],
      env,
    );
    expect(kOnOurs.code).not.toBe(0);
    expect(kOnOurs.stderr).toContain('is managed by tooling "cskit" instead of "kubectl"');

    // And we refuse kubectl's set, as the KEP asks.
    const usOnTheirs = await apply(dir, '-n', 't-kubectl', '--applyset', 'by-kubectl', '--prune');
    expect(usOnTheirs.code).toBe(3);
    expect(usOnTheirs.stderr).toMatch(
      /ApplySet parent Secret t-kubectl\/by-kubectl is managed by kubectl\/v1\.\d+\.\d+, not by cskit/,
    );

    // kubectl's prune of its own set leaves our members alone (they carry our id).
    fs.rmSync(path.join(dir, 'stack.yaml'));
    const kPrune = await kubectl(
      ['apply', '--server-side', '--prune', '--applyset=secret/by-kubectl', '-n', 't-kubectl', '-f', dir],
      env,
    );
    expect(kPrune.code).toBe(0);
    expect(kPrune.stdout).toMatch(/clusterclass.cluster.x-k8s.io\/openstack-scs-1-36-v3 pruned/);
    expect((await kube.request('GET', `${CC}/namespaces/t-kubectl/clusterclasses/openstack-scs-1-35-v2`)).status).toBe(
      200,
    );
    expect((await apply(ours, '-n', 't-kubectl', '--applyset', 'by-cskit')).stdout).toMatch(/0 changed/);

    // Handing kubectl's set over to cskit: delete its parent (members stay), apply the same input under that name.
    await kube.ok('DELETE', '/api/v1/namespaces/t-kubectl/secrets/by-kubectl');
    const takeover = await apply(dir, '-n', 't-kubectl', '--applyset', 'by-kubectl');
    expect(takeover.code).toBe(0);
    expect(
      (await kube.ok('GET', '/api/v1/namespaces/t-kubectl/secrets/by-kubectl')).metadata.annotations[
        'applyset.kubernetes.io/tooling'
      ],
    ).toMatch(/^cskit\//);
    writeYaml('interop/objs.yaml', [cm('one', { a: '1' })]);
    const prunedByUs = await apply(dir, '-n', 't-kubectl', '--applyset', 'by-kubectl', '--prune');
    expect(prunedByUs.stdout).toMatch(/ConfigMap\s+t-kubectl\s+two\s+pruned/);
    expect((await kube.request('GET', '/api/v1/namespaces/t-kubectl/configmaps/two')).status).toBe(404);
  });

  test('--wait without a Cluster API controller times out with the ClusterClass state and a hint', async () => {
    await namespace('t-wait');
    const r = await apply(path.join(dist, 'openstack-scs-1-37-v2'), '-n', 't-wait', '--wait', '--timeout', '2s');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ClusterClass t-wait\/openstack-scs-1-37-v2: NOT reconciled/);
    expect(r.stdout).toMatch(
      new RegExp(
        /applied, but not reconciled after 2 s: status.observedGeneration unset, generation 1; /.source +
          /is the Cluster API controller running/.source,
      ),
    );
  });
});

test('an invalid path-segment name fails naming the rule, not "could not find the requested resource"', async () => {
  await namespace('t-badname');
  const f = writeYaml('badname/objects.yaml', [cm('good', { a: '1' }), cm('a/b', { a: '1' })]);
  const r = await apply(f, '-n', 't-badname');
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(
    `metadata.name "a/b" is invalid: may not contain '/' (Kubernetes names are path segments)`,
  );
  expect(r.stdout + r.stderr).not.toContain('could not find the requested resource');
  expect((await kube.request('GET', '/api/v1/namespaces/t-badname/configmaps/good')).status).toBe(200);
});
