import * as path from 'path';
import { buildRenderContext, classVariableDefaults, ClusterInputError } from '../../src/render/context';
import { readCluster } from '../../src/render/stack';
import { readYamlFile } from '../../src/util/yaml';

const fixtures = path.join(__dirname, '..', 'fixtures', 'addons');
const classObjects = readYamlFile(path.join(fixtures, 'cluster-class.yaml'), 'manifest').map((d) => d.value);

test('ClusterClass variable defaults, overridden by the Cluster topology variables', () => {
  expect(classVariableDefaults(classObjects)).toEqual({ networkMTU: 1500, flavor: 'SCS-2V-4' });
  const ctx = buildRenderContext(readCluster(path.join(fixtures, 'cluster.yaml')), classObjects, 'cluster.yaml');
  expect(ctx.variables).toEqual({ networkMTU: 1450, flavor: 'SCS-2V-4' });
  expect(ctx.cluster).toMatchObject({
    name: 'demo',
    namespace: 'team-a',
    labels: { 'managed-secret': 'clouds-yaml' },
    version: 'v1.36.5',
    clusterClass: 'openstack-scs-1-36-v3',
    podCIDRs: '192.168.0.0/16',
    serviceCIDRs: '10.96.0.0/12',
  });
  expect(ctx.controlPlaneEndpoint).toEqual({ host: 'api.demo.example.com', port: 6443 });
});

test('not a Cluster, or a Cluster without a name, is a clear error', () => {
  expect(() => buildRenderContext({ kind: 'Machine' }, classObjects, 'c.yaml')).toThrow(
    'c.yaml: expected a Cluster object (kind: Cluster), found kind "Machine"',
  );
  expect(() => buildRenderContext({ kind: 'Cluster', metadata: {} }, classObjects, 'c.yaml')).toThrow(
    ClusterInputError,
  );
  expect(() =>
    buildRenderContext(
      { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'x' }, spec: { paused: false } },
      [],
      'c.yaml',
    ),
  ).toThrow(/no ClusterClass object/);
});
