import { PART_OF_LABEL, applySetId } from '../../src/apply/applyset';
import { ApplyAbort } from '../../src/apply/errors';
import { ApplyRunOptions, runApply } from '../../src/apply/run';
import { ApiStatusError } from '../../src/kube/apply-types';
import { FakeClient, R } from './support/fake-client';
import { configMap, manifests, stack } from './support/fixtures';

const opts: ApplyRunOptions = {
  namespace: 'default',
  applySet: 'cskit-docker-scs',
  tooling: 'cskit/0.1.0',
  pollMs: 1,
  sleep: async () => undefined,
};
const ID = applySetId('cskit-docker-scs', 'default');

function fresh(): FakeClient {
  const c = new FakeClient();
  c.put(R.namespace, { metadata: { name: 'default' } });
  return c;
}

describe('runApply', () => {
  test('first apply creates every object in level order, labelled, after the ApplySet parent', async () => {
    const c = fresh();
    const r = await runApply(c, manifests([...stack(), configMap('extra')]), opts);
    expect(r.ok).toBe(true);
    expect(r.counts).toMatchObject({ created: 4, configured: 0, unchanged: 0 });
    expect(r.changed).toBe(4);
    const applies = c.calls.filter((x) => x.verb === 'apply' && !x.dryRun).map((x) => x.key.split('/')[0]);
    expect(applies[0]).toBe('Secret.');
    expect(applies[applies.length - 1]).toBe('ClusterClass.cluster.x-k8s.io');
    const cc = await c.get(R.clusterClass, 'docker-scs-1-36-v1', 'default');
    expect(cc!.metadata!.labels![PART_OF_LABEL]).toBe(ID);
    const parent = await c.get(R.secret, 'cskit-docker-scs', 'default');
    expect(parent!.metadata!.annotations!['applyset.kubernetes.io/contains-group-kinds']).toBe(
      'ClusterClass.cluster.x-k8s.io,ConfigMap,DockerClusterTemplate.infrastructure.cluster.x-k8s.io,' +
        'KubeadmControlPlaneTemplate.controlplane.cluster.x-k8s.io',
    );
    expect(parent!.metadata!.annotations!['applyset.kubernetes.io/tooling']).toBe('cskit/0.1.0');
  });

  test('the second apply of the same input writes nothing and reports 0 changed', async () => {
    const c = fresh();
    await runApply(c, manifests(stack()), opts);
    const before = c.writes;
    const r = await runApply(c, manifests(stack()), opts);
    expect(c.writes).toBe(before);
    expect(r.changed).toBe(0);
    expect(r.counts.unchanged).toBe(3);
  });

  test('dry-run-first sends only the changed objects', async () => {
    const c = fresh();
    await runApply(c, manifests([...stack(), configMap('a'), configMap('b')]), opts);
    c.calls.length = 0;
    const r = await runApply(c, manifests([...stack(), configMap('a', { a: '2' }), configMap('b')]), {
      ...opts,
      strategy: 'dry-run-first',
    });
    expect(r.counts).toMatchObject({ configured: 1, unchanged: 4 });
    expect(c.calls.filter((x) => x.verb === 'apply' && !x.dryRun).map((x) => x.key)).toEqual([
      'Secret./default/cskit-docker-scs',
      'ConfigMap./default/a',
    ]);
  });

  test('released classes the server finds unchanged are not resent, unless another manager applied them', async () => {
    const c = fresh();
    await runApply(c, manifests(stack()), opts);
    c.calls.length = 0;
    const r = await runApply(c, manifests(stack()), opts);
    expect(r.counts.unchanged).toBe(3);
    expect(c.calls.filter((x) => x.verb === 'apply' && !x.dryRun).map((x) => x.key)).toEqual([
      'Secret./default/cskit-docker-scs',
    ]);
    // Same content, but applied by someone else: cskit applies once to become a manager of its fields.
    const d = fresh();
    await runApply(d, manifests(stack()), { ...opts, applySet: 'other' });
    for (const [, v] of d.store)
      if (v.metadata?.labels) v.metadata.managedFields = [{ manager: 'kubectl', operation: 'Apply' }];
    d.calls.length = 0;
    await runApply(d, manifests(stack()), { ...opts, applySet: 'other' });
    expect(d.calls.filter((x) => x.verb === 'apply' && !x.dryRun)).toHaveLength(4);
  });

  test('a server dry run changes nothing and says what would change, with diffs', async () => {
    const c = fresh();
    await runApply(c, manifests([configMap('a')]), opts);
    const before = c.writes;
    const r = await runApply(c, manifests([configMap('a', { a: '2' }), configMap('b')]), { ...opts, diff: true });
    expect(c.writes).toBe(before);
    expect(r.dryRun).toBe(true);
    expect(r.objects.map((o) => [o.name, o.action])).toEqual([
      ['a', 'configured'],
      ['b', 'created'],
    ]);
    expect(r.objects[0].diff).toContain('-  a: "1"\n+  a: "2"');
    expect(r.objects[1].diff).toMatch(/^\+kind: ConfigMap$/m);
  });

  test('prune deletes members that left the input, and the parent shrinks to what is left', async () => {
    const c = fresh();
    await runApply(c, manifests([configMap('a'), configMap('b'), ...stack()]), opts);
    const r = await runApply(c, manifests([configMap('a')]), { ...opts, prune: true });
    expect(
      r.objects
        .filter((o) => o.action === 'pruned')
        .map((o) => o.key)
        .sort(),
    ).toEqual([
      'ClusterClass.cluster.x-k8s.io default/docker-scs-1-36-v1',
      'ConfigMap default/b',
      'DockerClusterTemplate.infrastructure.cluster.x-k8s.io default/docker-scs-1-36-v1-cluster',
      'KubeadmControlPlaneTemplate.controlplane.cluster.x-k8s.io default/docker-scs-1-36-v1-control-plane',
    ]);
    expect(await c.get(R.configMap, 'b', 'default')).toBeUndefined();
    expect(await c.get(R.configMap, 'a', 'default')).toBeDefined();
    const parent = await c.get(R.secret, 'cskit-docker-scs', 'default');
    expect(parent!.metadata!.annotations!['applyset.kubernetes.io/contains-group-kinds']).toBe('ConfigMap');
  });

  test('prune keeps a ClusterClass a Cluster uses and its templates, and never deletes Clusters', async () => {
    const c = fresh();
    const prod = {
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Cluster',
      metadata: { name: 'prod' },
      spec: { topology: { classRef: { name: 'docker-scs-1-36-v1' } } },
    };
    await runApply(c, manifests([...stack('docker-scs-1-36-v1'), ...stack('docker-scs-1-36-v2'), prod]), opts);
    const r = await runApply(c, manifests(stack('docker-scs-1-36-v3')), { ...opts, prune: true });
    const by = (a: string) =>
      r.objects
        .filter((o) => o.action === a)
        .map((o) => `${o.kind}/${o.name}`)
        .sort();
    expect(by('kept')).toEqual([
      'Cluster/prod',
      'ClusterClass/docker-scs-1-36-v1',
      'DockerClusterTemplate/docker-scs-1-36-v1-cluster',
      'KubeadmControlPlaneTemplate/docker-scs-1-36-v1-control-plane',
    ]);
    expect(by('pruned')).toEqual([
      'ClusterClass/docker-scs-1-36-v2',
      'DockerClusterTemplate/docker-scs-1-36-v2-cluster',
      'KubeadmControlPlaneTemplate/docker-scs-1-36-v2-control-plane',
    ]);
    expect(r.objects.find((o) => o.name === 'docker-scs-1-36-v1' && o.kind === 'ClusterClass')!.message).toBe(
      'still used by Cluster default/prod',
    );
    expect(await c.get(R.cluster, 'prod', 'default')).toBeDefined();
    // Kept kinds stay in the inventory, so a later prune still finds them.
    const parent = await c.get(R.secret, 'cskit-docker-scs', 'default');
    expect(parent!.metadata!.annotations!['applyset.kubernetes.io/contains-group-kinds']).toContain(
      'Cluster.cluster.x-k8s.io',
    );
  });

  test('prune in a dry run deletes nothing', async () => {
    const c = fresh();
    await runApply(c, manifests([configMap('a'), configMap('b')]), opts);
    const r = await runApply(c, manifests([configMap('a')]), { ...opts, prune: true, dryRun: true });
    expect(r.objects.find((o) => o.name === 'b')).toMatchObject({ action: 'pruned', message: 'would be pruned' });
    expect(await c.get(R.configMap, 'b', 'default')).toBeDefined();
  });

  test('a released ClusterClass with a different live spec is refused before anything is written', async () => {
    const c = fresh();
    await runApply(c, manifests(stack()), opts);
    const before = c.writes;
    const changed = stack('docker-scs-1-36-v1', {
      variables: [{ name: 'x', required: false, schema: { openAPIV3Schema: { type: 'string' } } }],
    });
    const err = await runApply(c, manifests([...changed, configMap('new')]), opts).catch((e) => e);
    expect(err).toBeInstanceOf(ApplyAbort);
    expect(err.message).toMatch(
      /ClusterClass.cluster.x-k8s.io default\/docker-scs-1-36-v1 \(in.yaml#3\) exists with a different spec/,
    );
    expect(err.message).toMatch(/\n {4}\+ {2}variables:\n {4}\+ {4}- name: x\n/);
    expect(err.message).toMatch(/bump the stack version instead/i);
    expect(c.writes).toBe(before);
    expect(await c.get(R.configMap, 'new', 'default')).toBeUndefined();
  });

  test('a changed template of a released class is refused too; other objects may change', async () => {
    const c = fresh();
    await runApply(c, manifests([...stack(), configMap('a')]), opts);
    const objs = stack();
    objs[0].spec = { template: { spec: { loadBalancer: { imageRepository: 'x' } } } };
    await expect(runApply(c, manifests(objs), opts)).rejects.toThrow(
      /DockerClusterTemplate.* exists with a different spec/,
    );
    const r = await runApply(c, manifests([...stack(), configMap('a', { a: '2' })]), opts);
    expect(r.counts.configured).toBe(1);
  });

  test('a conflict names the other field manager; --force-conflicts takes over', async () => {
    const c = fresh();
    c.put(R.configMap, {
      metadata: { name: 'a', namespace: 'default', owner: 'kubectl-edit' },
      data: { a: '0' },
    });
    const r = await runApply(c, manifests([configMap('a')]), opts);
    expect(r.ok).toBe(false);
    expect(r.objects[0].message).toBe(
      'conflict: field .data.a is owned by field manager "kubectl-edit"; re-run with --force-conflicts to take ' +
        'them over (the other tool may set them back), or leave these fields out of the input',
    );
    const f = await runApply(c, manifests([configMap('a')]), { ...opts, force: true });
    expect(f.objects[0].action).toBe('configured');
  });

  test('a failed level stops the later ones (no ClusterClass without its templates)', async () => {
    const c = fresh();
    c.beforeApply = (o) => {
      if (o.kind === 'DockerClusterTemplate')
        throw new ApiStatusError('invalid', 'applying DockerClusterTemplate: invalid', 422, 'Invalid', [
          { field: 'spec.template.spec.loadBalancer', message: 'Invalid value' },
        ]);
    };
    const r = await runApply(c, manifests(stack()), opts);
    expect(r.ok).toBe(false);
    expect(r.objects.find((o) => o.kind === 'DockerClusterTemplate')!.message).toContain(
      'spec.template.spec.loadBalancer: Invalid value',
    );
    expect(r.objects.find((o) => o.kind === 'ClusterClass')).toMatchObject({ action: 'skipped' });
    expect(await c.get(R.clusterClass, 'docker-scs-1-36-v1', 'default')).toBeUndefined();
  });

  test('killed half-way and re-run: converges, and a prune after the resume finds every member', async () => {
    const c = fresh();
    const objs = Array.from({ length: 20 }, (_, i) => configMap(`cm-${i}`));
    let n = 0;
    c.beforeApply = (o) => {
      if (o.kind === 'ConfigMap' && ++n > 7) throw new Error('killed');
    };
    await runApply(c, manifests(objs), { ...opts, concurrency: 1 });
    expect((await c.list(R.configMap, { namespace: 'default' })).length).toBe(7);
    c.beforeApply = undefined;
    const r = await runApply(c, manifests(objs.slice(5)), { ...opts, prune: true });
    expect(r.ok).toBe(true);
    expect(r.counts).toMatchObject({ created: 13, unchanged: 2, pruned: 5 });
    const again = await runApply(c, manifests(objs.slice(5)), { ...opts, prune: true });
    expect(again.changed).toBe(0);
  });

  test('preflight: Cluster API missing or at the wrong version is named first, nothing is written', async () => {
    const c = fresh();
    c.resources = c.resources.filter((r) => r.group !== 'cluster.x-k8s.io');
    await expect(runApply(c, manifests(stack()), opts)).rejects.toThrow(
      new RegExp(
        /^Cluster API ≥ 1.11 not installed on this cluster: /.source +
          /the API group cluster.x-k8s.io is not served by https:\/\/fake:6443/.source,
      ),
    );
    c.resources.push({ ...R.clusterClass, version: 'v1beta1' });
    await expect(runApply(c, manifests(stack()), opts)).rejects.toThrow(
      /cluster.x-k8s.io serves v1beta1 but in.yaml#3 uses v1beta2; upgrade Cluster API to ≥ 1.11/,
    );
    expect(c.writes).toBe(0);
  });

  test('an ApplySet parent of another tool is refused', async () => {
    const c = fresh();
    c.put(R.secret, {
      metadata: {
        name: 'cskit-docker-scs',
        namespace: 'default',
        labels: { 'applyset.kubernetes.io/id': ID },
        annotations: { 'applyset.kubernetes.io/tooling': 'kubectl/v1.36.4' },
      },
    });
    await expect(runApply(c, manifests([configMap('a')]), opts)).rejects.toThrow(
      /managed by kubectl\/v1.36.4, not by cskit/,
    );
  });

  test('a missing target namespace is a clear error unless the input creates it (then it goes first)', async () => {
    const c = new FakeClient();
    await expect(runApply(c, manifests([configMap('a')]), { ...opts, namespace: 'stacks' })).rejects.toThrow(
      /namespace "stacks" does not exist.*--namespace/,
    );
    const r = await runApply(
      c,
      manifests([configMap('a'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'stacks' } }]),
      { ...opts, namespace: 'stacks' },
    );
    expect(r.ok).toBe(true);
    expect(
      c.calls
        .filter((x) => x.verb === 'apply')
        .map((x) => x.key.split('/')[0])
        .slice(0, 2),
    ).toEqual(['Namespace.', 'Secret.']);
  });

  test('--wait polls each ClusterClass to observedGeneration and VariablesReady, reports its conditions', async () => {
    const c = fresh();
    let polls = 0;
    c.onGet = (o) => {
      if (o?.kind !== 'ClusterClass' || ++polls < 3) return;
      o.status = {
        observedGeneration: o.metadata!.generation,
        conditions: [
          { type: 'VariablesReady', status: 'True', reason: 'VariablesReady' },
          { type: 'Paused', status: 'False' },
        ],
      };
    };
    const r = await runApply(c, manifests(stack()), { ...opts, wait: true });
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(r.classes).toEqual([
      {
        name: 'docker-scs-1-36-v1',
        namespace: 'default',
        reconciled: true,
        conditions: [
          { type: 'VariablesReady', status: 'True', reason: 'VariablesReady' },
          { type: 'Paused', status: 'False' },
        ],
      },
    ]);
  });

  test('--wait that times out fails with the conditions that are not True', async () => {
    const c = fresh();
    c.onGet = (o) => {
      if (o?.kind === 'ClusterClass')
        o.status = {
          observedGeneration: 1,
          conditions: [{ type: 'VariablesReady', status: 'False', message: 'variable x: invalid' }],
        };
    };
    const r = await runApply(c, manifests(stack()), { ...opts, wait: true, timeoutMs: 20 });
    expect(r.ok).toBe(false);
    expect(r.objects.find((o) => o.kind === 'ClusterClass')!.message).toMatch(
      /not reconciled after 0 s: VariablesReady=False \(variable x: invalid\)/,
    );
  });

  test('CRDs go first and are waited for; kinds they define are planned from the input', async () => {
    const c = fresh();
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets' },
        versions: [{ name: 'v1', served: true, storage: true }],
      },
    };
    let established = 0;
    c.onGet = (o) => {
      if (o?.kind === 'CustomResourceDefinition' && ++established >= 2)
        o.status = { conditions: [{ type: 'Established', status: 'True' }] };
    };
    const r = await runApply(
      c,
      manifests([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, crd]),
      opts,
    );
    expect(r.ok).toBe(true);
    expect(r.objects.map((o) => o.kind)).toEqual(['CustomResourceDefinition', 'Widget']);
    expect(established).toBeGreaterThanOrEqual(2);
  });
});
