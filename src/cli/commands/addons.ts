import { Command, Option } from 'commander';
import { addonFilePath } from '../../dist/layout';
import { checkOutputDir, writeOutputDir } from '../../dist/output';
import { UserError } from '../errors';
import { outputOption, stackArgument } from '../options';
import { table } from '../../util/table';
import { registerAddonsStatus } from './manager';

const print = (s: string): void => {
  process.stdout.write(s);
};

/** Loaded on use: rendering needs cdk8s, Handlebars and the addon definitions (~100 ms other commands need not pay). */
async function load() {
  const [{ Yaml }, { ClusterInputError }, { CrsError, clusterResourceSet }, { readAddonIndex, renderStack }] =
    await Promise.all([
      import('cdk8s'),
      import('../../render/context'),
      import('../../render/crs'),
      import('../../render/stack'),
    ]);
  /** Our input errors become user errors (message, no stack); anything else is a bug and stays one. */
  const asUserError = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ClusterInputError || e instanceof CrsError) throw new UserError(e.message);
      throw e;
    }
  };
  return { Yaml, clusterResourceSet, readAddonIndex, renderStack, asUserError };
}

interface RenderFlags {
  cluster: string;
  output?: string;
  dist: string;
  format: 'manifests' | 'crs';
  force?: boolean;
}

/** `cskit addons list|render`: the addons of a synthesized stack, and their manifests for one Cluster. */
export function register(program: Command): void {
  const addons = program.command('addons').description('addons of a synthesized stack (CNI, CCM, CSI, metrics-server)');
  registerAddonsStatus(addons);

  addons
    .command('list')
    .addArgument(stackArgument('the stack, e.g. openstack-scs-1-36-v1'))
    .description('list the addons of a synthesized stack (e.g. openstack-scs-1-36-v1) in install order')
    .option('--dist <dir>', 'synthesized output', 'dist')
    .addOption(outputOption(['table', 'json']))
    .action(async (stack: string, flags: { dist: string; output: string }) => {
      const { asUserError, readAddonIndex } = await load();
      const index = asUserError(() => readAddonIndex(flags.dist, stack));
      if (flags.output === 'json') return print(`${JSON.stringify(index, null, 2)}\n`);
      print(`${index.stack} (Kubernetes ${index.kubernetesVersion})\n\n`);
      print(
        table(
          ['#', 'addon', 'version', 'phase', 'namespace', 'inputs', 'images'],
          index.addons.map((a) => [
            String(a.order),
            a.name,
            a.version,
            a.phase,
            a.namespace,
            (a.inputs ?? []).map((i) => `${i.path}:${i.type}`).join(',') || '-',
            String(Object.keys(a.images ?? {}).length),
          ]),
        ),
      );
    });

  addons
    .command('render')
    .addArgument(stackArgument('the stack the Cluster uses, e.g. openstack-scs-1-36-v1'))
    .description(
      'render the addons of a stack for one Cluster (values from the Cluster file and ClusterClass variable defaults)',
    )
    .requiredOption('--cluster <file>', 'YAML file with the Cluster object')
    .option(
      '-o, --output <dir>',
      'write addons/<NN>-<addon>.yaml and crs.yaml (ConfigMaps + ClusterResourceSet) here instead of printing ' +
        '(a new folder or an earlier `addons render -o` output; replaced as a whole)',
    )
    .option('--force', 'with -o: allow an empty result to empty an existing output folder')
    .option('--dist <dir>', 'synthesized output', 'dist')
    .addOption(
      new Option('--format <format>', 'what to print without -o').choices(['manifests', 'crs']).default('manifests'),
    )
    .action(async (stack: string, flags: RenderFlags) => {
      const { Yaml, clusterResourceSet, renderStack, asUserError } = await load();
      // The output rule first: a refused -o folder fails before any input is read.
      if (flags.output !== undefined) checkOutputDir(flags.output, 'addons');
      const { context, manifests } = asUserError(() => renderStack(flags.dist, stack, flags.cluster));
      const crs = asUserError(() =>
        clusterResourceSet(manifests, { clusterName: context.cluster.name, namespace: context.cluster.namespace }),
      );
      const files = manifests.map((m) => ({
        path: addonFilePath(m.order, m.addon),
        content: Yaml.stringify(...m.objects),
      }));
      const crsFile = { path: 'crs.yaml', content: Yaml.stringify(...crs) };
      if (!flags.output) {
        return print(flags.format === 'crs' ? crsFile.content : files.map((f) => f.content).join('---\n'));
      }
      writeOutputDir(flags.output, 'addons', [...files, crsFile], { force: flags.force });
      print(
        `rendered ${manifests.length} addons of ${stack} for Cluster ` +
          `${context.cluster.namespace}/${context.cluster.name} into ${flags.output}/ (addons/, crs.yaml)\n`,
      );
    });
}
