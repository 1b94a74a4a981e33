import {
  MAX_VERSION_NUMBER,
  checkKubernetesVersion,
  kubernetesVersionError,
  parseKubernetesVersion,
} from '../../src/k8s-versions/version';

// The one strict parser of Kubernetes versions: what Kubernetes' ParseSemantic accepts, with bounded numbers.

test.each([
  ['v1.36.4', '1.36.4'],
  ['1.36.4', '1.36.4'],
  ['v0.0.0', '0.0.0'],
  ['v1.36.0-rc.1', '1.36.0'],
  ['v1.36.0-alpha.0', '1.36.0'],
  ['v1.36.4+k3s1', '1.36.4'],
  ['v1.36.4-gke.100', '1.36.4'], // GKE server gitVersion
  ['v1.30.2-eks-1552ad0', '1.30.2'], // EKS
  ['v1.36.4-eks-1-36-3', '1.36.4'],
  ['v1.29.5+rke2r1', '1.29.5'],
  ['v1.36.0-rc.1+build.7', '1.36.0'],
  [`v1.36.${MAX_VERSION_NUMBER}`, `1.36.${MAX_VERSION_NUMBER}`],
])('%s parses as %s', (s, want) => {
  const v = parseKubernetesVersion(s);
  expect(v && `${v.major}.${v.minor}.${v.patch}`).toBe(want);
  expect(kubernetesVersionError(s)).toBeUndefined();
});

test.each([
  ['', 'it is empty'],
  ['v01.036.004', 'major "01" has a leading zero'],
  ['v1.036.4', 'minor "036" has a leading zero'],
  ['v1.36.04', 'patch "04" has a leading zero'],
  ['v1.36.00', 'patch "00" has a leading zero'],
  [`v1.36.${MAX_VERSION_NUMBER + 1}`, `patch "${MAX_VERSION_NUMBER + 1}" is larger than ${MAX_VERSION_NUMBER}`],
  ['v1.36.123456789012345678901', 'patch "123456789012345678901" is larger than'],
  [`v1.36.${'9'.repeat(400)}`, 'longer than 128 characters'],
  ['v1.36', 'expecting three numbers MAJOR.MINOR.PATCH'],
  ['v1.36.4.1', '".1" after PATCH is not a -pre-release or +build'],
  ['1.36.x', 'expecting three numbers'],
  ['V1.36.4', 'expecting three numbers'],
  ['vv1.36.4', 'expecting three numbers'],
  [' v1.36.4', 'expecting three numbers'],
  ['v1.36.4 ', '" " after PATCH'],
  ['v1.36.4\n', 'after PATCH'],
  ['v1.36.4-', '"-" after PATCH'],
  ['v1.36.4+', '"+" after PATCH'],
  ['v1.36.4-rc..1', 'after PATCH'],
  ['v1.36.4-rc_1', 'after PATCH'],
  ['v1.36.4+k3s1+x', 'after PATCH'],
  ['v-1.36.4', 'expecting three numbers'],
  ['v1.٣٦.4', 'expecting three numbers'], // non-ASCII digits
  ['latest', 'expecting three numbers'],
])('%j is not a Kubernetes version: %s', (s, why) => {
  expect(parseKubernetesVersion(s)).toBeUndefined();
  const r = checkKubernetesVersion(s);
  expect('problem' in r && r.problem).toContain(why);
  expect(kubernetesVersionError(s)).toMatch(/; expecting vMAJOR\.MINOR\.PATCH such as v1\.36\.4/);
});

test('a value that is not a string (from JSON data) is not a version and does not throw', () => {
  expect(parseKubernetesVersion(1.36 as unknown as string)).toBeUndefined();
  expect(parseKubernetesVersion(undefined as unknown as string)).toBeUndefined();
});

test('the error message shows a long input shortened', () => {
  expect(kubernetesVersionError(`v1.36.${'1'.repeat(200)}`)).toMatch(
    /^"v1\.36\.1{31}\.\.\." is not a Kubernetes version/,
  );
});
