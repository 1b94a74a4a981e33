/**
 * Handlebars in addon objects: only plain paths (`{{cluster.name}}`, `{{variables.networkMTU}}`) inside
 * string leaves. Helpers, blocks and partials are refused, so a template can only look values up.
 */

import Handlebars from 'handlebars';

/** A template expression that is not a plain path (helpers, blocks, partials), or broken syntax. */
export class TemplateSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

export function hasTemplate(s: string): boolean {
  return s.includes('{{');
}

interface PathNode {
  type: string;
  original: string;
  parts: string[];
  data?: boolean;
  depth?: number;
}
interface Stmt {
  type: string;
  path?: PathNode;
  params?: unknown[];
  hash?: unknown;
}

/** The variable paths a template string uses, in order of appearance (duplicates kept once). */
export function templatePaths(source: string): string[] {
  let ast: { body: Stmt[] };
  try {
    ast = Handlebars.parse(source) as unknown as { body: Stmt[] };
  } catch (e) {
    throw new TemplateSyntaxError(`invalid Handlebars expression: ${(e as Error).message.split('\n')[0]}`);
  }
  const paths: string[] = [];
  for (const s of ast.body) {
    if (s.type === 'ContentStatement' || s.type === 'CommentStatement') continue;
    if (
      s.type !== 'MustacheStatement' ||
      !s.path ||
      s.path.type !== 'PathExpression' ||
      (s.params?.length ?? 0) > 0 ||
      s.hash
    ) {
      throw new TemplateSyntaxError(
        `only plain {{path}} expressions are allowed (helpers, blocks and partials are not): ${JSON.stringify(source)}`,
      );
    }
    if (s.path.data || (s.path.depth ?? 0) > 0 || s.path.parts.length === 0 || s.path.original.startsWith('this')) {
      throw new TemplateSyntaxError(`expression {{${s.path.original}}} must be a dotted path like cluster.name`);
    }
    const p = s.path.parts.join('.');
    if (!paths.includes(p)) paths.push(p);
  }
  return paths;
}

/** Whether the whole string is one expression, e.g. `{{variables.networkMTU}}` (typed coercion applies). */
export function singleExpression(source: string): string | undefined {
  const m = /^\{\{\{?\s*([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\s*\}?\}\}$/.exec(source);
  return m ? m[1] : undefined;
}

/** Looks a dotted path up; `undefined` when any step is missing (null counts as missing). */
export function lookup(ctx: unknown, path: string): unknown {
  let cur: unknown = ctx;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur ?? undefined;
}

/** Renders a string; the caller has checked every path resolves. Values are inserted verbatim (no HTML escaping). */
export function renderString(source: string, ctx: unknown): string {
  return Handlebars.compile(source, { strict: true, noEscape: true })(ctx);
}
