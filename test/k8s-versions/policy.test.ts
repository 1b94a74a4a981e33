import { addMonths, parseDay } from '../../src/k8s-versions/dates';
import { evaluateClusterVersion, evaluateOffering, recommend } from '../../src/k8s-versions/policy';
import { bundledVersionData } from '../../src/k8s-versions/data';
import { parseKubernetesVersion } from '../../src/k8s-versions/version';
import { syntheticData } from './synthetic';

const data = syntheticData();
const at = (s: string) => parseDay(s);
const codes = (fs: { severity: string; code: string }[]) =>
  fs.filter((f) => f.severity !== 'info').map((f) => `${f.severity}:${f.code}`);

test.each([
  ['2024-01-31', 1, '2024-02-29'], // leap year: Jan 31 + 1 month clamps to Feb 29
  ['2025-01-31', 1, '2025-02-28'],
  ['2024-02-29', 1, '2024-03-29'],
  ['2024-01-31', 4, '2024-05-31'],
  ['2024-10-31', 4, '2025-02-28'],
])('%s + %d month(s) = %s', (from, n, want) => {
  expect(addMonths(parseDay(from), n).toISOString().slice(0, 10)).toBe(want);
});

test.each([
  ['1.36.4', '1.36.4'],
  ['v1.36.4', '1.36.4'],
  ['v1.36.4+k3s1', '1.36.4'],
  ['v1.36.4-gke.100', '1.36.4'],
  ['v1.36.0-rc.1', '1.36.0'],
  ['v1.36.4-eks-1-36-3', '1.36.4'],
])('parseKubernetesVersion(%s) = %s', (s, want) => {
  const v = parseKubernetesVersion(s)!;
  expect(`${v.major}.${v.minor}.${v.patch}`).toBe(want);
});
test.each(['1.36', 'latest', 'v1.x.4', ''])('parseKubernetesVersion(%j) is undefined', (s) =>
  expect(parseKubernetesVersion(s)).toBeUndefined(),
);

// Patch recency: 1.40.1 was released 2024-02-29, so 1.40.0 must move by 2024-03-29 (1 month).
test.each([
  ['1.40.0', '2024-03-29', 'PASS', []],
  ['1.40.0', '2024-03-30', 'FAIL', ['error:patch-outdated']],
  ['v1.40.0+k3s1', '2024-03-30', 'FAIL', ['error:patch-outdated']],
  ['1.40.3', '2024-06-30', 'PASS', []],
  ['1.40.2', '2024-04-30', 'PASS', []], // 1.40.3 released the same day as 1.40.2: still within the month
  ['1.40.2', '2024-05-01', 'FAIL', ['error:patch-outdated']],
])('%s at %s: %s %j', (v, date, verdict, expected) => {
  const r = evaluateClusterVersion(v, at(date), data);
  expect(r.verdict).toBe(verdict);
  expect(codes(r.findings)).toEqual(expected);
});

// CVE-2024-0001 (8.1) is fixed in 1.40.2 (released 2024-03-31) but disclosed 2024-04-10: deadlines count from
// disclosure: recommended by 04-12, required by 04-24. 1.40.1 is also outdated by then (1.40.2 > 1 month? no:
// 1.40.2 released 03-31, deadline 04-30), so only the CVE speaks before 04-30.
test.each([
  ['2024-04-09', 'PASS', []], // not disclosed yet
  ['2024-04-12', 'PASS', []], // within the 2 recommended days
  ['2024-04-13', 'WARN', ['warning:critical-cve']],
  ['2024-04-24', 'WARN', ['warning:critical-cve']],
  ['2024-04-25', 'FAIL', ['error:critical-cve']],
])('1.40.1 with a critical CVE fixed in 1.40.2, at %s: %s', (date, verdict, expected) => {
  const r = evaluateClusterVersion('1.40.1', at(date), data);
  expect(r.verdict).toBe(verdict);
  expect(codes(r.findings)).toEqual(expected);
  if (expected.length) {
    const f = r.findings.find((x) => x.code === 'critical-cve')!;
    expect(f.evidence).toMatchObject({
      cve: 'CVE-2024-0001',
      fixedIn: '1.40.2',
      published: '2024-04-10',
      deadline: '2024-04-24',
      recommendedBy: '2024-04-12',
    });
  }
});

test('a CVE below the critical threshold (7.9) sets no CVE deadline', () => {
  const r = evaluateClusterVersion('1.40.2', at('2024-04-29'), data);
  expect(r.findings.some((f) => f.code === 'critical-cve')).toBe(false);
  expect(r.verdict).toBe('PASS');
});

test.each([
  ['2024-06-28', []],
  ['2024-06-29', ['error:branch-eol']],
])('end of life of 1.39 (2024-06-28) at %s', (date, expected) => {
  expect(codes(evaluateClusterVersion('1.39.5', at(date), data).findings)).toEqual(expected);
});

test('unknown versions: newer branch warns, older-than-known fails, garbage fails', () => {
  expect(codes(evaluateClusterVersion('1.41.0', at('2024-06-01'), data).findings)).toEqual(['warning:unknown-version']);
  expect(codes(evaluateClusterVersion('1.40.9', at('2024-06-01'), data).findings)).toEqual(['warning:unknown-version']);
  expect(codes(evaluateClusterVersion('1.30.1', at('2024-06-01'), data).findings)).toEqual(['error:branch-eol']);
  expect(evaluateClusterVersion('banana', at('2024-06-01'), data).verdict).toBe('FAIL');
});

test.each([
  ['2024-07-30', []],
  ['2024-07-31', ['warning:data-stale']],
])('stale data (as of 2024-06-30) at %s', (date, expected) => {
  const r = evaluateClusterVersion('1.40.3', at(date), data);
  expect(codes(r.findings)).toEqual(expected);
  if (expected.length) expect(r.findings[0].message).toMatch(/cskit versions update/);
});

describe('offering', () => {
  test('latest minor 1.40 (released 2024-01-31) must be offered within 4 months (by 2024-05-31)', () => {
    const before = evaluateOffering(['1.39.5'], at('2024-05-31'), data);
    expect(before.verdict).toBe('PASS');
    expect(before.findings.find((f) => f.code === 'minor-pending')?.evidence).toMatchObject({ deadline: '2024-05-31' });
    const after = evaluateOffering(['1.39.5'], at('2024-06-01'), data);
    expect(after.verdict).toBe('FAIL');
    expect(codes(after.findings)).toEqual(['error:minor-missing']);
  });
  test('every supported branch must be offered; end-of-life branches offered warn', () => {
    expect(codes(evaluateOffering(['1.40.3'], at('2024-06-01'), data).findings)).toEqual(['error:branch-missing']);
    const late = evaluateOffering(['1.40.3', '1.39.5'], at('2024-07-01'), data);
    expect(codes(late.findings)).toEqual(['warning:branch-eol-offered']);
    expect(late.verdict).toBe('WARN');
  });
  test('each offered branch must be at an acceptable patch', () => {
    const r = evaluateOffering(['1.40.1', '1.39.5', '1.39.0'], at('2024-05-01'), data);
    expect(codes(r.findings)).toEqual(['error:patch-outdated', 'error:critical-cve']);
    expect(r.branches.find((b) => b.minor === '1.39')!.offered).toBe('1.39.5');
  });
});

test('recommend: latest patch per supported branch with its deadlines', () => {
  const r = recommend(at('2024-04-15'), data);
  expect(r.versions).toEqual([
    {
      minor: '1.39',
      version: '1.39.5',
      released: '2024-03-31',
      endOfLife: '2024-06-28',
      offerBy: '2024-04-24',
      criticalCves: ['CVE-2024-0001'],
    },
    {
      minor: '1.40',
      version: '1.40.3',
      released: '2024-03-31',
      endOfLife: '2025-01-31',
      offerBy: '2024-04-30',
      minorOfferBy: '2024-05-31',
      criticalCves: [],
    },
  ]);
});

test('bundled data: the seed facts hold', () => {
  const d = bundledVersionData();
  // Releases refreshed from the Go module proxy on 2026-11-29; CVE facts from the research snapshot of 2026-08-21.
  expect(d.dataAsOf.toISOString().slice(0, 10)).toBe('2026-11-29');
  expect(d.cvesAsOf.toISOString().slice(0, 10)).toBe('2026-08-21');
  expect(recommend(at('2026-09-01'), d).versions.map((v) => v.version)).toEqual([
    '1.34.11',
    '1.35.8',
    '1.36.4',
    '1.37.0',
  ]);
  expect(recommend(at('2026-11-29'), d).versions.map((v) => v.version)).toEqual(['1.35.8', '1.36.5', '1.37.2']);
  expect(d.branchByMinor.get('1.37')).toMatchObject({ endOfLifeEstimated: true });
  expect(d.branchByMinor.get('1.36')).toMatchObject({ endOfLifeEstimated: false });
  expect(evaluateClusterVersion('v1.28.5', at('2024-12-10'), d).findings.map((f) => f.code)).toEqual(
    expect.arrayContaining(['branch-eol', 'patch-outdated', 'critical-cve']),
  );
  expect(evaluateClusterVersion('v1.36.4+k3s1', at('2026-09-01'), d).verdict).toBe('PASS');
});
