import { Command, Option } from 'commander';
import { loadVersionData } from '../../k8s-versions/data';
import { connect } from '../../kube/client';
import { KubeError } from '../../kube/types';
import { ClusterReport, formatJson, formatJunit, formatScs, formatTable, overall } from '../../verify/live/report';
import { verifyCluster, verifyFleet } from '../../verify/live/run';
import { DEFAULT_PROBE_IMAGE, cleanupProbes } from '../../verify/live/storage-class';
import { EXIT_ABORT, EXIT_FAIL, EXIT_USAGE, UserError } from '../errors';
import { parseImageReference } from '../image-reference';
import { parseLabelSelector } from '../label-selector';
import { atOption, countOption, durationOption, outputOption, parseDnsLabel, today } from '../options';
import { parseStandards, scs0211Option } from '../standards';

interface Flags {
  kubeconfig?: string;
  context?: string;
  at?: Date;
  output: string;
  timeout: number;
  namespacePrefix: string;
  image: string;
  cleanup?: boolean;
  managementKubeconfig?: string;
  selector?: string;
  concurrency: number;
  scs0211?: string;
}

/** Probe namespaces are `<prefix>-<6 hex digits>`, and a namespace name is at most 63 characters. */
const MAX_PREFIX = 63 - 7;

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

/**
 * Flags of one mode given in another would be silently ignored (a `--selector` without fleet mode verifies a cluster
 * the user did not mean) or change which cluster is touched (`--cleanup` with fleet mode): usage errors instead.
 */
function checkModes(flags: Flags, given: (name: string) => boolean): void {
  const fleet = flags.managementKubeconfig !== undefined;
  const conflict = (a: string, b: string, why: string) => new UserError(`${a} and ${b} cannot be combined: ${why}`);
  if (fleet && flags.cleanup)
    throw conflict('--cleanup', '--management-kubeconfig', 'cleanup works on one cluster, given by --kubeconfig');
  if (fleet && given('kubeconfig'))
    throw conflict(
      '--kubeconfig',
      '--management-kubeconfig',
      "fleet mode reads each workload cluster's kubeconfig from the management cluster",
    );
  for (const [name, flag] of [
    ['selector', '--selector'],
    ['concurrency', '--concurrency'],
  ] as const) {
    if (!fleet && given(name))
      throw new UserError(`${flag} applies to fleet mode only: add --management-kubeconfig, or leave ${flag} out`);
  }
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
    .addOption(durationOption('--timeout <duration>', 'time the storage probe may take (PVC bound, pod running)', '5m'))
    .addOption(
      new Option(
        '--namespace-prefix <prefix>',
        `probe namespaces are <prefix>-<random>, labelled cskit.io/probe (at most ${MAX_PREFIX} characters)`,
      )
        .argParser((s: string) => parseDnsLabel('--namespace-prefix', s, MAX_PREFIX, 'a namespace prefix'))
        .default('cskit-probe'),
    )
    .addOption(
      new Option('--image <image>', 'image of the probe pod')
        .argParser((s: string) => parseImageReference('--image', s))
        .default(DEFAULT_PROBE_IMAGE),
    )
    .option('--cleanup', 'only delete probe namespaces left by interrupted runs')
    .option(
      '--management-kubeconfig <file>',
      'fleet mode: verify every Cluster API workload cluster of this management cluster',
    )
    .addOption(
      new Option('--selector <labels>', 'fleet mode: only Clusters matching this label selector').argParser(
        (s: string) => parseLabelSelector('--selector', s),
      ),
    )
    .addOption(countOption('--concurrency <n>', 'fleet mode: clusters verified at once', 4, 64))
    .addOption(scs0211Option())
    .action(async (flags: Flags, cmd: Command) => {
      checkModes(flags, (name) => cmd.getOptionValueSource(name) === 'cli');
      const t0 = Date.now();
      const standards = parseStandards(flags.scs0211);
      const at = flags.at ?? today();
      const { timeout: timeoutMs, concurrency } = flags;
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
            what: `the time limit of --timeout ${timeoutMs / 1000} s + ${CLUSTER_SLACK_MS / 60_000} min`,
          },
        });
      const opts = {
        at,
        data: loadVersionData(),
        namespacePrefix: flags.namespacePrefix,
        image: flags.image,
        timeoutMs,
        onInterrupt,
        standards,
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
