import { Command, Option } from 'commander';
import { loadVersionData } from '../../k8s-versions/data';
import { InputError } from '../../util/errors';
import { loadStacks } from '../../verify/static/load';
import { selectRules } from '../../verify/static/catalog';
import { junitReport } from '../../verify/static/junit';
import { resolveLock } from '../../verify/static/lock-rules';
import { countBy, staticJson, staticScs, staticTable } from '../../verify/static/report';
import { verifyStacks } from '../../verify/static/run';
import { EXIT_FAIL, UserError } from '../errors';
import { atOption, today } from '../options';
import { registerVerifyCluster } from './verify-cluster';

interface Flags {
  at?: Date;
  output: string;
  rules?: string;
  strict?: boolean;
  lock?: string | boolean;
}

/** `cskit verify [paths…]` checks rendered stacks offline; `cskit verify cluster` checks a live cluster. */
export function register(program: Command): void {
  const verify = program
    .command('verify')
    .enablePositionalOptions()
    .description(
      'verify rendered cluster stacks offline (default: dist/) against Cluster API rules, scs-0210 and scs-0211; `verify cluster` checks a live cluster',
    )
    .argument('[paths...]', 'stack folders, directories of them, or YAML files', ['dist'])
    .addOption(atOption())
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'junit', 'scs']).default('table'),
    )
    .option(
      '--rules <prefixes>',
      'only rules whose id starts with one of these, comma-separated (e.g. capi/,scs-0211/)',
    )
    .option('--strict', 'warnings fail too')
    .option(
      '--lock <file>',
      'hold stacks to this stacks.lock.json (capi/lock-immutable; default: ./stacks.lock.json when present)',
    )
    .option('--no-lock', 'skip the lock check')
    .action((paths: string[], flags: Flags) => {
      let stacks;
      let lock;
      try {
        stacks = loadStacks(paths);
        lock = resolveLock(flags.lock);
      } catch (e) {
        if (e instanceof InputError) throw new UserError(`verify: ${e.message}`);
        throw e;
      }
      const at = flags.at ?? today();
      const rules = flags.rules
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const findings = verifyStacks(stacks, {
        at,
        data: loadVersionData(),
        rules,
        lock: lock?.lock,
        lockFile: lock?.file,
      });
      const names = stacks.map((s) => s.name);
      const out =
        flags.output === 'json'
          ? staticJson(findings, names, { at, strict: flags.strict })
          : flags.output === 'junit'
            ? junitReport(findings, names, selectRules(rules), flags.strict)
            : flags.output === 'scs'
              ? staticScs(findings)
              : staticTable(findings, names, {
                  strict: flags.strict,
                  color: !!process.stdout.isTTY && !process.env.NO_COLOR,
                });
      process.stdout.write(out);
      const c = countBy(findings);
      if (c.errors || (flags.strict && c.warnings) || (flags.output === 'scs' && out.includes(': FAIL')))
        process.exitCode = EXIT_FAIL;
    });
  registerVerifyCluster(verify);
}
