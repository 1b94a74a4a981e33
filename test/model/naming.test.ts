import { minorOf, parseStackName, stackName, templateNames, validateNamePart } from '../../src/model/naming';

test.each([
  ['openstack', 'scs', '1.36.4', 'v2', 'openstack-scs-1-36-v2'],
  ['docker', 'scs2', 'v1.35.0', 'v1', 'docker-scs2-1-35-v1'],
  ['openstack', 'scs', '1.36', 'v10', 'openstack-scs-1-36-v10'],
])('stackName(%s, %s, %s, %s) = %s', (p, s, k, v, want) => {
  expect(stackName(p, s, k, v)).toBe(want);
  expect(parseStackName(want)).toEqual({
    provider: p,
    stack: s,
    major: 1,
    minor: Number(want.split('-')[3]),
    version: v,
  });
});

test.each([
  ['open-stack', 'scs', '1.36.4', 'v1', /invalid provider name "open-stack".*no dashes/],
  ['openstack', 'SCS', '1.36.4', 'v1', /invalid stack name "SCS"/],
  ['openstack', 'scs', '1.x', 'v1', /invalid Kubernetes version "1.x"/],
  ['openstack', 'scs', '1.36.4', '1', /invalid stack version "1"/],
  ['openstack', 'scs', '1.36.4', 'v01', /invalid stack version "v01"/],
])('stackName rejects %s/%s/%s/%s', (p, s, k, v, err) => {
  expect(() => stackName(p, s, k, v)).toThrow(err);
});

test('parseStackName rejects names CSO could not split', () => {
  expect(parseStackName('open-stack-scs-1-36-v1')).toBeUndefined();
  expect(parseStackName('openstack-scs-1-36')).toBeUndefined();
  expect(parseStackName('openstack-scs-1-36-v0-sha-abc')).toBeUndefined();
});

test('template names follow the SCS convention', () => {
  expect(templateNames.cluster('c')).toBe('c-cluster');
  expect(templateNames.controlPlane('c')).toBe('c-control-plane');
  expect(templateNames.worker('c', 'default-worker')).toBe('c-default-worker');
  expect(minorOf('v1.36.4')).toBe('1.36');
  expect(validateNamePart('provider', 'openstack')).toBeUndefined();
});
