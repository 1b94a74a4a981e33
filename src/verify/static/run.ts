// The offline verifier in one call: every rule family (Cluster API, schemas, lock, SCS standards) over loaded stacks,
// and the standards' verdicts. The CLI only loads the input and prints what this returns.

import { VersionData } from '../../k8s-versions/data';
import { LockFile } from '../../model/lock';
import { DEFAULT_VERSIONS, StandardVersions } from '../standards';
import { CAPI_RULES, capiFindings } from './capi-rules';
import { selectRules } from './catalog';
import { contractFindings } from './contract-rules';
import { RuleInfo, StaticFinding } from './finding';
import { StackInput } from './load';
import { LOCK_RULES, classNameFindings, lockFindings } from './lock-rules';
import { managerFindings } from './manager-rules';
import { schemaFindings, wantsSchema } from './schema-rules';
import { storageFindings, versionFindings } from './scs-rules';

export interface StaticOptions {
  readonly at: Date;
  readonly data: VersionData;
  /** Only rules whose id starts with one of these prefixes (e.g. `capi/`, `scs-0211`); an unknown one throws. */
  readonly rules?: readonly string[];
  /** The lock to hold released stacks to (lock/immutable); none: the rule is skipped. */
  readonly lock?: LockFile;
  readonly lockFile?: string;
  /** The version of each standard to judge by (default: the stable ones). */
  readonly standards?: StandardVersions;
}

export interface StaticResult {
  readonly findings: StaticFinding[];
  /** The rules that ran (all, or what `rules` selected): verdicts need to know what was not checked. */
  readonly ran: readonly RuleInfo[];
  /**
   * `stack\0rule` → why the rule had nothing to judge there (a stack without ClusterClass gives the class rules
   * nothing), so reports say "not checked" instead of a pass.
   */
  readonly notApplicable: ReadonlyMap<string, string>;
}

/** Every offline rule over the given stacks. Pure: reads nothing but its input. */
export function verifyStacks(stacks: readonly StackInput[], opts: StaticOptions): StaticFinding[] {
  return runStatic(stacks, opts).findings;
}

export function runStatic(stacks: readonly StackInput[], opts: StaticOptions): StaticResult {
  // without a lock, lock/immutable does not run: it must not be listed (JUnit) as a rule that passed
  const ran = selectRules(opts.rules).filter((r) => opts.lock || r.id !== 'lock/immutable');
  const versions = opts.standards ?? DEFAULT_VERSIONS;
  // The manager's own manifests are not a cluster stack: only the schema and manager/ rules judge them.
  const clusterStacks = stacks.filter((s) => s.kind !== 'manager');
  const all = [
    ...clusterStacks.flatMap((s) => [
      ...capiFindings(s, ran),
      ...contractFindings(s),
      ...storageFindings(s, versions),
      ...lockFindings(s, opts.lock, opts.lockFile),
    ]),
    ...classNameFindings(clusterStacks),
    ...versionFindings(clusterStacks, opts.at, opts.data),
    ...stacks.flatMap((s) => (ran.some((r) => r.id.startsWith('manager/')) ? managerFindings(s) : [])),
  ];
  if (wantsSchema(opts.rules)) all.push(...schemaFindings(stacks, all));
  const ids = new Set(ran.map((r) => r.id));
  // scs-0210 findings carry the engine's codes; a code the catalogue lacks still belongs to a selected family
  const kept = opts.rules?.length
    ? all.filter((f) => ids.has(f.rule) || opts.rules!.some((r) => f.rule.startsWith(r)))
    : all;
  const notApplicable = new Map<string, string>();
  const classBound = new Set([...CAPI_RULES, ...LOCK_RULES.filter((r) => r.id === 'lock/immutable')]);
  for (const s of stacks)
    if (s.kind === 'manager') {
      for (const r of ran)
        if (!r.id.startsWith('manager/') && !r.id.startsWith('schema/'))
          notApplicable.set(`${s.name}\0${r.id}`, "the addon manager's manifests, not a cluster stack");
    } else if (!s.objects.some((o) => o.obj.kind === 'ClusterClass'))
      for (const r of ran)
        if (classBound.has(r)) notApplicable.set(`${s.name}\0${r.id}`, 'no ClusterClass in the stack');
  return { findings: kept, ran, notApplicable };
}
