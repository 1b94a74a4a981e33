import { Command } from 'commander';
import { loadVersionData } from '../../k8s-versions/data';
import { isInputError } from '../../util/errors';
import { loadStacks } from '../../verify/static/load';
import { selectRules } from '../../verify/static/catalog';
import { junitReport } from '../../verify/static/junit';
import { resolveLock } from '../../verify/static/lock-rules';
import { countBy, staticJson, staticScs, staticTable } from '../../verify/static/report';
import { runStatic } from '../../verify/static/run';
import { standardResults } from '../../verify/static/verdict';
import { EXIT_FAIL, UserError } from '../errors';
import { atOption, outputOption, today } from '../options';
import { parseStandards, scs0211Option } from '../standards';
import { registerVerifyCluster } from './verify-cluster';

interface Flags {
  at?: Date;
  output: string;
  rules?: string;
  strict?: boolean;
  lock?: string | boolean;
  scs0211?: string;
}

/** `cskit verify [paths…]` checks rendered stacks offline; `cskit verify cluster` checks a live cluster. */
export function register(program: Command): void {
  const verify = program
    .command('verify')
    .enablePositionalOptions()
    .description(
      'verify rendered cluster stacks offline (default: dist/) against Cluster API rules, scs-0210 and scs-0211; ' +
        '`verify cluster` checks a live cluster',
    )
    .argument('[paths...]', 'stack folders, directories of them, or YAML files', ['dist'])
    .addOption(atOption())
    .addOption(outputOption(['table', 'json', 'junit', 'scs']))
    .option(
      '--rules <prefixes>',
      'only rules whose id starts with one of these, comma-separated (e.g. capi/,scs-0211/)',
    )
    .option('--strict', 'warnings fail too')
    .option(
      '--lock <file>',
      'hold stacks to this stacks.lock.json (lock/immutable; default: ./stacks.lock.json when present)',
    )
    .option('--no-lock', 'skip the lock check')
    .addOption(scs0211Option())
    .action((paths: string[], flags: Flags) => {
      const rules = flags.rules
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const standards = parseStandards(flags.scs0211);
      let stacks;
      let lock;
      try {
        selectRules(rules); // a --rules typo is a usage error before any file is read
        stacks = loadStacks(paths);
        lock = resolveLock(flags.lock);
      } catch (e) {
        if (isInputError(e)) throw new UserError(`verify: ${e.message}`);
        throw e;
      }
      const at = flags.at ?? today();
      const { findings, ran, notApplicable } = runStatic(stacks, {
        at,
        data: loadVersionData(),
        rules,
        lock: lock?.lock,
        lockFile: lock?.file,
        standards,
      });
      const names = stacks.map((s) => s.name);
      // SCS verdicts judge cluster stacks; the manager's own manifests (cskit manager manifests) are not one.
      const clusterStacks = stacks.filter((s) => s.kind !== 'manager').map((s) => s.name);
      if (flags.output === 'scs' && !clusterStacks.length)
        throw new UserError('verify -o scs: no cluster stack among the inputs (the manager manifests are not one)');
      const verdicts = clusterStacks.length ? standardResults(findings, clusterStacks, ran, standards) : [];
      const out =
        flags.output === 'json'
          ? staticJson(findings, names, { at, strict: flags.strict, standards: verdicts })
          : flags.output === 'junit'
            ? junitReport(findings, names, ran, flags.strict, verdicts, notApplicable)
            : flags.output === 'scs'
              ? staticScs(verdicts)
              : staticTable(findings, names, {
                  strict: flags.strict,
                  color: !!process.stdout.isTTY && !process.env.NO_COLOR,
                  standards: verdicts,
                });
      process.stdout.write(out);
      const c = countBy(findings);
      if (
        c.errors ||
        (flags.strict && c.warnings) ||
        (flags.output === 'scs' && verdicts.some((v) => v.verdict === 'FAIL'))
      )
        process.exitCode = EXIT_FAIL;
    });
  registerVerifyCluster(verify);
}
