import { AddonInput } from '../model/addon';
import { RenderContext } from './context';
import { hasTemplate, lookup, renderString, singleExpression, templatePaths, TemplateSyntaxError } from './template';

/** One or more problems rendering an addon; each line names addon, object, field and variable. */
export class AddonRenderError extends Error {
  constructor(public readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'AddonRenderError';
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** `Kind namespace/name` of an object, for messages. */
export function describeObject(o: unknown): string {
  const obj = (o ?? {}) as { kind?: string; metadata?: { name?: string; namespace?: string } };
  const ns = obj.metadata?.namespace ? `${obj.metadata.namespace}/` : '';
  return `${obj.kind ?? '?'} ${ns}${obj.metadata?.name ?? '?'}`;
}

/** Calls `fn` for every string leaf (values only, never keys) with its field path. */
export function walkStrings(v: Json, path: string, fn: (s: string, path: string) => void): void {
  if (typeof v === 'string') fn(v, path);
  else if (Array.isArray(v)) v.forEach((x, i) => walkStrings(x, `${path}[${i}]`, fn));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) walkStrings(x, path ? `${path}.${k}` : k, fn);
}

/** Every variable path used in `objects` (for the index and for checking declared inputs at synth). */
export function usedPaths(addon: string, objects: readonly unknown[]): { paths: string[]; problems: string[] } {
  const paths = new Set<string>();
  const problems: string[] = [];
  for (const o of objects) {
    walkStrings(o as Json, '', (s, field) => {
      if (!hasTemplate(s)) return;
      try {
        for (const p of templatePaths(s)) paths.add(p);
      } catch (e) {
        problems.push(`addon ${addon}, ${describeObject(o)}, field ${field}: ${(e as Error).message}`);
      }
    });
  }
  return { paths: [...paths].sort(), problems };
}

function coerce(value: unknown, type: AddonInput['type']): { ok: true; value: Json } | { ok: false } {
  switch (type) {
    case 'string':
      return typeof value === 'object' ? { ok: false } : { ok: true, value: String(value) };
    case 'integer': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && /^-?\d+$/.test(value.trim())
            ? Number(value)
            : NaN;
      return Number.isSafeInteger(n) ? { ok: true, value: n } : { ok: false };
    }
    case 'number': {
      const n =
        typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false };
    }
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 'true' || value === 'false') return { ok: true, value: value === 'true' };
      return { ok: false };
  }
}

/**
 * Renders every string leaf of an addon's parsed objects for one cluster. The structure is never parsed
 * again, so a value (with `: `, newlines, `---`, `{{`, quotes…) only ever becomes the text of one leaf.
 * A leaf that is exactly one expression of a declared non-string input becomes a typed value.
 * All missing variables are reported together; nothing is returned half-rendered.
 */
export function renderAddonObjects<T>(
  addon: string,
  inputs: readonly AddonInput[],
  objects: readonly T[],
  ctx: RenderContext,
): T[] {
  const problems: string[] = [];
  const declared = new Map(inputs.map((i) => [i.path, i]));
  const visit = (v: Json, field: string, obj: unknown): Json => {
    if (typeof v === 'string') {
      if (!hasTemplate(v)) return v;
      let paths: string[];
      try {
        paths = templatePaths(v);
      } catch (e) {
        problems.push(`addon ${addon}, ${describeObject(obj)}, field ${field}: ${(e as TemplateSyntaxError).message}`);
        return v;
      }
      const missing = paths.filter((p) => lookup(ctx, p) === undefined);
      for (const p of missing) {
        problems.push(
          `addon ${addon}, ${describeObject(obj)}, field ${field}: variable "${p}" is not set for cluster ` +
            `${ctx.cluster.name}` +
            (p.startsWith('variables.')
              ? ` (set it in the Cluster's spec.topology.variables or give the ClusterClass variable a default)`
              : ''),
        );
      }
      if (missing.length) return v;
      const single = singleExpression(v);
      const input = single ? declared.get(single) : undefined;
      if (single && input && input.type !== 'string') {
        const c = coerce(lookup(ctx, single), input.type);
        if (!c.ok) {
          problems.push(
            `addon ${addon}, ${describeObject(obj)}, field ${field}: variable "${single}" must be ${input.type}, ` +
              `got ${JSON.stringify(lookup(ctx, single))}`,
          );
          return v;
        }
        return c.value;
      }
      for (const p of paths) {
        const val = lookup(ctx, p);
        if (typeof val === 'object') {
          problems.push(
            `addon ${addon}, ${describeObject(obj)}, field ${field}: variable "${p}" is a ` +
              `${Array.isArray(val) ? 'list' : 'map'}; only scalar values can be placed in a string`,
          );
          return v;
        }
      }
      return renderString(v, ctx);
    }
    if (Array.isArray(v)) return v.map((x, i) => visit(x, `${field}[${i}]`, obj));
    if (v && typeof v === 'object') {
      const out: { [k: string]: Json } = {};
      for (const [k, x] of Object.entries(v)) out[k] = visit(x, field ? `${field}.${k}` : k, obj);
      return out;
    }
    return v;
  };
  const rendered = objects.map((o) => visit(o as unknown as Json, '', o) as unknown as T);
  if (problems.length) throw new AddonRenderError(problems);
  return rendered;
}
