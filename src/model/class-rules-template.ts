/**
 * An offline syntax check of the Go `text/template` strings a ClusterClass carries (`enabledIf`,
 * `valueFrom.template`). Cluster API parses them with `template.New(..).Funcs(sprig.HermeticTxtFuncMap()).Parse`,
 * which rejects: unclosed actions and comments, unterminated strings, unknown functions, undefined `$variables`,
 * unbalanced `if/range/with/define/block … end`, a stray `else`/`end`, `break`/`continue` outside `range`,
 * empty actions and empty pipeline stages. This module checks exactly those, without Go: it is a lexer plus a
 * block-structure check, not Go's full parser (argument counts and types are only checked when the template runs).
 */

/** Go's builtin template functions (text/template `builtins()`). */
const GO_BUILTINS = [
  'and',
  'call',
  'html',
  'index',
  'slice',
  'js',
  'len',
  'not',
  'or',
  'print',
  'printf',
  'println',
  'urlquery',
  'eq',
  'ge',
  'gt',
  'le',
  'lt',
  'ne',
];

/**
 * Sprig's function names (github.com/Masterminds/sprig/v3 functions.go, genericMap) minus its non-hermetic ones
 * (date/now, random strings, uuidv4, env/expandenv, getHostByName), which is what HermeticTxtFuncMap() returns.
 */
const SPRIG_HERMETIC =
  `abbrev abbrevboth add add1 add1f addf adler32sum ago all any append atoi b32dec b32enc b64dec b64enc base bcrypt
biggest buildCustomCert camelcase cat ceil chunk clean coalesce compact concat contains decryptAES deepCopy deepEqual
default derivePassword dict dig dir div divf duration durationRound empty encryptAES ext fail first float64 floor
fromJson genCA genCAWithKey genPrivateKey genSelfSignedCert genSelfSignedCertWithKey genSignedCert genSignedCertWithKey
get has hasKey hasPrefix hasSuffix hello htpasswd indent initial initials int int64 isAbs join kebabcase keys kindIs
kindOf last list lower max maxf merge mergeOverwrite min minf mod mul mulf mustAppend mustChunk mustCompact
mustDateModify mustDeepCopy mustFirst mustFromJson mustHas mustInitial mustLast mustMerge mustMergeOverwrite
mustPrepend mustRegexFind mustRegexFindAll mustRegexMatch mustRegexReplaceAll mustRegexReplaceAllLiteral
mustRegexSplit mustRest mustReverse mustSlice mustToDate mustToJson mustToPrettyJson mustToRawJson mustUniq
mustWithout must_date_modify nindent nospace omit osBase osClean osDir osExt osIsAbs pick pluck plural prepend
quote randInt regexFind regexFindAll regexMatch regexQuoteMeta regexReplaceAll regexReplaceAllLiteral regexSplit
repeat replace rest reverse round semver semverCompare seq set sha1sum sha256sum sha512sum shuffle slice
snakecase sortAlpha split splitList splitn squote sub subf substr swapcase ternary title toDate toDecimal toJson
toPrettyJson toRawJson toString toStrings trim trimAll trimPrefix trimSuffix trimall trunc tuple typeIs typeIsLike
typeOf uniq unixEpoch unset until untilStep untitle upper urlJoin urlParse values without wrap wrapWith`.split(/\s+/);

export const TEMPLATE_FUNCTIONS: ReadonlySet<string> = new Set([...GO_BUILTINS, ...SPRIG_HERMETIC]);
/** Naming templates are parsed without sprig (internal/topology/names: `template.New(..).Parse`). */
export const GO_TEMPLATE_FUNCTIONS: ReadonlySet<string> = new Set(GO_BUILTINS);

const KEYWORDS = new Set([
  'if',
  'else',
  'end',
  'range',
  'with',
  'define',
  'template',
  'block',
  'break',
  'continue',
  'nil',
  'true',
  'false',
]);

export interface TemplateCheck {
  /** The first parse error, in Go's words where possible; undefined when the template parses. */
  readonly error?: string;
  /** Field paths read from the template's root data (`.builtin.cluster.name` → `builtin.cluster.name`). */
  readonly fields: string[];
}

type Tok = { t: 'field' | 'var' | 'ident' | 'lit' | 'pipe' | 'open' | 'close' | 'assign' | 'comma'; v: string };

/** Splits one action's inner text into tokens; returns an error string for what Go's lexer would reject. */
function lexAction(s: string): Tok[] | string {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') {
        if (s[j] === '\\') j++;
        if (s[j] === '\n') return 'unterminated quoted string';
        j++;
      }
      if (j >= s.length) return 'unterminated quoted string';
      out.push({ t: 'lit', v: s.slice(i, j + 1) });
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const j = s.indexOf('`', i + 1);
      if (j < 0) return 'unterminated raw quoted string';
      out.push({ t: 'lit', v: s.slice(i, j + 1) });
      i = j + 1;
      continue;
    }
    if (c === "'") {
      const m = /^'(\\.[^']*|[^'\\])'/.exec(s.slice(i));
      if (!m) return 'unterminated character constant';
      out.push({ t: 'lit', v: m[0] });
      i += m[0].length;
      continue;
    }
    if (c === '|') {
      out.push({ t: 'pipe', v: c });
      i++;
      continue;
    }
    if (c === '(') {
      out.push({ t: 'open', v: c });
      i++;
      continue;
    }
    if (c === ')') {
      out.push({ t: 'close', v: c });
      i++;
      continue;
    }
    if (c === ',') {
      out.push({ t: 'comma', v: c });
      i++;
      continue;
    }
    if (s.startsWith(':=', i)) {
      out.push({ t: 'assign', v: ':=' });
      i += 2;
      continue;
    }
    if (c === '=') {
      out.push({ t: 'assign', v: '=' });
      i++;
      continue;
    }
    const num = /^[+-]?(0[xX][0-9a-fA-F_]+|\d[\d_]*(\.\d*)?([eE][+-]?\d+)?|\.\d+)i?/.exec(s.slice(i));
    if (num && (c !== '.' || /\d/.test(s[i + 1] ?? ''))) {
      out.push({ t: 'lit', v: num[0] });
      i += num[0].length;
      continue;
    }
    const v = /^\$[\w]*(\.[A-Za-z_]\w*)*/.exec(s.slice(i));
    if (v) {
      out.push({ t: 'var', v: v[0] });
      i += v[0].length;
      continue;
    }
    const f = /^(\.[A-Za-z_]\w*)+|^\./.exec(s.slice(i));
    if (f) {
      // a field right after `)` or another operand is a chained field (`(index .x 0).y`), not a root field
      const prev = out[out.length - 1];
      out.push({ t: prev && prev.t === 'close' && s[i - 1] !== ' ' ? 'lit' : 'field', v: f[0] });
      i += f[0].length;
      continue;
    }
    const id = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*/.exec(s.slice(i));
    if (id) {
      out.push({ t: 'ident', v: id[0] });
      i += id[0].length;
      continue;
    }
    return `unexpected "${c}" in command`;
  }
  return out;
}

interface Frame {
  kw: string;
  dotChanged: boolean;
}

export function checkGoTemplate(tpl: string, functions: ReadonlySet<string> = TEMPLATE_FUNCTIONS): TemplateCheck {
  const fields: string[] = [];
  const declared = new Set<string>(['$']);
  const used: string[] = [];
  const stack: Frame[] = [];
  const fail = (error: string): TemplateCheck => ({ error, fields: [...new Set(fields)] });
  let pos = 0;
  for (;;) {
    const open = tpl.indexOf('{{', pos);
    if (open < 0) break;
    let start = open + 2;
    if (/^-[ \t\r\n]/.test(tpl.slice(start))) start += 2;
    if (tpl.startsWith('/*', start)) {
      const endC = tpl.indexOf('*/', start + 2);
      if (endC < 0) return fail('unclosed comment');
      const rest = tpl.slice(endC + 2);
      const m = /^( -)?\}\}/.exec(rest);
      if (!m) return fail('comment ends before closing delimiter');
      pos = endC + 2 + m[0].length;
      continue;
    }
    // find the closing delimiter outside string literals
    let j = start;
    let close = -1;
    while (j < tpl.length) {
      const c = tpl[j];
      if (c === '"' || c === '`' || c === "'") {
        const q = c;
        j++;
        while (j < tpl.length && tpl[j] !== q && (q === '`' || tpl[j] !== '\n')) {
          if (q !== '`' && tpl[j] === '\\') j++;
          j++;
        }
        if (j >= tpl.length || tpl[j] !== q) {
          return fail(
            q === '"'
              ? 'unterminated quoted string'
              : q === '`'
                ? 'unterminated raw quoted string'
                : 'unterminated character constant',
          );
        }
        j++;
        continue;
      }
      if (tpl.startsWith('}}', j)) {
        close = j;
        break;
      }
      j++;
    }
    if (close < 0) return fail('unclosed action');
    let inner = tpl.slice(start, close);
    if (/[ \t\r\n]-$/.test(inner)) inner = inner.slice(0, -2);
    pos = close + 2;
    const toks = lexAction(inner);
    if (typeof toks === 'string') return fail(toks);
    if (!toks.length) return fail('missing value for command');
    const head = toks[0];
    let body = toks;
    const kw = head.t === 'ident' && KEYWORDS.has(head.v) ? head.v : undefined;
    if (kw === 'end') {
      if (toks.length > 1) return fail('unexpected token in end');
      if (!stack.pop()) return fail('unexpected {{end}}');
      continue;
    }
    if (kw === 'else') {
      const top = stack[stack.length - 1];
      if (!top || !['if', 'with', 'range'].includes(top.kw)) return fail('unexpected {{else}}');
      // the else branch of range/with runs with the outer dot; `else if`/`else with` chain
      top.dotChanged = toks[1]?.v === 'with';
      body = toks.slice(1);
      if (!body.length) continue;
      if (body[0].v !== 'if' && body[0].v !== 'with') return fail('unexpected token after else');
      body = body.slice(1);
    } else if (kw === 'break' || kw === 'continue') {
      if (toks.length > 1) return fail(`unexpected token in {{${kw}}}`);
      if (!stack.some((f) => f.kw === 'range')) return fail(`{{${kw}}} outside {{range}}`);
      continue;
    } else if (kw === 'if' || kw === 'with' || kw === 'range') {
      body = toks.slice(1);
      if (!body.length) return fail(`missing value for ${kw}`);
    } else if (kw === 'define' || kw === 'template' || kw === 'block') {
      if (toks[1]?.t !== 'lit' || !/^["`]/.test(toks[1].v))
        return fail(`unexpected token in ${kw} clause: expecting a quoted name`);
      body = toks.slice(2);
      if (kw === 'define' && body.length) return fail('unexpected token in define clause');
    }
    // variable declarations: `$x :=` or `range $i, $v :=`
    const assignAt = body.findIndex((t) => t.t === 'assign');
    if (assignAt >= 0) {
      for (const t of body.slice(0, assignAt)) {
        if (t.t === 'var') {
          if (body[assignAt].v === ':=') declared.add(t.v.split('.')[0]);
          else used.push(t.v.split('.')[0]);
        } else if (t.t !== 'comma') return fail('unexpected token before assignment');
      }
      body = body.slice(assignAt + 1);
      if (!body.length) return fail('missing value for command');
    }
    const err = checkPipeline(
      body,
      stack.some((f) => f.dotChanged),
      fields,
      used,
      functions,
    );
    if (err) return fail(err);
    if (kw === 'if' || kw === 'with' || kw === 'range') stack.push({ kw, dotChanged: kw !== 'if' });
    if (kw === 'define' || kw === 'block') stack.push({ kw, dotChanged: true });
  }
  if (stack.length) return fail(`unexpected EOF: {{${stack[stack.length - 1].kw}}} has no {{end}}`);
  const undef = used.find((v) => !declared.has(v));
  if (undef) return fail(`undefined variable "${undef}"`);
  return { fields: [...new Set(fields)] };
}

function checkPipeline(
  toks: Tok[],
  dotChanged: boolean,
  fields: string[],
  used: string[],
  functions: ReadonlySet<string>,
): string | undefined {
  let depth = 0;
  let stageLen = 0;
  for (const t of toks) {
    if (t.t === 'pipe') {
      if (!stageLen) return 'missing command before "|"';
      stageLen = 0;
      continue;
    }
    if (t.t === 'open') {
      depth++;
      stageLen = 0;
      continue;
    }
    if (t.t === 'close') {
      if (--depth < 0) return 'unexpected right paren';
      stageLen = 1;
      continue;
    }
    if (t.t === 'assign' || t.t === 'comma') return `unexpected "${t.v}" in operand`;
    stageLen++;
    if (t.t === 'ident' && !KEYWORDS.has(t.v) && !functions.has(t.v.split('.')[0]))
      return `function "${t.v.split('.')[0]}" not defined`;
    if (
      t.t === 'ident' &&
      ['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue'].includes(t.v)
    )
      return `unexpected keyword "${t.v}" in command`;
    if (t.t === 'var') {
      const [name, ...rest] = t.v.split('.');
      used.push(name);
      if (name === '$' && rest.length) fields.push(rest.join('.'));
    }
    if (t.t === 'field' && t.v !== '.' && !dotChanged) fields.push(t.v.slice(1));
  }
  if (depth > 0) return 'unclosed left paren';
  if (!stageLen) return 'missing command after "|"';
  return undefined;
}

/**
 * Renders a template made only of text and plain field actions (`{{ .cluster.name }}`, with or without trim markers)
 * against `data`, failing on a missing key as Cluster API's name generator does (`missingkey=error`). Returns
 * undefined for anything more complex (functions, pipelines, control structures), which cskit does not execute.
 */
export function renderSimpleTemplate(
  tpl: string,
  data: Record<string, unknown>,
): { value?: string; error?: string } | undefined {
  let out = '';
  let pos = 0;
  const re = /\{\{(-[ \t\r\n])?\s*(\.[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*([ \t\r\n]-)?\}\}/y;
  while (pos < tpl.length) {
    const open = tpl.indexOf('{{', pos);
    if (open < 0) {
      out += tpl.slice(pos);
      break;
    }
    let text = tpl.slice(pos, open);
    re.lastIndex = open;
    const m = re.exec(tpl);
    if (!m) return undefined;
    if (m[1]) text = text.replace(/\s+$/, '');
    out += text;
    let v: unknown = data;
    for (const k of m[2].slice(1).split('.')) {
      if (!v || typeof v !== 'object' || !(k in (v as object)))
        return { error: `map has no entry for key "${k}" (in ${m[2]})` };
      v = (v as Record<string, unknown>)[k];
    }
    out += String(v);
    pos = re.lastIndex;
    if (m[3]) while (pos < tpl.length && /\s/.test(tpl[pos])) pos++;
  }
  return { value: out };
}
