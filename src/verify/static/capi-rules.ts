import { CLASS_RULES, checkClusterClass } from '../../model/class-rules';
import { StackInput } from './load';
import { LOCK_RULES } from './lock-rules';
import { RuleInfo, StaticFinding } from './finding';

/** Cluster API's offline-checkable rules (shared with synth: src/model/class-rules.ts), per ClusterClass in a stack. */
export const CAPI_RULES: readonly RuleInfo[] = [...CLASS_RULES, ...LOCK_RULES];

export function capiFindings(stack: StackInput): StaticFinding[] {
  const objects = stack.objects.map((o) => o.obj);
  return stack.objects
    .filter((l) => l.obj.kind === 'ClusterClass')
    .flatMap((l) =>
      checkClusterClass(l.obj, objects).map((p): StaticFinding => ({
        rule: p.rule,
        severity: 'error',
        stack: stack.name,
        file: l.file,
        object: `ClusterClass ${l.obj.metadata?.name}`,
        path: p.path,
        message: p.message,
        fix: CLASS_RULES.find((r) => r.id === p.rule)!.fix,
      })),
    );
}
