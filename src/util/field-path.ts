/**
 * Field paths as every finding prints them (`spec.patches[3].definitions[0].jsonPatches[0].path`,
 * `metadata.annotations["storageclass.kubernetes.io/is-default-class"]`): one helper, so the ClusterClass rules, the
 * schema rules and the StorageClass rules name fields the same way (and a path reads like `yq`/`kubectl explain` ones).
 */

/** A key that can follow a dot; anything else (a `/`, a `.`, a space) is written in brackets as a JSON string. */
const IDENT = /^[A-Za-z_$][\w$-]*$/;

/** `parent` + segments: a number is a list index (`[2]`), a string a field (`.name` or `["a/b"]`). */
export function fieldPath(parent: string, ...segments: ReadonlyArray<string | number>): string {
  let out = parent;
  for (const s of segments) out = typeof s === 'number' ? `${out}[${s}]` : fieldKey(out, s);
  return out;
}

/** One field below `parent`: the allocation-free form for walks that visit every node. */
export function fieldKey(parent: string, key: string): string {
  if (IDENT.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

/** A JSON pointer (`/spec/items/0/name`) as a field path, walking `data`: a numeric key is an index only in a list. */
export function pointerPath(pointer: string, data: unknown): string {
  if (!pointer) return '';
  let out = '';
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(key)) {
      out = fieldPath(out, Number(key));
      cur = cur[Number(key)];
    } else {
      out = fieldPath(out, key);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}
