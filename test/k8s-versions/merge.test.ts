/**
 * Merging release sources (src/k8s-versions/merge.ts) and the support-policy end-of-life estimate
 * (src/k8s-versions/support-policy.ts), checked against the published dates of the bundled data.
 */
import { bundledVersionData } from '../../src/k8s-versions/data';
import { SUPPORT_POLICY_SOURCE, mergeBranches } from '../../src/k8s-versions/merge';
import { estimateEndOfLife } from '../../src/k8s-versions/support-policy';

test('the estimate matches every published end of life from 1.21 to 1.36 but 1.34 (a day earlier upstream)', () => {
  const published = bundledVersionData().branches.filter((b) => !b.endOfLifeEstimated && b.minor !== '1.20');
  const misses = published
    .map((b) => ({
      minor: b.minor,
      published: b.endOfLife.toISOString().slice(0, 10),
      estimate: estimateEndOfLife(b.releaseDate.toISOString().slice(0, 10)),
    }))
    .filter((x) => x.published !== x.estimate);
  expect(published.length).toBeGreaterThanOrEqual(16);
  expect(misses).toEqual([{ minor: '1.34', published: '2026-10-27', estimate: '2026-10-28' }]);
  expect(estimateEndOfLife('2026-08-26')).toBe('2027-10-28');
  expect(estimateEndOfLife('2025-12-17')).toBe('2027-02-28');
});

const previous = {
  branches: [
    {
      minor: '1.36',
      releaseDate: '2026-04-22',
      maintenanceModeStart: null,
      endOfLife: '2027-06-28',
      endOfLifeSource: 'snapshot',
      patches: [
        { version: '1.36.0', date: '2026-04-22', source: 'release-data' },
        { version: '1.36.4', date: '2026-08-20', source: 'release-data' },
      ],
    },
  ],
};

test('later sources win per version, each patch names its source, new minors get an estimated end of life', () => {
  const m = mergeBranches({
    previous,
    previousSource: 'previous',
    releases: [
      {
        source: 'go-proxy',
        releases: [
          { version: '1.36.4', date: '2026-08-19' }, // tag a day before the announcement
          { version: '1.36.5', date: '2026-09-23' },
          { version: '1.37.0', date: '2026-08-26' },
          { version: '1.30.1', date: '2024-05-15' }, // older than the data's history: left out
        ],
      },
      { source: 'release-data', releases: [{ version: '1.36.4', date: '2026-08-20' }] },
    ],
  });
  expect(m.branches.map((b) => b.minor)).toEqual(['1.37', '1.36']);
  const b136 = m.branches[1];
  expect(b136.patches).toEqual([
    { version: '1.36.0', date: '2026-04-22', source: 'release-data' },
    { version: '1.36.4', date: '2026-08-20', source: 'release-data' },
    { version: '1.36.5', date: '2026-09-23', source: 'go-proxy' },
  ]);
  expect(b136).toMatchObject({ endOfLife: '2027-06-28', endOfLifeSource: 'snapshot' });
  expect(b136.endOfLifeEstimated).toBeUndefined();
  expect(m.branches[0]).toMatchObject({
    releaseDate: '2026-08-26',
    endOfLife: '2027-10-28',
    endOfLifeEstimated: true,
    endOfLifeSource: SUPPORT_POLICY_SOURCE,
  });
  expect(m.estimated).toEqual(['1.37']);
  expect(m.added.get('go-proxy')).toEqual(['1.36.5', '1.37.0']);
});

test('a published end of life replaces an estimate; a minor without a release date is left out and said so', () => {
  const m = mergeBranches({
    previous: {
      branches: [
        { ...previous.branches[0] },
        {
          minor: '1.37',
          releaseDate: '2026-08-26',
          maintenanceModeStart: null,
          endOfLife: '2027-10-28',
          endOfLifeEstimated: true,
          patches: [{ version: '1.37.0', date: '2026-08-26' }],
        },
      ],
    },
    previousSource: 'previous',
    releases: [{ source: 'go-proxy', releases: [{ version: '1.38.1', date: '2026-12-20' }] }],
    cycles: { source: 'endoflife.date', cycles: [{ minor: '1.37', endOfLife: '2027-10-27' }] },
  });
  expect(m.branches.find((b) => b.minor === '1.37')).toMatchObject({
    endOfLife: '2027-10-27',
    endOfLifeSource: 'endoflife.date',
  });
  expect(m.branches.find((b) => b.minor === '1.37')!.endOfLifeEstimated).toBeUndefined();
  expect(m.branches.find((b) => b.minor === '1.38')).toBeUndefined();
  expect(m.skipped).toEqual(['1.38: no release date (no 1.38.0 release known)']);
});
