import { bump } from '../../src/k8s-versions/bump';
import { LockFile } from '../../src/model/lock';
import { parseDay } from '../../src/k8s-versions/dates';
import { syntheticData } from './synthetic';

const data = syntheticData();
// The fake content hash depends on the Kubernetes version and a per-stack "definition revision".
const revision: Record<string, number> = { 'openstack-scs': 1, 'docker-scs': 1 };
const hashStack = (id: string, v: string) =>
  `sha256:${Buffer.from(`${id}/${v}/${revision[id] ?? 1}`)
    .toString('hex')
    .padEnd(64, '0')
    .slice(0, 64)}`;
const entry = (kubernetesVersion: string, version: string, id = 'openstack-scs') => ({
  kubernetesVersion,
  version,
  hash: hashStack(id, kubernetesVersion),
});
const lock: LockFile = {
  lockVersion: 1,
  stacks: { 'openstack-scs': { '1.39': entry('1.39.0', 'v3'), '1.40': entry('1.40.3', 'v2') } },
};

test('moves an outdated patch to a new stack version and keeps an up-to-date one', () => {
  const r = bump(lock, { at: parseDay('2024-04-15'), data, hashStack });
  expect(r.lock.stacks['openstack-scs']).toEqual({ '1.39': entry('1.39.5', 'v4'), '1.40': entry('1.40.3', 'v2') });
  expect(r.changes).toEqual([
    expect.objectContaining({
      stack: 'openstack-scs',
      minor: '1.39',
      action: 'move',
      reason: expect.stringMatching(
        /1\.39\.5 released 2024-03-31; offer it by 2024-04-24 \(fixes critical CVE-2024-0001\)/,
      ),
    }),
  ]);
});

test('a content change alone gives a new stack version', () => {
  revision['openstack-scs'] = 2;
  try {
    const r = bump(lock, { at: parseDay('2024-04-15'), data, hashStack });
    expect(r.lock.stacks['openstack-scs']['1.40']).toEqual({
      kubernetesVersion: '1.40.3',
      version: 'v3',
      hash: hashStack('openstack-scs', '1.40.3'),
    });
    expect(r.changes.find((c) => c.minor === '1.40')).toMatchObject({ action: 'rehash' });
  } finally {
    revision['openstack-scs'] = 1;
  }
});

test('drops end-of-life minors and says in-use cannot be known offline; adds new stacks at v1', () => {
  const r = bump(lock, { at: parseDay('2024-07-01'), data, hashStack, stackIds: ['openstack-scs', 'docker-scs'] });
  expect(Object.keys(r.lock.stacks['openstack-scs'])).toEqual(['1.40']);
  expect(r.changes.find((c) => c.action === 'drop')!.reason).toMatch(
    /end of life on 2024-06-28\. Whether clusters still use it cannot be known offline/,
  );
  expect(r.lock.stacks['docker-scs']).toEqual({ '1.40': entry('1.40.3', 'v1', 'docker-scs') });
});

test('a lock ahead of the data (stale data) is never moved backwards', () => {
  const ahead: LockFile = { lockVersion: 1, stacks: { 'openstack-scs': { '1.40': entry('1.40.7', 'v9') } } };
  const r = bump(ahead, { at: parseDay('2024-04-15'), data, hashStack });
  expect(r.lock.stacks['openstack-scs']['1.40']).toEqual(entry('1.40.7', 'v9'));
});

test('bumping twice changes nothing the second time', () => {
  const once = bump(lock, { at: parseDay('2024-04-15'), data, hashStack }).lock;
  const twice = bump(once, { at: parseDay('2024-04-15'), data, hashStack });
  expect(twice.lock).toEqual(once);
  expect(twice.changes).toEqual([]);
});

test("stale data is said with the policy's own finding (as `cskit versions` says it), fresh data says nothing", () => {
  expect(bump(lock, { at: parseDay('2024-07-01'), data, hashStack }).findings).toEqual([]);
  const late = bump(lock, { at: parseDay('2024-09-01'), data, hashStack });
  expect(late.findings.map((f) => `${f.severity}:${f.code}`)).toEqual(['warning:data-stale']);
  expect(late.findings[0].message).toMatch(
    /^version data is as of 2024-06-30, 63 days before 2024-09-01: .*run `cskit versions update`$/,
  );
});
