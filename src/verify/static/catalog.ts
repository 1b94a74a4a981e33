import { CAPI_RULES } from './capi-rules';
import { RuleInfo } from './finding';
import { InputError } from '../../util/errors';
import { LOCK_RULES } from './lock-rules';
import { MANAGER_RULES } from './manager-rules';
import { SCHEMA_RULES } from './schema-rules';
import { SCS_0210_RULES, SCS_0211_RULES } from './scs-rules';

/**
 * Every offline rule cskit knows, one typed record each (docs/rules.md documents each, and a test holds the two
 * together; JUnit lists one testcase per rule and stack).
 */
export const STATIC_RULES: readonly RuleInfo[] = [
  ...SCHEMA_RULES,
  ...CAPI_RULES,
  ...LOCK_RULES,
  ...SCS_0211_RULES,
  ...SCS_0210_RULES,
  ...MANAGER_RULES,
];

/** The families (`capi/`, `lock/`, …): what `--rules` is usually given, and what its usage error lists. */
export function ruleFamilies(rules: readonly RuleInfo[] = STATIC_RULES): string[] {
  return [...new Set(rules.map((r) => `${r.id.split('/')[0]}/`))];
}

export function ruleById(id: string): RuleInfo | undefined {
  return STATIC_RULES.find((r) => r.id === id);
}

/**
 * The rules a `--rules` prefix filter keeps (all without a filter). A prefix that selects no rule (a typo such as
 * `scs-211/`) is a usage error listing the known families: silently checking nothing would report PASS.
 */
export function selectRules(prefixes?: readonly string[], rules: readonly RuleInfo[] = STATIC_RULES): RuleInfo[] {
  if (!prefixes?.length) return [...rules];
  const unknown = prefixes.filter((p) => !rules.some((r) => r.id.startsWith(p)));
  if (unknown.length)
    throw new InputError(
      `--rules ${unknown.map((p) => JSON.stringify(p)).join(', ')} select${unknown.length === 1 ? 's' : ''} no rule; ` +
        `known prefixes: ${ruleFamilies(rules).join(', ')} (or a rule id from docs/rules.md)`,
    );
  return rules.filter((r) => prefixes.some((p) => r.id.startsWith(p)));
}
