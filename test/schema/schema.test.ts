import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bundledVersionData } from '../../src/k8s-versions/data';
import { parseLock } from '../../src/model/lock';
import { synthesize, writeStacks } from '../../src/synth/synth';
import { Located, StackInput, loadStacks } from '../../src/verify/static/load';
import { verifyStacks } from '../../src/verify/static/run';
import { schemaFindings } from '../../src/verify/static/schema-rules';
import { SchemaRegistry, sharedRegistry } from '../../src/schema/registry';
import { definitions } from '../../classes';
import { KObject } from '../../src/model/object';

// Our own synthesized stacks on disk, validated against the real schemas in the generated bundle.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-schema-'));
// the shared registry's compiled validators stay in the temp dir
process.env.CSKIT_SCHEMA_CACHE = path.join(dir, 'cache');
writeStacks(
  synthesize(parseLock(fs.readFileSync(path.join(__dirname, '../../stacks.lock.json'), 'utf8')), definitions).stacks,
  path.join(dir, 'dist'),
);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const stack = (name = 'openstack-scs-1-36-v3') => loadStacks([path.join(dir, 'dist', name)])[0];
// The tests corrupt these objects on purpose (wrong types, misspelt fields), which a typed view would refuse.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const find = (s: StackInput, kind: string, name?: string): any =>
  s.objects.find((o) => o.obj.kind === kind && (!name || o.obj.metadata?.name === name))!.obj;
const summary = (s: StackInput) =>
  schemaFindings([s]).map((f) => ({
    rule: f.rule,
    severity: f.severity,
    object: f.object,
    path: f.path,
    message: f.message,
  }));
const add = (s: StackInput, obj: KObject): void => {
  s.objects.push({ obj, file: 'extra.yaml', doc: s.objects.length + 1 });
};

test('every object of every shipped stack is valid against the real schema of its kind', () => {
  const all = loadStacks([path.join(dir, 'dist')]);
  expect(all).toHaveLength(6);
  const kinds = new Set(all.flatMap((s) => s.objects.map((o) => `${o.obj.apiVersion} ${o.obj.kind}`)));
  // the bundle knows every kind we ship: CAPI v1beta2, CAPO v1beta1, CAPD v1beta2 and the addons' built-in kinds
  for (const k of kinds) expect(sharedRegistry().has(k.split(' ')[0], k.split(' ')[1])).toBe(true);
  expect(kinds.has('cluster.x-k8s.io/v1beta2 ClusterClass') && kinds.has('apps/v1 Deployment')).toBe(true);
  expect(schemaFindings(all)).toEqual([]);
});

test("a stack folder's addon bundle is judged by our AddonBundle CRD schema: a bad phase, a misspelt field", () => {
  const s = stack();
  const bundle = find(s, 'AddonBundle');
  expect(bundle.spec.class).toBe('openstack-scs-1-36-v3');
  bundle.spec.addons[1].upgrade = 'Whenever';
  bundle.spec.addons[2].helthChecks = [];
  expect(summary(s)).toEqual([
    {
      rule: 'schema/invalid',
      severity: 'error',
      object: 'AddonBundle openstack-scs-1-36-v3',
      path: 'spec.addons[1].upgrade',
      message: expect.stringMatching(/^expected one of "BeforeClusterUpgrade", .*found string "Whenever"$/),
    },
    {
      rule: 'schema/unknown-field',
      severity: 'error',
      object: 'AddonBundle openstack-scs-1-36-v3',
      path: 'spec.addons[2].helthChecks',
      message: expect.any(String),
    },
  ]);
});

test('a wrong type names the exact path, the expected type and the value found', () => {
  const s = stack();
  find(s, 'ClusterClass').spec.workers.machineDeployments[0].class = 5;
  expect(summary(s)).toEqual([
    {
      rule: 'schema/invalid',
      severity: 'error',
      object: 'ClusterClass openstack-scs-1-36-v3',
      path: 'spec.workers.machineDeployments[0].class',
      message: 'expected string, found number 5',
    },
  ]);
});

test('a misspelt CRD field is schema/unknown-field (the apiserver would prune it silently), with a suggestion', () => {
  const s = stack();
  const omt = find(s, 'OpenStackMachineTemplate');
  omt.spec.template.spec.flavr = omt.spec.template.spec.flavor;
  const f = schemaFindings([s]);
  expect(f).toHaveLength(1);
  expect(f[0]).toMatchObject({
    rule: 'schema/unknown-field',
    severity: 'error',
    path: 'spec.template.spec.flavr',
    object: `OpenStackMachineTemplate ${omt.metadata.name}`,
  });
  expect(f[0].message).toMatch(/^expected one of the fields .*\bflavor\b.*, found unknown field "flavr"$/);
  expect(f[0].fix).toMatch(/^did you mean "flavor"\?/);
});

test('an unknown field of a built-in kind is found too (strict field validation rejects it)', () => {
  const s = stack();
  find(s, 'StorageClass', 'csi-cinder-sc-delete').parametrs = { type: 'ssd' };
  expect(summary(s)).toEqual([
    expect.objectContaining({
      rule: 'schema/unknown-field',
      path: 'parametrs',
      object: 'StorageClass csi-cinder-sc-delete',
    }),
  ]);
});

test('enum, required, pattern and format violations each name what was expected', () => {
  const s = stack();
  const kct = find(s, 'KubeadmConfigTemplate');
  kct.spec.template.spec.format = 'yaml';
  const dep = find(s, 'Deployment');
  delete dep.spec.template.spec.containers[0].name;
  const omt = find(s, 'OpenStackMachineTemplate');
  omt.spec.template.spec.rootVolume = { sizeGiB: 50, availabilityZone: { from: 'Name', name: 'nova zone' } };
  omt.spec.template.spec.image = { id: 'not-a-uuid' };
  const got = summary(s);
  expect(got).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        path: 'spec.template.spec.format',
        message: 'expected one of "cloud-config", "ignition", found string "yaml"',
      }),
      expect.objectContaining({
        path: 'spec.template.spec.containers[0].name',
        message: 'expected a value (required field), found nothing',
      }),
      expect.objectContaining({
        path: 'spec.template.spec.rootVolume.availabilityZone.name',
        message: 'expected a string matching ^[^ ]+$, found string "nova zone"',
      }),
      expect.objectContaining({
        path: 'spec.template.spec.image.id',
        message: 'expected format uuid, found string "not-a-uuid"',
      }),
    ]),
  );
  expect(got).toHaveLength(4);
  expect(new Set(got.map((f) => f.rule))).toEqual(new Set(['schema/invalid']));
});

test('int-or-string: integers and strings pass, anything else fails once with both forms named', () => {
  const s = stack();
  const dep = find(s, 'Deployment'); // built-in IntOrString
  dep.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } };
  const kcp = find(s, 'KubeadmControlPlaneTemplate'); // CRD x-kubernetes-int-or-string
  kcp.spec.template.spec.rollout = { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } };
  expect(summary(s)).toEqual([]);
  dep.spec.strategy.rollingUpdate.maxSurge = true;
  kcp.spec.template.spec.rollout.strategy.rollingUpdate.maxSurge = 1.5;
  const got = summary(s);
  expect(got).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        path: 'spec.template.spec.rollout.strategy.rollingUpdate.maxSurge',
        message: 'expected integer or string, found number 1.5',
      }),
      expect.objectContaining({
        path: 'spec.strategy.rollingUpdate.maxSurge',
        message: 'expected integer or string, found boolean true',
      }),
    ]),
  );
  expect(got).toHaveLength(2);
});

test('preserve-unknown-fields keeps any content (a variable default), closed objects around it stay closed', () => {
  const s = stack();
  const cc = find(s, 'ClusterClass');
  const v = cc.spec.variables[0];
  v.schema.openAPIV3Schema.default = { any: { nested: [1, 'two', { three: true }] } };
  v.schema.openAPIV3Schema.type = 'object';
  v.schema.openAPIV3Schema.x_typo = 1;
  expect(summary(s)).toEqual([
    expect.objectContaining({ rule: 'schema/unknown-field', path: 'spec.variables[0].schema.openAPIV3Schema.x_typo' }),
  ]);
});

test('null is "unset" as in the apiserver: creationTimestamp: null passes, a required field set to null fails', () => {
  const s = stack();
  const dep = find(s, 'Deployment');
  dep.metadata.creationTimestamp = null;
  dep.spec.paused = null;
  expect(summary(s)).toEqual([]);
  dep.spec.template.spec.containers[0].name = null;
  expect(summary(s)).toEqual([
    expect.objectContaining({
      path: 'spec.template.spec.containers[0].name',
      message: 'expected a value (required field), found nothing',
    }),
  ]);
});

test('list-type map keys must be unique (two container ports 80/TCP)', () => {
  const s = stack();
  const dep = find(s, 'Deployment');
  dep.spec.template.spec.containers[0].ports = [
    { containerPort: 80, protocol: 'TCP' },
    { containerPort: 81 },
    { containerPort: 80, protocol: 'TCP' },
  ];
  expect(summary(s)).toEqual([
    expect.objectContaining({
      path: 'spec.template.spec.containers[0].ports[2]',
      message: 'expected unique containerPort+protocol in the list, found [80,"TCP"] again (first at [0])',
    }),
  ]);
});

test('keys that are not identifiers are quoted in the path', () => {
  const s = stack();
  find(s, 'StorageClass', 'csi-cinder-sc-delete').metadata.annotations['example.com/size'] = 3;
  expect(summary(s)).toEqual([
    expect.objectContaining({
      path: 'metadata.annotations["example.com/size"]',
      message: 'expected string, found number 3',
    }),
  ]);
});

test('an unknown kind is a warning naming the versions the bundle knows, never silence', () => {
  const s = stack();
  add(s, { apiVersion: 'cluster.x-k8s.io/v1beta3', kind: 'ClusterClass', metadata: { name: 'x' }, spec: {} });
  add(s, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
  add(s, { kind: 'ConfigMap', metadata: { name: 'no-api-version' } });
  expect(summary(s)).toEqual([
    {
      rule: 'schema/unknown-kind',
      severity: 'warning',
      object: 'ClusterClass x',
      path: undefined,
      message:
        'no schema for cluster.x-k8s.io/v1beta3 ClusterClass, so it is not validated; ' +
        'known: cluster.x-k8s.io/v1beta1, cluster.x-k8s.io/v1beta2',
    },
    {
      rule: 'schema/unknown-kind',
      severity: 'warning',
      object: 'Widget w',
      path: undefined,
      message: 'no schema for example.com/v1 Widget, so it is not validated',
    },
    expect.objectContaining({
      rule: 'schema/invalid',
      severity: 'error',
      object: 'ConfigMap no-api-version',
      path: 'apiVersion',
      message: expect.stringMatching(/, found nothing$/),
    }),
  ]);
});

test('the v1beta1 schemas are used for v1beta1 objects (served by CAPI v1.13 too)', () => {
  const s = stack();
  add(s, {
    apiVersion: 'cluster.x-k8s.io/v1beta1',
    kind: 'ClusterClass',
    metadata: { name: 'old' },
    spec: {
      infrastructure: {
        ref: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'OpenStackClusterTemplate', name: 'x' },
      },
    },
  });
  expect(summary(s)).toEqual([]);
  s.objects[s.objects.length - 1].obj.spec.infrastructure.templateRef = { name: 'v1beta2-style' };
  expect(summary(s)).toEqual([
    expect.objectContaining({
      rule: 'schema/unknown-field',
      object: 'ClusterClass old',
      path: 'spec.infrastructure.templateRef',
    }),
  ]);
});

test('a CRD in the stack validates its custom objects (closed, preserve-unknown-fields, embedded resources)', () => {
  const s = stack();
  add(s, {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { kind: 'Widget', plural: 'widgets' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    size: { type: 'integer', format: 'int32' },
                    extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                    template: {
                      type: 'object',
                      'x-kubernetes-embedded-resource': true,
                      'x-kubernetes-preserve-unknown-fields': true,
                    },
                  },
                },
              },
            },
          },
        },
      ],
    },
  });
  add(s, {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'ok' },
    spec: { size: 3, extra: { a: { b: 1 } }, template: { apiVersion: 'v1', kind: 'Pod', spec: {} } },
  });
  expect(summary(s)).toEqual([]);
  add(s, {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'bad' },
    spec: { size: 2 ** 40, colour: 'red', template: { apiVersion: 'v1' } },
  });
  const got = summary(s);
  expect(got).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ object: 'Widget bad', path: 'spec.colour', rule: 'schema/unknown-field' }),
      expect.objectContaining({
        object: 'Widget bad',
        path: 'spec.size',
        message: `expected format int32, found number ${2 ** 40}`,
      }),
      expect.objectContaining({
        object: 'Widget bad',
        path: 'spec.template.kind',
        message: 'expected a value (required field), found nothing',
      }),
    ]),
  );
  expect(got).toHaveLength(3);
});

test('loose YAML shared by two ClusterClasses is judged once; --rules selects or skips schema rules', () => {
  const s = stack();
  find(s, 'StorageClass', 'csi-cinder-sc-delete').parametrs = {};
  const twin: StackInput = { name: 'twin', objects: s.objects };
  expect(schemaFindings([s, twin])).toHaveLength(1);
  const opts = { at: new Date('2026-11-29'), data: bundledVersionData() };
  expect(verifyStacks([s], { ...opts, rules: ['capi/'] }).filter((f) => f.rule.startsWith('schema/'))).toEqual([]);
  expect(verifyStacks([s], { ...opts, rules: ['schema/'] }).map((f) => f.rule)).toEqual(['schema/unknown-field']);
  expect(
    verifyStacks([s], opts)
      .filter((f) => f.rule.startsWith('schema/'))
      .map((f) => f.path),
  ).toEqual(['parametrs']);
});

test('one broken object reports at most 10 problems', () => {
  const s = stack();
  const sc: Located = s.objects.find((o) => o.obj.kind === 'StorageClass')!;
  for (let i = 0; i < 30; i++) sc.obj[`field${i}`] = i;
  expect(schemaFindings([s])).toHaveLength(10);
});

test('validators are cached on disk, later registries load them, judge the same, a broken cache is recompiled', () => {
  const cache = path.join(dir, 'cache-test');
  const s = stack();
  const cc = find(s, 'ClusterClass');
  cc.spec.workers.machineDeployments[0].class = 5;
  find(s, 'Deployment').spec.template.spec.containers[0].ports = [{ containerPort: 80 }, { containerPort: 80 }];
  const fresh = new SchemaRegistry(undefined, cache);
  const expected = schemaFindings([s], [], fresh);
  expect(expected.map((f) => f.path)).toEqual(
    expect.arrayContaining(['spec.workers.machineDeployments[0].class', 'spec.template.spec.containers[0].ports[1]']),
  );
  expect(fresh.validator('apps/v1', 'Deployment')!.source).toBeDefined(); // compiled here
  const [sub] = fs.readdirSync(cache);
  expect(fs.readdirSync(path.join(cache, sub))).toEqual(
    expect.arrayContaining(['apps_v1_Deployment.js', 'cluster.x-k8s.io_v1beta2_ClusterClass.js']),
  );

  const warm = new SchemaRegistry(undefined, cache);
  expect(schemaFindings([s], [], warm)).toEqual(expected);
  expect(warm.validator('apps/v1', 'Deployment')!.source).toBeUndefined(); // loaded from the cache

  fs.writeFileSync(path.join(cache, sub, 'apps_v1_Deployment.js'), 'this is not a validator');
  expect(schemaFindings([s], [], new SchemaRegistry(undefined, cache))).toEqual(expected);
  // rewritten
  expect(fs.readFileSync(path.join(cache, sub, 'apps_v1_Deployment.js'), 'utf8')).toMatch(/^"use strict";/);
  const uncached = new SchemaRegistry(undefined, null);
  expect(schemaFindings([s], [], uncached)).toEqual(expected);
  expect(uncached.validator('apps/v1', 'Deployment')!.source).toBeDefined();
});

test('validators the build precompiles (compileAll to the shipped dir) are loaded, not compiled, at first run', () => {
  const shipped = path.join(dir, 'shipped');
  const n = new SchemaRegistry(undefined, shipped, null).compileAll();
  const bundle = new SchemaRegistry(undefined, null, null).bundle;
  expect(n).toBeGreaterThan(Object.keys(bundle.kinds).length); // built-in kinds once per bundled minor
  const s = stack();
  find(s, 'ClusterClass').spec.workers.machineDeployments[0].class = 5;
  const firstRun = new SchemaRegistry(undefined, path.join(dir, 'empty-user-cache'), shipped);
  expect(schemaFindings([s], [], firstRun).map((f) => f.path)).toContain('spec.workers.machineDeployments[0].class');
  for (const [v, k] of [
    ['apps/v1', 'Deployment'],
    ['cluster.x-k8s.io/v1beta2', 'ClusterClass'],
  ]) {
    expect(firstRun.validator(v, k)!.source).toBeUndefined(); // loaded from the shipped code
  }
  expect(fs.existsSync(path.join(dir, 'empty-user-cache'))).toBe(false); // nothing compiled, so nothing written
});

test('the bundle is generated data from the current pins (re-run scripts/import-schemas.ts after moving one)', () => {
  const bundle = sharedRegistry().bundle;
  const root = path.join(__dirname, '../..');
  const crdPins = fs.readFileSync(path.join(root, 'scripts/import-crds.sh'), 'utf8');
  const pin = (name: string) => new RegExp(`^${name}=(\\S+)`, 'm').exec(crdPins)![1];
  expect(JSON.parse(fs.readFileSync(path.join(root, 'src/schema/bundle.json'), 'utf8')).comment).toMatch(
    /^GENERATED by scripts\/import-schemas\.ts/,
  );
  expect(bundle.sources).toEqual({
    'k8s.io/kubernetes': /^require k8s\.io\/kubernetes (\S+)/m.exec(
      fs.readFileSync(path.join(root, 'testenv/k8s/go.mod'), 'utf8'),
    )![1],
    'sigs.k8s.io/cluster-api': pin('CAPI_VERSION'),
    'sigs.k8s.io/cluster-api/test': pin('CAPD_VERSION'),
    'sigs.k8s.io/cluster-api-provider-openstack': pin('CAPO_VERSION'),
    'github.com/cert-manager/cert-manager': pin('CERT_MANAGER_VERSION'),
  });
  // both served CAPI versions, and only validation keywords (descriptions dropped)
  expect(Object.keys(bundle.kinds)).toEqual(
    expect.arrayContaining([
      'cluster.x-k8s.io/v1beta2/ClusterClass',
      'cluster.x-k8s.io/v1beta1/ClusterClass',
      'apps/v1/Deployment',
    ]),
  );
  expect(JSON.stringify(bundle).includes('Deployment enables declarative updates')).toBe(false);
});

test('an unknown field among many allowed ones lists 15 of them and names the closest in the fix', () => {
  const s = stack();
  find(s, 'Deployment').spec.template.spec.serviceAcountName = 'x';
  const [f] = schemaFindings([s]);
  expect(f).toMatchObject({
    rule: 'schema/unknown-field',
    path: 'spec.template.spec.serviceAcountName',
    fix: expect.stringMatching(/^did you mean "serviceAccountName"\?/),
  });
  expect(f.message).toMatch(
    new RegExp(
      /^expected one of the fields activeDeadlineSeconds, affinity, .* … /.source +
        /\(\d+ more\), found unknown field "serviceAcountName"$/.source,
    ),
  );
});

test('a CRD shipped by many stacks is compiled once (validators keyed by the schema content)', () => {
  const crd = (description: string) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gadgets.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Gadget' },
      versions: [{ name: 'v1', served: true, schema: { openAPIV3Schema: { type: 'object', description } } }],
    },
  });
  const reg = new SchemaRegistry(undefined, null);
  const a = reg.compileCrd(crd('same')).get('example.com/v1/Gadget');
  expect(typeof a).toBe('function');
  expect(reg.compileCrd(JSON.parse(JSON.stringify(crd('same')))).get('example.com/v1/Gadget')).toBe(a);
  expect(reg.compileCrd(crd('changed')).get('example.com/v1/Gadget')).not.toBe(a);
});

test("built-in kinds are judged by the schema of the stack's Kubernetes minor", () => {
  const reg = sharedRegistry();
  expect(reg.bundle.kubernetesMinors).toEqual({ '1.36': 'v1.36.4', '1.35': 'v1.35.4', '1.34': 'v1.34.11' });
  expect(reg.kubernetesSchema('v1.34.11')).toEqual({ minor: '1.34', version: 'v1.34.11', newest: false });
  expect(reg.kubernetesSchema('1.35.2')).toMatchObject({ minor: '1.35', newest: false });
  expect(reg.kubernetesSchema('v1.37.0')).toMatchObject({ minor: '1.36', newest: true }); // newer: the newest we have
  expect(reg.kubernetesSchema('v1.30.1')).toMatchObject({ minor: '1.34' }); // older: the oldest we have
  expect(reg.kubernetesSchema()).toMatchObject({ minor: '1.36', newest: true });
  // PodSpec changed between 1.34 and 1.36: different validators; ConfigMap did not: one shared validator
  expect(reg.validator('apps/v1', 'Deployment', 'v1.34.11')).not.toBe(
    reg.validator('apps/v1', 'Deployment', 'v1.36.4'),
  );
  expect(reg.validator('v1', 'ConfigMap', 'v1.34.11')).toBe(reg.validator('v1', 'ConfigMap', 'v1.36.4'));

  // a field the 1.36 PodSpec has and the 1.34 one does not: fine in the 1.36 stack, unknown in the 1.34 stack
  const v134 = reg.bundle.definitions['io.k8s.api.core.v1.PodSpec@1.34'].properties;
  const newer = Object.keys(reg.bundle.definitions['io.k8s.api.core.v1.PodSpec'].properties).find((f) => !(f in v134))!;
  expect(newer).toBeDefined();
  const withField = (name: string, kubernetes?: string) => {
    const s = stack(name);
    if (kubernetes) s.metadata!.versions!.kubernetes = kubernetes; // 1.34 is no longer shipped: relabel a stack
    find(s, 'Deployment').spec.template.spec[newer] = {};
    return schemaFindings([s]).filter((f) => f.path === `spec.template.spec.${newer}`);
  };
  expect(withField('openstack-scs-1-36-v3').filter((f) => f.rule === 'schema/unknown-field')).toEqual([]);
  expect(withField('openstack-scs-1-35-v2', 'v1.34.11')).toEqual([
    expect.objectContaining({
      rule: 'schema/unknown-field',
      message: expect.stringMatching(
        new RegExp(`found unknown field "${newer}" \\(Kubernetes v1\\.34\\.11 schema\\)$`),
      ),
    }),
  ]);
});

test('a shipped CRD whose schema does not compile leaves its objects unvalidated with a warning, never a crash', () => {
  const s = stack();
  add(s, {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'broken.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { kind: 'Broken', plural: 'brokens' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'no-such-type' } } }],
    },
  });
  add(s, { apiVersion: 'example.com/v1', kind: 'Broken', metadata: { name: 'b' } });
  expect(summary(s)).toEqual([
    expect.objectContaining({
      rule: 'schema/unknown-kind',
      severity: 'warning',
      object: 'Broken b',
      message: expect.stringMatching(
        /^the schema of example\.com\/v1 Broken cannot be used \(.+\), so it is not validated$/,
      ),
    }),
  ]);
});
