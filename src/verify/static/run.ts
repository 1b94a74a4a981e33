import { VersionData } from '../../k8s-versions/data';
import { LockFile } from '../../model/lock';
import { capiFindings } from './capi-rules';
import { StaticFinding } from './finding';
import { StackInput } from './load';
import { classNameFindings, lockFindings } from './lock-rules';
import { schemaFindings, wantsSchema } from './schema-rules';
import { storageFindings, versionFindings } from './scs-rules';

export interface StaticOptions {
  readonly at: Date;
  readonly data: VersionData;
  /** Only rules whose id starts with one of these prefixes (e.g. `capi/`, `scs-0211`). */
  readonly rules?: readonly string[];
  /** The lock to hold released stacks to (capi/lock-immutable); none: the rule is skipped. */
  readonly lock?: LockFile;
  readonly lockFile?: string;
}

/** Every offline rule over the given stacks. Pure: reads nothing but its input. */
export function verifyStacks(stacks: readonly StackInput[], opts: StaticOptions): StaticFinding[] {
  const all = [
    ...stacks.flatMap((s) => [...capiFindings(s), ...storageFindings(s), ...lockFindings(s, opts.lock, opts.lockFile)]),
    ...classNameFindings(stacks),
    ...versionFindings(stacks, opts.at, opts.data),
  ];
  if (wantsSchema(opts.rules)) all.push(...schemaFindings(stacks, all));
  return opts.rules?.length ? all.filter((f) => opts.rules!.some((r) => f.rule.startsWith(r))) : all;
}
