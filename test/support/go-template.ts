/**
 * A small interpreter for the subset of Go text/template (plus the sprig functions) that our ClusterClass
 * patches use, so unit tests can apply a class's patches the way Cluster API's topology controller does.
 * Supported: {{ if }}/{{ else }}/{{ end }}, {{ range $i, $v := X }}, {{ $x := X }}, {{ $x = X }},
 * pipelines `a | f`, fields `.a.b`, `$v.a`, literals, parentheses, and eq, ne, and, or, not, printf, toJson, quote.
 * Missing fields behave as Go's zero value (falsy, prints "<no value>").
 */
type Scope = { dot: unknown; vars: Map<string, unknown> };
type Node =
  | { t: 'text'; s: string }
  | { t: 'action'; expr: string }
  | { t: 'if'; cond: string; then: Node[]; else: Node[] }
  | { t: 'range'; keyVar?: string; valVar?: string; expr: string; body: Node[] };

export function renderGoTemplate(tpl: string, data: unknown): string {
  const tokens = tpl.split(/(\{\{-?[\s\S]*?-?\}\})/).filter((s) => s !== '');
  let i = 0;
  const parse = (stop: string[]): { nodes: Node[]; end: string } => {
    const nodes: Node[] = [];
    while (i < tokens.length) {
      const tok = tokens[i++];
      if (!tok.startsWith('{{')) {
        nodes.push({ t: 'text', s: tok });
        continue;
      }
      const body = tok.replace(/^\{\{-?\s*/, '').replace(/\s*-?\}\}$/, '');
      const word = body.split(/\s+/)[0];
      if (stop.includes(word)) return { nodes, end: word };
      if (word === 'if') {
        const then = parse(['else', 'end']);
        const els = then.end === 'else' ? parse(['end']).nodes : [];
        nodes.push({ t: 'if', cond: body.slice(2).trim(), then: then.nodes, else: els });
      } else if (word === 'range') {
        const m = /^range\s+(?:(\$\w+)\s*(?:,\s*(\$\w+))?\s*:=\s*)?(.*)$/.exec(body)!;
        const [keyVar, valVar] = m[2] ? [m[1], m[2]] : [undefined, m[1]];
        nodes.push({ t: 'range', keyVar, valVar, expr: m[3], body: parse(['end']).nodes });
      } else {
        nodes.push({ t: 'action', expr: body });
      }
    }
    if (stop.length) throw new Error(`template: missing {{ end }} in ${tpl}`);
    return { nodes, end: '' };
  };
  const ast = parse([]).nodes;
  return exec(ast, { dot: data, vars: new Map([['$', data]]) });
}

function exec(nodes: Node[], sc: Scope): string {
  let out = '';
  for (const n of nodes) {
    if (n.t === 'text') out += n.s;
    else if (n.t === 'if') out += exec(truthy(evalPipeline(n.cond, sc)) ? n.then : n.else, sc);
    else if (n.t === 'range') {
      const coll = evalPipeline(n.expr, sc) ?? [];
      const entries: Array<[unknown, unknown]> = Array.isArray(coll)
        ? coll.map((v, k) => [k, v])
        : Object.entries(coll);
      for (const [k, v] of entries) {
        const vars = new Map(sc.vars);
        if (n.keyVar) vars.set(n.keyVar, k);
        if (n.valVar) vars.set(n.valVar, v);
        out += exec(n.body, { dot: v, vars });
      }
    } else {
      const assign = /^(\$\w+)\s*(:?=)\s*(.*)$/.exec(n.expr);
      if (assign) sc.vars.set(assign[1], evalPipeline(assign[3], sc));
      else out += print(evalPipeline(n.expr, sc));
    }
  }
  return out;
}

function print(v: unknown): string {
  if (v === undefined || v === null) return '<no value>';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return !!v;
}

const FUNCS: Record<string, (...a: unknown[]) => unknown> = {
  eq: (a, ...b) => b.some((x) => x === a),
  ne: (a, b) => a !== b,
  and: (...a) => a.find((x) => !truthy(x)) ?? a[a.length - 1],
  or: (...a) => a.find((x) => truthy(x)) ?? a[a.length - 1],
  not: (a) => !truthy(a),
  printf: (fmt, ...a) => {
    let k = 0;
    return String(fmt).replace(/%[sdv]/g, () => print(a[k++]));
  },
  toJson: (a) => JSON.stringify(a ?? null),
  quote: (a) => JSON.stringify(print(a)),
};

function tokenize(expr: string): string[] {
  return expr.match(/"(?:[^"\\]|\\.)*"|\(|\)|\||[^\s()|]+/g) ?? [];
}

function evalPipeline(expr: string, sc: Scope): unknown {
  const toks = tokenize(expr);
  let pos = 0;
  const pipeline = (): unknown => {
    let v = command();
    while (toks[pos] === '|') {
      pos++;
      v = command([v]);
    }
    return v;
  };
  // `piped` holds the value of the previous pipeline stage, passed as the last argument.
  const command = (piped: unknown[] = []): unknown => {
    const args: Array<() => unknown> = [];
    let fn: string | undefined;
    if (FUNCS[toks[pos]]) fn = toks[pos++];
    while (pos < toks.length && toks[pos] !== '|' && toks[pos] !== ')') args.push(operand());
    const values = args.map((a) => a());
    values.push(...piped);
    if (fn) return FUNCS[fn](...values);
    return values[0];
  };
  const operand = (): (() => unknown) => {
    const tok = toks[pos++];
    if (tok === '(') {
      const v = pipeline();
      pos++;
      return () => v;
    }
    if (tok.startsWith('"')) return () => JSON.parse(tok);
    if (/^-?\d+(\.\d+)?$/.test(tok)) return () => Number(tok);
    if (tok === 'true' || tok === 'false') return () => tok === 'true';
    if (tok.startsWith('$')) {
      const [name, ...rest] = tok.split('.');
      return () => walk(sc.vars.get(name), rest);
    }
    if (tok.startsWith('.')) return () => walk(sc.dot, tok.split('.').slice(1).filter(Boolean));
    throw new Error(`template: unsupported token "${tok}" in "${expr}"`);
  };
  return pipeline();
}

function walk(v: unknown, path: string[]): unknown {
  for (const p of path) v = v == null ? undefined : (v as Record<string, unknown>)[p];
  return v;
}
