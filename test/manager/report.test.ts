import type { AddonStatus, ClusterAddons, Condition } from '../../src/manager/crd';
import { clusterRows, statusTable } from '../../src/manager/report';

const addons = (conditions: Array<[string, string]>, addons: Array<Partial<AddonStatus>>): ClusterAddons => ({
  apiVersion: 'addons.cskit.io/v1alpha1',
  kind: 'ClusterAddons',
  metadata: { name: 'demo', namespace: 'default' },
  status: {
    conditions: conditions.map(([type, status]) => ({ type, status, reason: 'R' }) as unknown as Condition),
    addons: addons as AddonStatus[],
  },
});

describe('cskit addons status report', () => {
  test('a paused, drifted Cluster shows both in CONDITIONS beside READY; conditions that do not hold do not', () => {
    const rows = clusterRows([
      addons(
        [
          ['Ready', 'True'],
          ['Progressing', 'False'],
          ['Drifted', 'True'],
          ['Paused', 'True'],
        ],
        [{ name: 'cilium', version: '1.19.4', state: 'Ready', lastTransitionTime: '2026-11-29T21:56:47Z' }],
      ),
    ]);
    expect(rows[0]).toMatchObject({ namespace: 'default', cluster: 'demo', ready: 'True' });
    const lines = statusTable(rows).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CLUSTER\s+READY\s+CONDITIONS\s+ADDON\s+VERSION\s+STATE\s+SINCE\s+LAST ERROR$/);
    expect(lines[2]).toMatch(
      /^default\/demo\s+True\s+Drifted,Paused\s+cilium\s+1\.19\.4\s+Ready\s+2026-11-29T21:56:47Z$/,
    );
  });

  test('no Ready condition yet is Unknown, a Cluster without addons gets one "-" line, none at all says so', () => {
    const rows = clusterRows([addons([], [])]);
    expect(rows[0].ready).toBe('Unknown');
    expect(statusTable(rows)).toMatch(/default\/demo\s+Unknown\s+-\s+-/);
    expect(statusTable([])).toBe('no ClusterAddons found\n');
  });
});
