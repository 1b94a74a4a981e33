import { Command } from 'commander';
import { loadVersionData } from '../../k8s-versions/data';
import { connect } from '../../kube/client';
import { KubeError } from '../../kube/types';
import { ClusterReport, formatJson, formatJunit, formatScs, formatTable, overall } from '../../verify/live/report';
import { verifyCluster, verifyFleet } from '../../verify/live/run';
import { DEFAULT_PROBE_IMAGE, cleanupProbes } from '../../verify/live/storage-class';
import { parseDuration } from '../duration';
import { EXIT_ABORT, EXIT_FAIL, EXIT_USAGE, UserError } from '../errors';
import { atOption, outputOption, parseCount, today } from '../options';

interface Flags {
  kubeconfig?: string;
  context?: string;
  at?: Date;
  output: string;
  timeout: string;
  namespacePrefix: string;
  image: string;
  cleanup?: boolean;
  managementKubeconfig?: string;
  selector?: string;
  concurrency: string;
}

/** Beyond --timeout (the storage probe's waits), the time the other checks of one cluster may take. */
const CLUSTER_SLACK_MS = 120_000;

/** Runs `cleanup` on SIGINT/SIGTERM before exiting, so an interrupted probe leaves nothing behind. */
function onInterrupt(cleanup: () => Promise<void>): () => void {
  const handler = (sig: NodeJS.Signals) => {
    process.stderr.write(`\ncskit: ${sig}: removing the probe namespace before exiting…\n`);
    cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

export function registerVerifyCluster(verify: Command): void {
  verify
    .command('cluster')
    .description(
      'check a live cluster (any conformant cluster, with or without Cluster API) against scs-0210 and scs-0211',
    )
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .addOption(atOption())
    .addOption(outputOption(['table', 'json', 'junit', 'scs']))
    .option('--timeout <duration>', 'time the storage probe may take (PVC bound, pod running)', '5m')
    .option(
      '--namespace-prefix <prefix>',
      'probe namespaces are <prefix>-<random>, labelled cskit.io/probe',
      'cskit-probe',
    )
    .option('--image <image>', 'image of the probe pod', DEFAULT_PROBE_IMAGE)
    .option('--cleanup', 'only delete probe namespaces left by interrupted runs')
    .option(
      '--management-kubeconfig <file>',
      'fleet mode: verify every Cluster API workload cluster of this management cluster',
    )
    .option('--selector <labels>', 'fleet mode: only Clusters matching this label selector')
    .option('--concurrency <n>', 'fleet mode: clusters verified at once', '4')
    .action(async (flags: Flags) => {
      const t0 = Date.now();
      const at = flags.at ?? today();
      const timeoutMs = parseDuration('--timeout', flags.timeout);
      const concurrency = parseCount('--concurrency', flags.concurrency, 64);
      // Every request is bounded (src/kube/transport.ts); each cluster as a whole by --timeout plus CLUSTER_SLACK_MS.
      const bounded = (o: {
        kubeconfig?: string;
        context?: string;
        kubeconfigYaml?: string;
        kubeconfigSource?: string;
      }) =>
        connect({
          ...o,
          deadline: {
            at: Date.now() + timeoutMs + CLUSTER_SLACK_MS,
            what: `the time limit of --timeout ${flags.timeout} + ${CLUSTER_SLACK_MS / 60_000} min`,
          },
        });
      const opts = {
        at,
        data: loadVersionData(),
        namespacePrefix: flags.namespacePrefix,
        image: flags.image,
        timeoutMs,
        onInterrupt,
        log: (l: string) => {
          if (flags.output === 'table') process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${l}\n`);
        },
      };
      let reports: ClusterReport[];
      try {
        if (flags.cleanup) {
          const removed = await cleanupProbes(bounded({ kubeconfig: flags.kubeconfig, context: flags.context }));
          process.stdout.write(
            removed.length
              ? `deleted leftover probe namespaces: ${removed.join(', ')}\n`
              : 'no leftover probe namespaces\n',
          );
          return;
        }
        if (flags.managementKubeconfig) {
          const mgmt = bounded({ kubeconfig: flags.managementKubeconfig, context: flags.context });
          const member = (yaml: string, source: string) => bounded({ kubeconfigYaml: yaml, kubeconfigSource: source });
          reports = await verifyFleet(mgmt, member, {
            ...opts,
            selector: flags.selector,
            concurrency,
          });
        } else {
          const client = bounded({ kubeconfig: flags.kubeconfig, context: flags.context });
          reports = [{ cluster: '', results: await verifyCluster(client, opts) }];
        }
      } catch (e) {
        // A kubeconfig that cannot be used is bad input (2); a server that cannot be reached or used is ABORT (3).
        if (e instanceof KubeError) throw new UserError(e.message, e.kind === 'config' ? EXIT_USAGE : EXIT_ABORT);
        throw e;
      }
      const meta = { at: at.toISOString().slice(0, 10), dataAsOf: opts.data.dataAsOf.toISOString().slice(0, 10) };
      const out = {
        table: formatTable,
        scs: formatScs,
        junit: formatJunit,
        json: (r: ClusterReport[]) => formatJson(r, meta),
      }[flags.output]!(reports);
      process.stdout.write(out);
      const v = overall(reports);
      if (v === 'ABORT') process.exitCode = EXIT_ABORT;
      else if (v === 'FAIL') process.exitCode = EXIT_FAIL;
    });
}
