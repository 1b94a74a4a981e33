import { stringify } from 'yaml';
import { KObject } from '../kube/types';

/**
 * What a user compares: the object without the fields the server maintains (managedFields, resourceVersion,
 * generation, uid, creationTimestamp, status), as YAML with sorted keys so the diff shows content only.
 */
const SERVER_FIELDS = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp'];

export function normalize(obj: KObject | undefined): KObject | undefined {
  if (!obj) return undefined;
  const { status: _status, ...rest } = obj;
  const metadata: Record<string, unknown> = { ...(obj.metadata ?? {}) };
  for (const f of SERVER_FIELDS) delete metadata[f];
  if (metadata.annotations && Object.keys(metadata.annotations as object).length === 0) delete metadata.annotations;
  return sortKeys({ ...rest, metadata }) as KObject;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
}

/** Same content once server-maintained fields are ignored. */
export function sameContent(a: KObject | undefined, b: KObject | undefined): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

/** Same `spec` (and for spec-less kinds such as ConfigMaps, same data). */
export function sameSpec(a: KObject, b: KObject): boolean {
  const pick = (o: KObject) => JSON.stringify(sortKeys({ spec: o.spec, data: o.data, stringData: o.stringData }));
  return pick(a) === pick(b);
}

export const toYaml = (obj: KObject | undefined): string => (obj ? stringify(normalize(obj), { lineWidth: 0 }) : '');

/**
 * A unified diff of two texts (3 lines of context), from a longest-common-subsequence table: the objects apply
 * compares are at most a few thousand lines, so the quadratic table stays small.
 */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  if (oldText === newText) return '';
  const a = oldText === '' ? [] : oldText.replace(/\n$/, '').split('\n');
  const b = newText === '' ? [] : newText.replace(/\n$/, '').split('\n');
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  // The edit script: ' ' keep, '-' remove, '+' add, with positions in both texts.
  const ops: Array<{ op: ' ' | '-' | '+'; line: string }> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { ops.push({ op: ' ', line: a[i] }); i++; j++; } else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) { ops.push({ op: '-', line: a[i] }); i++; } else { ops.push({ op: '+', line: b[j] }); j++; }
  }
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  let k = 0;
  while (k < ops.length) {
    if (ops[k].op === ' ') { k++; continue; }
    // A hunk: from `context` lines before the change to `context` lines after the last change within reach.
    let start = Math.max(0, k - context);
    let end = k;
    while (end < ops.length) {
      if (ops[end].op !== ' ') { end++; continue; }
      let run = 0;
      while (end + run < ops.length && ops[end + run].op === ' ') run++;
      if (end + run >= ops.length || run > 2 * context) { end = Math.min(ops.length, end + context); break; }
      end += run;
    }
    let oldStart = 1;
    let newStart = 1;
    for (let x = 0; x < start; x++) { if (ops[x].op !== '+') oldStart++; if (ops[x].op !== '-') newStart++; }
    const hunk = ops.slice(start, end);
    const oldLen = hunk.filter((o) => o.op !== '+').length;
    const newLen = hunk.filter((o) => o.op !== '-').length;
    out.push(`@@ -${oldLen ? oldStart : oldStart - 1},${oldLen} +${newLen ? newStart : newStart - 1},${newLen} @@`);
    for (const o of hunk) out.push(`${o.op}${o.line}`);
    k = end;
    start = end;
  }
  return `${out.join('\n')}\n`;
}

/**
 * Secret values never reach the terminal: in a diff of two Secrets every value of `data`/`stringData` becomes
 * `***`, or `*** (before)` / `*** (after)` where it changed (as `kubectl diff` shows them).
 */
export function maskSecrets(live: KObject | undefined, next: KObject | undefined): [KObject | undefined, KObject | undefined] {
  const isSecret = (o?: KObject) => o?.kind === 'Secret' && (o.apiVersion === 'v1' || o.apiVersion === undefined);
  if (!isSecret(live) && !isSecret(next)) return [live, next];
  const mask = (o: KObject | undefined, other: KObject | undefined, tag: string): KObject | undefined => {
    if (!o) return o;
    const out: KObject = { ...o };
    for (const field of ['data', 'stringData'] as const) {
      const values = o[field] as Record<string, string> | undefined;
      if (!values || typeof values !== 'object') continue;
      const theirs = (other?.[field] ?? {}) as Record<string, string>;
      out[field] = Object.fromEntries(Object.keys(values).map((k) => [k, k in theirs && theirs[k] !== values[k] ? `*** (${tag})` : '***']));
    }
    return out;
  };
  return [mask(live, next, 'before'), mask(next, live, 'after')];
}
