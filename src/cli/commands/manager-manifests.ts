/**
 * `cskit manager manifests -o DIR`: writes what runs the manager in a management cluster (src/manager/deploy/).
 * Thin: the flags are checked here, the objects are built there, the folder is written by the one output rule.
 */
import { Command, Option } from 'commander';
import { checkSecretTemplate } from '../../manager/secret-template';
import { LabelSelector, parseLabelSelector } from '../../util/label-selector';
import { UserError } from '../errors';
import { parseImageReference } from '../image-reference';
import { asUsage, countOption, parseDnsLabel } from '../options';
import { version } from '../version';

interface Flags {
  output: string;
  image?: string;
  namespace: string;
  replicas: number;
  kubeconfigSecret: string;
  tls: 'cert-manager' | 'secret';
  shard?: string;
  selector?: LabelSelector;
}

export function registerManifests(manager: Command): void {
  manager
    .command('manifests')
    .description(
      'write the manifests that run the manager in the management cluster (CRDs, Namespace, ServiceAccount, ' +
        'least-privilege roles, Deployment, Service, ExtensionConfig, PodDisruptionBudget); apply with cskit apply',
    )
    .requiredOption('-o, --output <dir>', 'output folder (new, empty, or an earlier output of this command)')
    .addOption(
      new Option('--image <reference>', 'manager image (default: localhost/cskit:<package version>)').argParser(
        (s: string) => parseImageReference('--image', s),
      ),
    )
    .addOption(
      new Option('-n, --namespace <namespace>', 'namespace the manager runs in')
        .default('cskit-system')
        .argParser((s: string) => parseDnsLabel('--namespace', s)),
    )
    .addOption(countOption('--replicas <n>', 'manager pods (one leads, the others stand by)', 2, 16))
    .addOption(
      new Option('--kubeconfig-secret <template>', "the workload kubeconfig Secret's name; {cluster}: the Cluster")
        .default('{cluster}-kubeconfig')
        .argParser((s: string) => asUsage(() => checkSecretTemplate(s))),
    )
    .addOption(
      new Option(
        '--tls <source>',
        'serving certificate: cert-manager issues it, or secret: you create Secret cskit-manager[-<shard>]-tls ' +
          '(tls.crt, tls.key, ca.crt) in the namespace',
      )
        .choices(['cert-manager', 'secret'])
        .default('cert-manager'),
    )
    .addOption(
      new Option(
        '--shard <name>',
        'one shard of a fleet split between managers: its objects, Lease and ExtensionConfig named for it ' +
          '(with --selector)',
      ).argParser((s: string) => parseDnsLabel('--shard', s, 40, 'a shard name')),
    )
    .addOption(
      new Option(
        '--selector <selector>',
        "label selector on Clusters: the manager's --selector (e.g. shard=a)",
      ).argParser((s: string) => asUsage(() => parseLabelSelector('--selector', s))),
    )
    .action(async (flags: Flags) => {
      if (flags.shard && !flags.selector)
        throw new UserError(
          '--shard needs --selector: a shard without a selector would take every Cluster and overlap the other shards',
        );
      const [{ manifestFiles }, { writeOutputDir }] = await Promise.all([
        import('../../manager/deploy/manifests'),
        import('../../dist/output'),
      ]);
      const files = manifestFiles({
        version: version(),
        image: flags.image,
        namespace: flags.namespace,
        replicas: flags.replicas,
        kubeconfigSecret: flags.kubeconfigSecret,
        tls: flags.tls,
        shard: flags.shard,
        selector: flags.selector?.text,
      });
      writeOutputDir(flags.output, 'manager', files);
      process.stdout.write(`wrote ${files.map((f) => `${flags.output}/${f.path}`).join(', ')}\n`);
    });
}
