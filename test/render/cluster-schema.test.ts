/* eslint-disable @typescript-eslint/no-explicit-any -- the cases break arbitrary fields of a parsed Cluster */
import * as path from 'path';
import { buildRenderContext, ClusterInputError } from '../../src/render/context';
import { clusterSchemaProblems } from '../../src/render/cluster-schema';
import { readCluster } from '../../src/render/stack';
import { KObject } from '../../src/model/object';
import { readYamlFile } from '../../src/util/yaml';

// The Cluster a render reads is validated against the bundled Cluster API schema of its apiVersion before any field
// is used: a wrongly typed field is an error naming the file and the field, never silently skipped.

const fixtures = path.join(__dirname, '..', 'fixtures', 'addons');
const classObjects = readYamlFile(path.join(fixtures, 'cluster-class.yaml'), 'manifest').map((d) => d.value as KObject);
const good = () => readCluster(path.join(fixtures, 'cluster.yaml')) as Record<string, any>;

test('the sample Cluster (v1beta2) has no schema problems', () => {
  expect(clusterSchemaProblems(good())).toEqual([]);
});

test('a v1beta1 Cluster is validated by the v1beta1 schema (topology.class is a string there)', () => {
  const c = good();
  c.apiVersion = 'cluster.x-k8s.io/v1beta1';
  expect(clusterSchemaProblems(c)).toContainEqual(expect.stringMatching(/^spec\.topology\.class: expected a value/));
  delete c.spec.topology.classRef;
  c.spec.topology.class = 'openstack-scs-1-36-v1';
  expect(clusterSchemaProblems(c)).toEqual([]);
});

test.each([
  [
    'spec.topology.variables as a map',
    (c: any) => (c.spec.topology.variables = { networkMTU: 1450 }),
    'spec.topology.variables: expected array, found object',
  ],
  [
    'spec.topology.variables as a string',
    (c: any) => (c.spec.topology.variables = 'networkMTU=1450'),
    'spec.topology.variables: expected array, found string "networkMTU=1450"',
  ],
  [
    'a variable without value',
    (c: any) => (c.spec.topology.variables = [{ name: 'networkMTU' }]),
    'spec.topology.variables[0].value: expected a value (required field)',
  ],
  [
    'classRef as a string',
    (c: any) => (c.spec.topology.classRef = 'openstack-scs-1-36-v1'),
    'spec.topology.classRef: expected object, found string "openstack-scs-1-36-v1"',
  ],
  [
    'classRef as a number',
    (c: any) => (c.spec.topology.classRef = 5),
    'spec.topology.classRef: expected object, found number 5',
  ],
  [
    'classRef.name as a number',
    (c: any) => (c.spec.topology.classRef.name = 136),
    'spec.topology.classRef.name: expected string, found number 136',
  ],
  ['namespace: 5', (c: any) => (c.metadata.namespace = 5), 'metadata.namespace: expected string, found number 5'],
  ['labels as a list', (c: any) => (c.metadata.labels = ['a']), 'metadata.labels: expected object, found list of 1'],
  [
    'controlPlaneEndpoint.port as a string',
    (c: any) => (c.spec.controlPlaneEndpoint.port = '6443'),
    'spec.controlPlaneEndpoint.port: expected integer, found string "6443"',
  ],
  [
    'a misspelt field',
    (c: any) => ((c.spec.topolgy = c.spec.topology), delete c.spec.topology),
    'spec.topolgy: expected one of the fields',
  ],
  [
    'an unknown apiVersion',
    (c: any) => (c.apiVersion = 'cluster.x-k8s.io/v1alpha4'),
    'apiVersion: expected one of cluster.x-k8s.io/v1beta1, cluster.x-k8s.io/v1beta2 (Cluster API Cluster), ' +
      'found "cluster.x-k8s.io/v1alpha4"',
  ],
  [
    'no apiVersion',
    (c: any) => delete c.apiVersion,
    'apiVersion: expected one of cluster.x-k8s.io/v1beta1, cluster.x-k8s.io/v1beta2 (Cluster API Cluster), ' +
      'found nothing',
  ],
])('%s: a ClusterInputError naming the file and the field', (_what, change, line) => {
  const c = good();
  change(c);
  let err: unknown;
  try {
    buildRenderContext(c, classObjects, 'clusters/demo.yaml');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ClusterInputError);
  const msg = (err as Error).message;
  expect(msg).toMatch(
    /^clusters\/demo\.yaml: Cluster demo does not match the Cluster API schema( of \S+)?; fix:\n {2}/,
  );
  expect(msg).toContain(`\n  ${line}`);
});

test('null fields (dropped by the apiserver before validation) are no problem', () => {
  const c = good();
  c.metadata.creationTimestamp = null;
  expect(clusterSchemaProblems(c)).toEqual([]);
});

test.each([
  ['1.36', 'expecting three numbers'],
  ['v1.36.04', 'patch "04" has a leading zero'],
  ['latest', 'expecting three numbers'],
])('spec.topology.version %j is an error naming the file and the field: %s', (version, why) => {
  const c = good();
  c.spec.topology.version = version;
  expect(() => buildRenderContext(c, classObjects, 'clusters/demo.yaml')).toThrow(
    new RegExp(`^clusters/demo\\.yaml: spec\\.topology\\.version: ".*" is not a Kubernetes version: .*${why}`),
  );
});
