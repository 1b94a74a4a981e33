/**
 * Cluster API's offline-checkable rules (the class rules shared with synth: src/model/class-rules.ts) and the
 * contract rule (contract-rules.ts), per ClusterClass in a stack.
 */

import { CLASS_RULES, ClassRule, checkClusterClass } from '../../model/class-rules';
import { StackInput } from './load';
import { RuleInfo, StaticFinding } from './finding';
import { CONTRACT_RULES } from './contract-rules';

/** The class rules and the contract rule, as the catalogue lists them. */
export const CAPI_RULES: readonly RuleInfo[] = [...CLASS_RULES, ...CONTRACT_RULES];

/** The class rules among `selected` (all by default) over every ClusterClass of the stack. */
export function capiFindings(stack: StackInput, selected?: readonly RuleInfo[]): StaticFinding[] {
  const rules: readonly ClassRule[] = selected ? CLASS_RULES.filter((r) => selected.includes(r)) : CLASS_RULES;
  if (!rules.length) return [];
  const byId = new Map(rules.map((r) => [r.id, r]));
  const objects = stack.objects.map((o) => o.obj);
  return stack.objects
    .filter((l) => l.obj.kind === 'ClusterClass')
    .flatMap((l) =>
      checkClusterClass(l.obj, objects, rules).map((p): StaticFinding => ({
        rule: p.rule,
        severity: 'error',
        stack: stack.name,
        file: l.file,
        object: `ClusterClass ${l.obj.metadata?.name}`,
        path: p.path,
        message: p.message,
        fix: byId.get(p.rule)?.fix,
      })),
    );
}
