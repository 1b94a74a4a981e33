import { Command, Option } from 'commander';
import { ApplySetError } from '../../apply/applyset';
import { ApplyAbort } from '../../apply/errors';
import { defaultApplySetName, loadInputs } from '../../apply/manifests';
import { isStackDir } from '../../dist/layout';
import { InputError } from '../../util/errors';
import { formatJson, formatTable } from '../../apply/report';
import { runApply } from '../../apply/run';
import { connectApply } from '../../kube/apply-client';
import { KubeError } from '../../kube/types';
import { EXIT_ABORT, EXIT_FAIL, EXIT_USAGE, UserError } from '../errors';
import { countOption, durationOption, outputOption, parseDnsLabel } from '../options';
import { version } from '../version';

interface Flags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  dryRun?: string;
  diff?: boolean;
  prune?: boolean;
  forceConflicts?: boolean;
  wait?: boolean;
  timeout: number;
  output: string;
  applyset?: string;
  concurrency: number;
}

/** The ApplySet parent is a Secret: its name is a DNS-1123 subdomain (at most 253 characters). */
function parseApplySetName(s: string): string {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(s) || s.length > 253) {
    throw new UserError(
      `--applyset: "${s}" is not a valid Secret name (lower-case letters, digits, '-' and '.', starting and ending ` +
        'with a letter or digit, at most 253 characters)',
    );
  }
  return s;
}

/** Beyond --timeout (the waits), the time the applies themselves may take. */
const COMMAND_SLACK_MS = 120_000;

/** `cskit apply`: server-side apply of synthesized stacks (or any manifests) to a management cluster. */
export function register(program: Command): void {
  program
    .command('apply <paths...>')
    .description(
      'server-side apply dist/<stack> folders (their ClusterClass and templates), manifest folders or files ' +
        'to a management cluster, ' +
        'in order (CRDs, Namespaces, templates, ClusterClasses), with an ApplySet inventory for --prune',
    )
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .addOption(
      new Option(
        '-n, --namespace <name>',
        'namespace of namespaced objects without one, and of the ApplySet parent Secret ' +
          "(default: the kubeconfig context's, else default)",
      ).argParser((s: string) => parseDnsLabel('--namespace', s)),
    )
    .addOption(
      new Option(
        '--dry-run <mode>',
        'server: the API server checks everything (admission included) and nothing is stored',
      ).choices(['server']),
    )
    .option(
      '--diff',
      'print a unified diff per object, live vs. what the server would store (a server dry run: nothing is changed)',
    )
    .option(
      '--prune',
      'delete members of the ApplySet that are no longer in the input ' +
        '(never Clusters, ClusterClasses in use or their templates)',
    )
    .option('--force-conflicts', 'take over fields that another field manager owns')
    .option(
      '--wait',
      'wait until every ClusterClass is reconciled by Cluster API (observedGeneration, VariablesReady) ' +
        'and print its conditions',
    )
    .addOption(durationOption('--timeout <duration>', 'how long --wait and CRD establishment may take', '5m'))
    .addOption(
      new Option(
        '--applyset <name>',
        'name of the ApplySet parent Secret ' +
          '(default: cskit-<provider>-<stack> for stack folders of one family, else cskit)',
      ).argParser(parseApplySetName),
    )
    .addOption(countOption('--concurrency <n>', 'objects applied at once within a level', 8, 64))
    .addOption(outputOption(['table', 'json']))
    .action(async (paths: string[], flags: Flags) => {
      const { timeout: timeoutMs, concurrency } = flags;
      let inputs;
      try {
        inputs = loadInputs(paths);
      } catch (e) {
        if (e instanceof InputError) throw new UserError(e.message, EXIT_USAGE);
        throw e;
      }
      const applySet = flags.applyset ?? defaultApplySetName(inputs.stacks, paths.every(isStackDir));
      const t0 = Date.now();
      const log = (l: string) => {
        if (flags.output === 'table') process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${l}\n`);
      };
      let report;
      try {
        // Every request is bounded (src/kube/transport.ts); the whole command by --timeout plus COMMAND_SLACK_MS.
        const client = await connectApply({
          kubeconfig: flags.kubeconfig,
          context: flags.context,
          maxSockets: concurrency * 2,
          deadline: {
            at: t0 + timeoutMs + COMMAND_SLACK_MS,
            what: `the time limit of --timeout ${timeoutMs / 1000} s + ${COMMAND_SLACK_MS / 60_000} min`,
          },
        });
        report = await runApply(client, inputs.manifests, {
          namespace: flags.namespace ?? client.contextNamespace ?? 'default',
          applySet,
          tooling: `cskit/${version()}`,
          dryRun: flags.dryRun === 'server',
          diff: flags.diff,
          prune: flags.prune,
          force: flags.forceConflicts,
          wait: flags.wait,
          timeoutMs,
          concurrency,
          log,
          strategy: process.env.CSKIT_APPLY_STRATEGY === 'dry-run-first' ? 'dry-run-first' : 'apply',
        }).finally(() => client.close?.());
      } catch (e) {
        if (e instanceof InputError) throw new UserError(e.message, EXIT_USAGE);
        if (e instanceof ApplyAbort || e instanceof ApplySetError || e instanceof KubeError)
          throw new UserError(e.message, EXIT_ABORT);
        throw e;
      }
      process.stdout.write(flags.output === 'json' ? formatJson(report) : formatTable(report));
      if (!report.ok) process.exitCode = EXIT_FAIL;
    });
}
