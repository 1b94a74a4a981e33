/**
 * What `cskit addons status` prints: one row per Cluster from its ClusterAddons object, as JSON or as a table with one
 * line per addon. Only reads the status the manager wrote; decides nothing.
 */
import { table } from '../util/table';
import { AddonStatus, ClusterAddons, Condition } from './crd';

export interface ClusterRow {
  readonly namespace: string;
  readonly cluster: string;
  /** The Ready condition's status, `Unknown` while the manager has written none. */
  readonly ready: string;
  readonly applied?: unknown;
  readonly conditions: readonly Condition[];
  readonly addons: readonly AddonStatus[];
}

export function clusterRows(items: readonly ClusterAddons[]): ClusterRow[] {
  return items.map((o) => {
    const conditions = o.status?.conditions ?? [];
    return {
      namespace: String(o.metadata?.namespace),
      cluster: String(o.metadata?.name),
      ready: conditions.find((c) => c.type === 'Ready')?.status ?? 'Unknown',
      applied: o.status?.applied,
      conditions,
      addons: o.status?.addons ?? [],
    };
  });
}

/**
 * The conditions besides Ready that hold (Progressing, Degraded, Drifted, Paused): the table's CONDITIONS column, so a
 * paused or drifted Cluster shows without -o json.
 */
export function activeConditions(r: ClusterRow): string {
  return r.conditions
    .filter((c) => c.type !== 'Ready' && c.status === 'True')
    .map((c) => c.type)
    .join(',');
}

export function statusTable(rows: readonly ClusterRow[]): string {
  if (!rows.length) return 'no ClusterAddons found\n';
  const lines = rows.flatMap((r) => {
    const head = [`${r.namespace}/${r.cluster}`, r.ready, activeConditions(r)];
    if (!r.addons.length) return [[...head, '-', '', '-', '', '']];
    return r.addons.map((a) => [...head, a.name, a.version, a.state, a.lastTransitionTime, a.lastError ?? '']);
  });
  return table(['CLUSTER', 'READY', 'CONDITIONS', 'ADDON', 'VERSION', 'STATE', 'SINCE', 'LAST ERROR'], lines);
}
