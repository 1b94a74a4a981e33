import { VersionDataFile, indexVersionData } from '../../src/k8s-versions/data';

/**
 * Small hand-made data with dates on the edges that matter: a leap day, month ends, same-day releases,
 * a critical CVE disclosed after its fix shipped.
 */
export function syntheticData(overrides: Partial<VersionDataFile> = {}) {
  const file: VersionDataFile = {
    schema: 'cskit.k8s-versions/v1',
    dataAsOf: '2024-06-30',
    provenance: { test: true },
    branches: [
      {
        minor: '1.40',
        releaseDate: '2024-01-31',
        maintenanceModeStart: null,
        endOfLife: '2025-01-31',
        patches: [
          { version: '1.40.0', date: '2024-01-31' },
          { version: '1.40.1', date: '2024-02-29' },
          { version: '1.40.2', date: '2024-03-31' },
          { version: '1.40.3', date: '2024-03-31' },
        ],
      },
      {
        minor: '1.39',
        releaseDate: '2023-09-30',
        maintenanceModeStart: null,
        endOfLife: '2024-06-28',
        patches: [
          { version: '1.39.0', date: '2023-09-30' },
          { version: '1.39.5', date: '2024-03-31' },
        ],
      },
    ],
    cves: [
      {
        id: 'CVE-2024-0001',
        published: '2024-04-10',
        cvss: { version: '3.1', score: 8.1 },
        fixStatus: 'fixed',
        affected: [
          { branch: '1.40', introduced: null, fixed: '1.40.2', lastAffected: '1.40.1' },
          { branch: '1.39', introduced: null, fixed: '1.39.5', lastAffected: null, includesOlderBranches: true },
        ],
        fixedIn: ['1.40.2', '1.39.5'],
      },
      {
        id: 'CVE-2024-0002',
        published: '2024-03-31',
        cvss: { version: '3.1', score: 7.9 },
        fixStatus: 'fixed',
        affected: [{ branch: '1.40', introduced: null, fixed: '1.40.3', lastAffected: null }],
        fixedIn: ['1.40.3'],
      },
    ],
    ...overrides,
  };
  return indexVersionData(file, 'synthetic');
}
