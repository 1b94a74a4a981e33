import { CAPI_RULES } from './capi-rules';
import { RuleInfo } from './finding';
import { SCHEMA_RULES } from './schema-rules';
import { SCS_0210_RULES, SCS_0211_RULES } from './scs-rules';

/** Every offline rule cskit knows (docs/rules.md documents each; JUnit lists one testcase per rule and stack). */
export const STATIC_RULES: readonly RuleInfo[] = [...SCHEMA_RULES, ...CAPI_RULES, ...SCS_0211_RULES, ...SCS_0210_RULES];

/** The rules a `--rules` prefix filter keeps (all without a filter). */
export function selectRules(prefixes?: readonly string[], rules: readonly RuleInfo[] = STATIC_RULES): RuleInfo[] {
  return rules.filter((r) => !prefixes?.length || prefixes.some((p) => r.id.startsWith(p)));
}
