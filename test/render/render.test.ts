import { Yaml } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { AddonInput } from '../../src/model/addon';
import { KObject } from '../../src/model/object';
import { RenderContext } from '../../src/render/context';
import { AddonRenderError, renderAddonObjects } from '../../src/render/render';

const inputs: AddonInput[] = [
  { path: 'cluster.name', type: 'string', description: 'name' },
  { path: 'variables.networkMTU', type: 'integer', description: 'MTU' },
  { path: 'variables.debug', type: 'boolean', description: 'debug' },
];
const ctx = (
  name: string,
  variables: Record<string, unknown> = { networkMTU: 1450, debug: 'true' },
): RenderContext => ({
  cluster: { name, namespace: 'ns', labels: {}, annotations: {} },
  variables,
});
const objects = () => [
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cfg', namespace: 'kube-system' },
    data: {
      'cluster-name': '{{cluster.name}}',
      mtu: 'mtu={{variables.networkMTU}}',
      '{{cluster.name}}': 'keys are never rendered',
    },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'kube-system' },
    spec: {
      replicas: 1,
      template: {
        spec: {
          containers: [
            {
              name: 'c',
              args: ['--cluster={{cluster.name}}'],
              mtu: '{{variables.networkMTU}}',
              debug: '{{variables.debug}}',
            },
          ],
        },
      },
    },
  },
];

/** Round trip through YAML text (what users apply): the object set and every key path must not change. */
const reparse = (objs: unknown[]) => parseAllDocuments(Yaml.stringify(...objs)).map((d) => d.toJS() as KObject);
const shape = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(shape)
    : v && typeof v === 'object'
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]))
      : typeof v;

test('renders string leaves only, keeps keys, coerces a whole-leaf expression by declared type', () => {
  const [cm, dep] = renderAddonObjects('demo', inputs, objects(), ctx('prod-1')) as KObject[];
  expect(cm.data).toEqual({ 'cluster-name': 'prod-1', mtu: 'mtu=1450', '{{cluster.name}}': 'keys are never rendered' });
  const c = dep.spec.template.spec.containers[0];
  expect(c.args).toEqual(['--cluster=prod-1']);
  expect(c.mtu).toBe(1450);
  expect(c.debug).toBe(true);
});

const hostile = [
  'a: b',
  'line1\nline2: x\n- item',
  'x\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: evil',
  '{{variables.secret}}',
  '"quoted" \'single\'',
  'ünïcødé ☃ 名前',
  '{ a: 1 }',
  '[1, 2]',
  '&anchor *alias',
  '#comment',
  '\\{{cluster.name}}',
];

test.each(hostile)('a hostile value %j stays one string leaf: same object set, same keys', (value) => {
  const baseline = reparse(renderAddonObjects('demo', inputs, objects(), ctx('plain')));
  const rendered = reparse(
    renderAddonObjects('demo', inputs, objects(), ctx(value, { networkMTU: 1450, debug: 'true', secret: 'S3CRET' })),
  );
  expect(rendered).toHaveLength(baseline.length);
  expect(rendered.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual(
    baseline.map((o) => `${o.kind}/${o.metadata?.name}`),
  );
  expect(shape(rendered)).toEqual(shape(baseline));
  expect((rendered[0].data as Record<string, string>)['cluster-name']).toBe(value);
  expect(rendered[1].spec.template.spec.containers[0].args).toEqual([`--cluster=${value}`]);
});

test('missing variables are one error listing addon, object, field and variable (never empty strings)', () => {
  let err: AddonRenderError | undefined;
  try {
    renderAddonObjects('demo', inputs, objects(), ctx('c1', { debug: true }));
  } catch (e) {
    err = e as AddonRenderError;
  }
  expect(err).toBeInstanceOf(AddonRenderError);
  expect(err!.problems).toEqual([
    'addon demo, ConfigMap kube-system/cfg, field data.mtu: variable "variables.networkMTU" is not set for ' +
      "cluster c1 (set it in the Cluster's spec.topology.variables or give the ClusterClass variable a default)",
    'addon demo, Deployment kube-system/d, field spec.template.spec.containers[0].mtu: variable ' +
      '"variables.networkMTU" is not set for cluster c1 (set it in the Cluster\'s spec.topology.variables or ' +
      'give the ClusterClass variable a default)',
  ]);
});

test('a value that cannot be coerced to the declared type is an error', () => {
  expect(() => renderAddonObjects('demo', inputs, objects(), ctx('c', { networkMTU: '15OO', debug: 'yes' }))).toThrow(
    new RegExp(
      /field spec\.template\.spec\.containers\[0\]\.mtu: variable "variables\.networkMTU" must be integer, got "15OO"/
        .source + /[\s\S]*variable "variables\.debug" must be boolean, got "yes"/.source,
    ),
  );
});

test('helpers, blocks and list values are refused', () => {
  const obj = (s: string) => [{ kind: 'ConfigMap', metadata: { name: 'x', namespace: 'n' }, data: { k: s } }];
  expect(() => renderAddonObjects('demo', inputs, obj('{{#each cluster}}x{{/each}}'), ctx('c'))).toThrow(
    /only plain \{\{path\}\} expressions are allowed/,
  );
  expect(() => renderAddonObjects('demo', inputs, obj('{{lookup cluster "name"}}'), ctx('c'))).toThrow(/only plain/);
  expect(() => renderAddonObjects('demo', inputs, obj('{{../x}}'), ctx('c'))).toThrow(/must be a dotted path/);
  expect(() => renderAddonObjects('demo', inputs, obj('{{variables.list}}'), ctx('c', { list: [1, 2] }))).toThrow(
    /is a list; only scalar values/,
  );
});
