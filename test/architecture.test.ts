/**
 * The import rule of docs/architecture.md, checked over the real import graph: data flows one way (definitions →
 * model → synth → dist → verify/apply/manager), no room imports a later step, shared helpers live in the neutral
 * src/util/, and only src/kube/ loads the Kubernetes client library. A new import that breaks the rule fails here
 * with the file and the import, instead of growing into a cycle nobody planned.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

/**
 * Which rooms each room may import (besides itself). `classes` and `addons` are the stack authors' definitions;
 * `schema` holds the bundled OpenAPI/CRD schemas and their validators, read by verify, render and the manager.
 */
const ALLOWED: Record<string, readonly string[]> = {
  util: [],
  schema: ['model', 'k8s-versions', 'util'],
  dist: ['model', 'util'],
  imports: [],
  model: ['util'],
  'k8s-versions': ['model', 'util'],
  constructs: ['imports', 'model', 'util'],
  render: ['model', 'k8s-versions', 'schema', 'dist', 'util'],
  // the addon bundle: built by synth, read (and checked by the schema of its CRD) by verify and the manager
  bundle: ['model', 'schema', 'util'],
  kube: ['model', 'util'],
  synth: ['model', 'k8s-versions', 'constructs', 'imports', 'render', 'dist', 'bundle', 'util'],
  verify: ['model', 'k8s-versions', 'kube', 'render', 'schema', 'dist', 'bundle', 'util'],
  apply: ['model', 'kube', 'dist', 'util'],
  manager: ['model', 'k8s-versions', 'kube', 'render', 'schema', 'dist', 'bundle', 'apply', 'util'],
  cli: ['*'],
  addons: ['model', 'constructs', 'imports', 'render', 'util'],
  classes: ['model', 'constructs', 'imports', 'addons', 'util'],
};

function roomOf(file: string): string | undefined {
  const rel = path.relative(ROOT, file).split(path.sep);
  if (rel[0] === 'src') return rel[1];
  if (rel[0] === 'classes' || rel[0] === 'addons') return rel[0];
  return undefined;
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every module specifier a file loads: static imports, re-exports, `import()` and `require()`. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1]);
  return out;
}

const files = ['src', 'classes', 'addons'].flatMap((d) => sources(path.join(ROOT, d)));
const edges = files.flatMap((file) =>
  specifiers(fs.readFileSync(file, 'utf8')).map((spec) => ({
    file: path.relative(ROOT, file),
    spec,
    from: roomOf(file),
    to: spec.startsWith('.') ? roomOf(path.resolve(path.dirname(file), spec)) : undefined,
  })),
);

test('the import graph was read (files and relative imports found)', () => {
  expect(files.length).toBeGreaterThan(50);
  expect(edges.filter((e) => e.to).length).toBeGreaterThan(100);
});

test('no room imports a room it may not (data flows one way; shared helpers in src/util)', () => {
  const broken = edges
    .filter((e) => e.from && e.to && e.from !== e.to)
    .filter((e) => {
      const allowed = ALLOWED[e.from!];
      if (!allowed) return true;
      return !allowed.includes('*') && !allowed.includes(e.to!);
    })
    .map((e) => `${e.file} (${e.from}) imports ${e.spec} (${e.to})`);
  expect(broken).toEqual([]);
});

test('every room under src/ is named in the rule table', () => {
  const rooms = fs
    .readdirSync(path.join(ROOT, 'src'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  expect(rooms.filter((r) => !(r in ALLOWED))).toEqual([]);
});

test('only src/kube/ loads @kubernetes/client-node', () => {
  const loaders = edges.filter((e) => e.spec.startsWith('@kubernetes/client-node')).map((e) => e.file);
  expect(loaders.filter((f) => !f.startsWith(`src${path.sep}kube${path.sep}`))).toEqual([]);
});
