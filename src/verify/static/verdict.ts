/**
 * The standards' verdicts over everything `cskit verify` checked, the same for every output format. A verdict is
 * PASS only when every rule of the standard ran and left its evidence (scs-0211: a judged default StorageClass in
 * every stack; scs-0210: Kubernetes versions judged by the version engine); FAIL when a rule failed or the evidence is
 * missing; NOT CHECKED when `--rules` left some of its rules out and none of those that ran failed.
 */

import { STANDARDS, StandardId, StandardVersions } from '../standards';
import { STATIC_RULES } from './catalog';
import { RuleInfo, StaticFinding } from './finding';

/** A standard's verdict over the stacks (see the module comment for when each applies). */
export type StandardVerdict = 'PASS' | 'FAIL' | 'NOT CHECKED';

export interface StandardResult {
  readonly standard: StandardId;
  /** The version of the standard the verdict is for, e.g. `v1`. */
  readonly version: string;
  /** The SCS result line name. */
  readonly check: string;
  readonly verdict: StandardVerdict;
  /** Why, in one line: the failing rules, the missing evidence, or the rules left out. */
  readonly reason: string;
}

/** The rules whose warning still means the standard is not met (the lines answer "is this set compliant?"). */
const NOT_MET = new Set(['scs-0211/development-stack']);

function evidence(id: StandardId, findings: readonly StaticFinding[], stacks: readonly string[]): string | undefined {
  if (id === 'scs-0211') {
    const judged = new Set(findings.filter((f) => f.rule === 'scs-0211/properties').map((f) => f.stack));
    const without = stacks.filter((s) => !judged.has(s));
    return without.length ? `no default StorageClass was judged for ${without.join(', ')}` : undefined;
  }
  return findings.some((f) => f.rule.startsWith('scs-0210/') && f.severity === 'info')
    ? undefined
    : 'no Kubernetes version was judged';
}

export function standardResults(
  findings: readonly StaticFinding[],
  stacks: readonly string[],
  ran: readonly RuleInfo[],
  versions: StandardVersions,
): StandardResult[] {
  return Object.values(STANDARDS).map((s) => {
    const prefix = `${s.id}/`;
    const base = { standard: s.id, version: versions[s.id], check: s.check };
    const failing = findings.filter(
      (f) => f.rule.startsWith(prefix) && (f.severity === 'error' || NOT_MET.has(f.rule)),
    );
    if (failing.length)
      return { ...base, verdict: 'FAIL', reason: [...new Set(failing.map((f) => f.rule))].join(', ') };
    const all = STATIC_RULES.filter((r) => r.id.startsWith(prefix));
    const left = all.filter((r) => !ran.includes(r));
    if (left.length)
      return {
        ...base,
        verdict: 'NOT CHECKED',
        reason:
          left.length === all.length
            ? '--rules left out all of its rules'
            : `--rules left out ${left.map((r) => r.id).join(', ')}`,
      };
    const missing = evidence(s.id, findings, stacks);
    if (missing) return { ...base, verdict: 'FAIL', reason: missing };
    return {
      ...base,
      verdict: 'PASS',
      reason:
        s.id === 'scs-0211'
          ? `a default StorageClass judged in each of ${stacks.length} stack(s)`
          : 'the Kubernetes versions offered were judged',
    };
  });
}
