/** Plain text and JSON renderings of an apply report (no colour codes: output is piped and diffed). */
import { table } from '../util/table';
import { ApplyReport } from './run';

export function summary(r: ApplyReport): string {
  const c = r.counts;
  const parts = [
    `${r.objects.length - c.pruned - c.kept} objects`,
    `${c.created + c.configured} ${r.dryRun ? 'would change' : 'changed'} ` +
      `(${c.created} created, ${c.configured} configured), ${c.unchanged} unchanged`,
  ];
  if (c.pruned || c.kept) parts.push(`${c.pruned} ${r.dryRun ? 'would be pruned' : 'pruned'}, ${c.kept} kept`);
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.skipped) parts.push(`${c.skipped} skipped`);
  const head = r.dryRun ? 'server dry run, nothing was changed' : `ApplySet ${r.applySet.namespace}/${r.applySet.name}`;
  return `${head}: ${parts.join(', ')}\n`;
}

export function formatTable(r: ApplyReport): string {
  const out: string[] = [];
  for (const o of r.objects) if (o.diff) out.push(o.diff);
  const first = (s?: string) => (s ?? '').split('\n')[0];
  out.push(
    table(
      ['KIND', 'NAMESPACE', 'NAME', 'RESULT', 'NOTE'],
      r.objects.map((o) => [
        o.kind,
        o.namespace ?? '',
        o.name,
        r.dryRun && o.action !== 'failed' && o.action !== 'kept' && o.action !== 'unchanged'
          ? `${o.action} (dry run)`
          : o.action,
        o.action === 'failed' ? 'see below' : first(o.message),
      ]),
      { rule: false },
    ),
  );
  for (const c of r.classes) {
    out.push(
      `ClusterClass ${c.namespace}/${c.name}: ${c.reconciled ? 'reconciled' : 'NOT reconciled'}\n` +
        c.conditions
          .map((x) => `  ${x.type}=${x.status}${x.reason ? ` ${x.reason}` : ''}${x.message ? `: ${x.message}` : ''}\n`)
          .join(''),
    );
  }
  const failures = r.objects.filter((o) => o.action === 'failed');
  if (failures.length)
    out.push(
      `errors:\n${failures.map((o) => `  ${o.key}${o.source ? ` (${o.source})` : ''}: ${o.message}\n`).join('')}`,
    );
  for (const w of r.warnings) out.push(`warning: ${w}\n`);
  out.push(summary(r));
  return out.join('');
}

export function formatJson(r: ApplyReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
