// capi/kubernetes-support: a stack's Kubernetes minor against the Cluster API/CAPO releases that can run it.

import * as path from 'path';
import { CAPI_RELEASES, CAPO_RELEASES, formatMinor } from '../../../src/verify/static/contract-facts';
import { contractFindings } from '../../../src/verify/static/contract-rules';
import { StackInput, loadStacks } from '../../../src/verify/static/load';

const base = () => loadStacks([path.join(__dirname, '../../fixtures/verify/clean')])[0];
function withVersion(kubernetes: string, apiVersion?: string): StackInput {
  const s = base();
  const cc = s.objects.find((o) => o.obj.kind === 'ClusterClass')!;
  if (apiVersion) cc.obj.apiVersion = apiVersion;
  return { ...s, metadata: { versions: { kubernetes } } };
}
const rules = (s: StackInput) => contractFindings(s).map((f) => `${f.severity} ${f.rule}`);

test('the facts table covers Cluster API v1.13 and v1.14, CAPO v0.13 and v0.14, and Kubernetes 1.37', () => {
  expect(CAPI_RELEASES.map((r) => r.minor)).toEqual(expect.arrayContaining(['v1.13', 'v1.14']));
  expect(CAPO_RELEASES.map((r) => r.minor)).toEqual(['v0.13', 'v0.14']);
  for (const m of ['v1.13', 'v1.14'])
    expect(formatMinor(CAPI_RELEASES.find((r) => r.minor === m)!.workload[1])).toBe('1.37');
  for (const r of [...CAPI_RELEASES, ...CAPO_RELEASES]) expect(r.source).toMatch(/github\.com|README/);
});

test.each([['v1.34.11'], ['v1.36.4'], ['v1.37.0']])('a v1beta2 OpenStack stack on %s is supported', (v) => {
  expect(rules(withVersion(v))).toEqual([]);
});

test('Kubernetes 1.38 (newer than any release supports) and 1.27 (older) warn, naming the ranges', () => {
  const [f] = contractFindings(withVersion('v1.38.0'));
  expect(f).toMatchObject({ rule: 'capi/kubernetes-support', severity: 'warning', path: 'apiVersion' });
  expect(f.message).toMatch(/Kubernetes 1\.38 is outside .* cluster\.x-k8s\.io\/v1beta2 .*v1\.14: 1\.31–1\.37/);
  expect(f.message).toMatch(/CAPO v0\.13 ≥ CAPI v1\.11, v0\.14 ≥ CAPI v1\.12/);
  expect(rules(withVersion('v1.27.3'))).toEqual(['warning capi/kubernetes-support']);
});

test('the contract comes from the apiVersion: one no known release serves is a warning, not silence', () => {
  expect(rules(withVersion('v1.36.4', 'cluster.x-k8s.io/v1beta1'))).toEqual([]);
  const [f] = contractFindings(withVersion('v1.36.4', 'cluster.x-k8s.io/v1alpha4'));
  expect(f.message).toMatch(/no Cluster API release cskit knows \(v1\.11, v1\.12, v1\.13, v1\.14\) serves .*v1alpha4/);
});

test('no Kubernetes version: nothing to judge here (scs-0210/version-missing reports it)', () => {
  expect(contractFindings({ ...base(), metadata: undefined })).toEqual([]);
});
