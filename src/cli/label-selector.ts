/**
 * Checks a `--selector` value against the label-selector syntax Kubernetes accepts (`app=web`, `tier!=db`,
 * `env in (a,b)`, `env notin (c)`, `gpu`, `!gpu`, `replicas>2`), so that a typo is a usage error before any cluster is
 * contacted, not an ABORT from the server's 400 half-way through a fleet run.
 */
import { UserError } from './errors';

const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const LABEL_FORM = "at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a label key (`[prefix/]name`), or undefined. */
function keyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = key.slice(slash + 1);
  if (prefix !== undefined && (!SUBDOMAIN.test(prefix) || prefix.length > 253))
    return `key prefix "${prefix}" is not a DNS subdomain`;
  if (!NAME.test(name) || name.length > 63) return `key "${key}" is not a label key (${LABEL_FORM})`;
  return undefined;
}

function valueProblem(value: string): string | undefined {
  if (value === '' || (NAME.test(value) && value.length <= 63)) return undefined;
  return `value "${value}" is not a label value (${LABEL_FORM})`;
}

/** Splits on commas outside parentheses. */
function requirements(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Why one requirement is invalid, or undefined. */
function requirementProblem(r: string): string | undefined {
  const t = r.trim();
  if (!t) return 'an empty requirement (two commas, or a comma at an end)';
  let m = /^!\s*([^\s=!<>(),]+)$/.exec(t);
  if (m) return keyProblem(m[1]);
  m = /^([^\s=!<>(),]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(t);
  if (m) {
    const values = m[3].split(',').map((v) => v.trim());
    if (values.length === 1 && values[0] === '') return `"${m[2]}" needs at least one value in the parentheses`;
    return keyProblem(m[1]) ?? values.map(valueProblem).find(Boolean);
  }
  m = /^([^\s=!<>(),]+)\s*(==|=|!=)\s*([^\s=!<>(),]*)$/.exec(t);
  if (m) return keyProblem(m[1]) ?? valueProblem(m[3]);
  m = /^([^\s=!<>(),]+)\s*([<>])\s*([^\s=!<>(),]*)$/.exec(t);
  if (m) return keyProblem(m[1]) ?? (/^-?\d+$/.test(m[3]) ? undefined : `"${m[2]}" needs a whole number`);
  m = /^([^\s=!<>(),]+)$/.exec(t);
  if (m) return keyProblem(m[1]);
  return `"${t}" is not a requirement`;
}

/** The selector as given, if Kubernetes would accept it; else a usage error naming the flag and the problem. */
export function parseLabelSelector(flag: string, s: string): string {
  const problem =
    s.trim() === ''
      ? 'it is empty (leave the flag out to select all)'
      : requirements(s).map(requirementProblem).find(Boolean);
  if (problem) {
    throw new UserError(
      `${flag}: invalid label selector "${s}": ${problem}; expecting comma-separated requirements such as ` +
        'app=web, tier!=db, env in (a,b), env notin (c), gpu or !gpu',
    );
  }
  return s;
}
