/**
 * THE label selector: parsed strictly against the syntax Kubernetes accepts (`app=web`, `tier!=db`, `env in (a,b)`,
 * `env notin (c)`, `gpu`, `!gpu`, `replicas>2`) and matched against an object's labels with the API server's
 * semantics. The CLI checks `--selector` values with it (a typo is a usage error before any cluster is contacted);
 * the addon manager both sends the selector to the server (list/watch) and matches a persisted Cluster's labels with
 * it (a hook or a queued key for a Cluster outside its shard is not its to decide).
 */
import { InputError } from './errors';

export type SelectorOp = 'exists' | 'notexists' | 'in' | 'notin' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly op: SelectorOp;
  readonly values: readonly string[];
}

export interface LabelSelector {
  /** The selector text as given (sent to the API server as `labelSelector`). */
  readonly text: string;
  readonly requirements: readonly Requirement[];
}

const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const LABEL_FORM = "at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const SELECTOR_EXAMPLES = 'app=web, tier!=db, env in (a,b), env notin (c), gpu or !gpu';

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
function split(s: string): string[] {
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

class Problem extends Error {}
const fail = (why: string | undefined) => {
  if (why) throw new Problem(why);
};

function requirement(r: string): Requirement {
  const t = r.trim();
  if (!t) throw new Problem('an empty requirement (two commas, or a comma at an end)');
  let m = /^!\s*([^\s=!<>(),]+)$/.exec(t);
  if (m) {
    fail(keyProblem(m[1]));
    return { key: m[1], op: 'notexists', values: [] };
  }
  m = /^([^\s=!<>(),]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(t);
  if (m) {
    const values = m[3].split(',').map((v) => v.trim());
    if (values.length === 1 && values[0] === '')
      throw new Problem(`"${m[2]}" needs at least one value in the parentheses`);
    fail(keyProblem(m[1]) ?? values.map(valueProblem).find(Boolean));
    return { key: m[1], op: m[2] as 'in' | 'notin', values };
  }
  m = /^([^\s=!<>(),]+)\s*(==|=|!=)\s*([^\s=!<>(),]*)$/.exec(t);
  if (m) {
    fail(keyProblem(m[1]) ?? valueProblem(m[3]));
    return { key: m[1], op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]] };
  }
  m = /^([^\s=!<>(),]+)\s*([<>])\s*([^\s=!<>(),]*)$/.exec(t);
  if (m) {
    fail(keyProblem(m[1]) ?? (/^-?\d+$/.test(m[3]) ? undefined : `"${m[2]}" needs a whole number`));
    return { key: m[1], op: m[2] === '>' ? 'gt' : 'lt', values: [m[3]] };
  }
  m = /^([^\s=!<>(),]+)$/.exec(t);
  if (m) {
    fail(keyProblem(m[1]));
    return { key: m[1], op: 'exists', values: [] };
  }
  throw new Problem(`"${t}" is not a requirement`);
}

/** Why `s` is not a selector Kubernetes accepts (empty counts: leave the flag out to select all), or undefined. */
export function selectorProblem(s: string): string | undefined {
  try {
    parse(s);
    return undefined;
  } catch (e) {
    if (e instanceof Problem) return e.message;
    throw e;
  }
}

function parse(s: string): LabelSelector {
  if (s.trim() === '') throw new Problem('it is empty (leave the flag out to select all)');
  return { text: s, requirements: split(s).map(requirement) };
}

/** Parses `s`; an InputError naming `what`, the problem and the accepted forms when it does not parse. */
export function parseLabelSelector(what: string, s: string): LabelSelector {
  const problem = selectorProblem(s);
  if (problem)
    throw new InputError(
      `${what}: invalid label selector "${s}": ${problem}; expecting comma-separated requirements such as ` +
        SELECTOR_EXAMPLES,
    );
  return parse(s);
}

/** Whether labels satisfy every requirement (as the API server decides: `!=` and `notin` match a missing label). */
export function selectorMatches(sel: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  const l = labels ?? {};
  return sel.requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case 'in':
        return has && r.values.includes(v);
      case 'notin':
        return !has || !r.values.includes(v);
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(v)) return false;
        return r.op === 'gt' ? Number(v) > Number(r.values[0]) : Number(v) < Number(r.values[0]);
      }
    }
  });
}
