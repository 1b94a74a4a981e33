import { Command, Option } from 'commander';
import { loadVersionData } from '../../k8s-versions/data';
import { InputError, loadStacks } from '../../verify/static/load';
import { countBy, staticScs, staticTable } from '../../verify/static/report';
import { verifyStacks } from '../../verify/static/run';
import { EXIT_FAIL, UserError } from '../errors';
import { atOption, today } from '../options';
import { registerVerifyCluster } from './verify-cluster';

interface Flags { at?: Date; output: string; rules?: string; strict?: boolean }

/** `cskit verify [paths…]` checks rendered stacks offline; `cskit verify cluster` checks a live cluster. */
export function register(program: Command): void {
  const verify = program.command('verify')
    .enablePositionalOptions()
    .description('verify rendered cluster stacks offline (default: dist/) against Cluster API rules, scs-0210 and scs-0211; `verify cluster` checks a live cluster')
    .argument('[paths...]', 'stack folders, directories of them, or YAML files', ['dist'])
    .addOption(atOption())
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'scs']).default('table'))
    .option('--rules <prefixes>', 'only rules whose id starts with one of these, comma-separated (e.g. capi/,scs-0211/)')
    .option('--strict', 'warnings fail too')
    .action((paths: string[], flags: Flags) => {
      let stacks;
      try {
        stacks = loadStacks(paths);
      } catch (e) {
        if (e instanceof InputError) throw new UserError(`verify: ${e.message}`);
        throw e;
      }
      const findings = verifyStacks(stacks, { at: flags.at ?? today(), data: loadVersionData(), rules: flags.rules?.split(',').map((s) => s.trim()).filter(Boolean) });
      const out = flags.output === 'json' ? `${JSON.stringify({ stacks: stacks.map((s) => s.name), findings, ...countBy(findings) }, null, 2)}\n`
        : flags.output === 'scs' ? staticScs(findings) : staticTable(findings, stacks.map((s) => s.name));
      process.stdout.write(out);
      const c = countBy(findings);
      if (c.errors || (flags.strict && c.warnings)) process.exitCode = EXIT_FAIL;
    });
  registerVerifyCluster(verify);
}
