/**
 * Offline verification benchmark (issue 6, item 8): a corpus of ≥ 10,000 objects (our synthesized stacks replicated,
 * every replica renamed) verified by the compiled `cskit verify` (all rules) and by kubeconform given the same schemas
 * (the bundle's, converted to its JSON-schema layout in a temp dir, local only), in the same run.
 * Anchor: ours ≤ 1.0× kubeconform's wall time. Prints wall times (median of RUNS, alternating) and the ratio.
 *
 * kubeconform gets the newest Kubernetes schemas for every object (one -schema-location per run); cskit judges the
 * built-in kinds of the 1.34 and 1.35 stacks by their own minor's schemas, so it compiles and runs more validators
 * than kubeconform. cskit is timed three ways: warm (its compiled-validator cache filled, the steady state), first run
 * (an empty user cache: the validators `npm run build` precompiled into lib/schema-validators are loaded) and uncached
 * (CSKIT_SCHEMA_CACHE=off: every schema compiled by ajv in the run). All are printed; the target is judged on the first
 * two.
 * Run: `npm run bench:verify` (builds first). kubeconform is built once from the Go module proxy into
 * <cskit cache>/bench/bin (~/.cache/cskit unless $CSKIT_CACHE_DIR), never into the repo. Options: env OBJECTS
 * (default 10000), RUNS (5), KEEP=1 keeps the temp dir (corpus, schemas) for profiling.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseLock } from '../src/model/lock';
import { synthesize, writeStacks } from '../src/synth/synth';
import { Schema, convertSchema } from '../src/schema/convert';
import { SchemaBundle } from '../src/schema/registry';
import { goTool } from './go-tool';
import { definitions } from '../classes';

const KUBECONFORM = 'github.com/yannh/kubeconform/cmd/kubeconform';
const KUBECONFORM_VERSION = 'v0.8.0';
const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'lib/src/cli/main.js');
const OBJECTS = Number(process.env.OBJECTS ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 5);

const kubeconform = () => goTool('kubeconform', KUBECONFORM, KUBECONFORM_VERSION);

const NAME = /^(.+)-(\d+-\d+-v\d+)$/;

/**
 * Our stacks, replicated until the corpus holds `target` objects; replica r renames `<id>-1-36-v1` to
 * `<id>-rNN-1-36-v1`.
 */
function corpus(dir: string, target: number): { objects: number; stacks: number; files: number } {
  const dist = path.join(dir, 'dist');
  writeStacks(
    synthesize(parseLock(fs.readFileSync(path.join(root, 'stacks.lock.json'), 'utf8')), definitions).stacks,
    dist,
  );
  const stacks = fs.readdirSync(dist).sort();
  const files = stacks.flatMap((s) =>
    walk(path.join(dist, s)).map((f) => ({
      stack: s,
      rel: path.relative(path.join(dist, s), f),
      text: fs.readFileSync(f, 'utf8'),
    })),
  );
  const perReplica = files
    .filter((f) => !/(^|\/)(metadata|addons)\.yaml$/.test(f.rel))
    .reduce((n, f) => n + (f.text.match(/^kind: /gm) ?? []).length, 0);
  const replicas = Math.ceil(target / perReplica);
  const out = path.join(dir, 'corpus');
  for (let r = 0; r < replicas; r++) {
    for (const f of files) {
      const m = NAME.exec(f.stack)!;
      const renamed = `${m[1]}-r${String(r).padStart(2, '0')}-${m[2]}`;
      const target = path.join(out, renamed, f.rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, f.text.split(f.stack).join(renamed));
    }
  }
  fs.rmSync(dist, { recursive: true, force: true });
  return { objects: replicas * perReplica, stacks: replicas * stacks.length, files: replicas * files.length };
}

function walk(d: string): string[] {
  return fs
    .readdirSync(d, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
}

/**
 * The bundle's schemas in kubeconform's layout (`{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`),
 * converted exactly as cskit converts them (closed objects, int-or-string, …), each file self-contained.
 */
function kubeconformSchemas(dir: string): string {
  const bundle = JSON.parse(fs.readFileSync(path.join(root, 'src/schema/bundle.json'), 'utf8')) as SchemaBundle;
  const defs: Record<string, Schema> = {};
  for (const [n, s] of Object.entries(bundle.definitions)) defs[n] = convertSchema(s, { crd: false });
  const objectMeta = '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
  for (const [key, entry] of Object.entries(bundle.kinds)) {
    const parts = key.split('/');
    const kind = parts.pop()!;
    const version = parts.pop()!;
    const group = parts[0] ?? version;
    const schema =
      entry.source === 'crd'
        ? convertSchema(entry.schema, { crd: true, objectMetaRef: objectMeta })
        : { ...entry.schema };
    const reach: Record<string, Schema> = {};
    const visit = (s: unknown) =>
      JSON.stringify(s, (k, v) => {
        if (k === '$ref' && typeof v === 'string' && v.startsWith('#/definitions/')) {
          const n = v.slice('#/definitions/'.length);
          if (!reach[n]) {
            reach[n] = defs[n];
            visit(defs[n]);
          }
        }
        return v;
      });
    visit(schema);
    const file = path.join(dir, group, `${kind.toLowerCase()}_${version}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...schema, definitions: reach }),
    );
  }
  return `${dir}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`;
}

interface Run {
  readonly ms: number;
  readonly cpuMs?: number;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** CPU time (user + system, ms) of this process's waited-for children, from /proc (Linux); undefined elsewhere. */
function childCpuMs(): number | undefined {
  try {
    const fields = fs
      .readFileSync('/proc/self/stat', 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10; // cutime, cstime in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const c0 = childCpuMs();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const c1 = childCpuMs();
  if (r.error) throw r.error;
  return {
    ms,
    cpuMs: c0 === undefined || c1 === undefined ? undefined : c1 - c0,
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  if (!fs.existsSync(cli))
    throw new Error(`${cli} is missing: run \`npm run build\` first (npm run bench:verify does)`);
  const bin = kubeconform();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-bench-verify-'));
  try {
    const c = corpus(tmp, OBJECTS);
    const location = kubeconformSchemas(path.join(tmp, 'schemas'));
    const corpusDir = path.join(tmp, 'corpus');
    console.log(
      `corpus: ${c.objects} objects in ${c.stacks} stacks, ${c.files} files (${tmp}); ` +
        `${RUNS} runs each, alternating; ${os.cpus().length} CPUs`,
    );

    const schemaCache = path.join(tmp, 'schema-cache');
    let cold = 0;
    const ours = (fresh: boolean | 'off' = false, dir = corpusDir) =>
      run(process.execPath, [cli, 'verify', dir, '-o', 'json'], {
        CSKIT_SCHEMA_CACHE:
          fresh === 'off' ? 'off' : fresh ? path.join(tmp, `schema-cache-cold-${cold++}`) : schemaCache,
      });
    // Same objects: kubeconform skips our metadata.yaml and addon index (not Kubernetes objects), as cskit does.
    const theirs = (dir = corpusDir) =>
      run(bin, [
        '-strict',
        '-summary',
        '-output',
        'json',
        '-schema-location',
        location,
        '-ignore-filename-pattern',
        '(^|/)metadata\\.yaml$',
        '-ignore-filename-pattern',
        '(^|/)addons\\.yaml$',
        dir,
      ]);
    type Summary = { summary: { valid: number; invalid: number; errors: number; skipped: number } };

    // Both must have judged every object and agree that the corpus is schema-valid, or the times compare nothing.
    const o = ours();
    const report = JSON.parse(o.stdout) as { findings: Array<{ rule: string; severity: string; path?: string }> };
    const schemaFindings = report.findings.filter((f) => f.rule.startsWith('schema/'));
    const errorRules = [...new Set(report.findings.filter((f) => f.severity === 'error').map((f) => f.rule))];
    const t = theirs();
    const { summary } = JSON.parse(t.stdout) as Summary;
    console.log(
      `cskit:       ${report.findings.length} findings; schema findings: ${schemaFindings.length}; ` +
        `error rules: ${errorRules.join(', ') || 'none'} ` +
        `(the docker stacks' node-local dev storage may show as scs-0211)`,
    );
    console.log(
      `kubeconform: valid ${summary.valid}, invalid ${summary.invalid}, errors ${summary.errors}, ` +
        `skipped ${summary.skipped}`,
    );
    if (schemaFindings.length || summary.valid !== c.objects || summary.invalid || summary.errors) {
      console.log('WARNING: the two tools disagree with the clean corpus; the times below are not comparable');
      if (t.stdout.includes('"status": "statusInvalid"') || summary.errors) console.log(t.stdout.slice(0, 2000));
    }
    // And both must see defects with these schemas: one stack with a misspelt CRD field and a string replica count.
    const canary = path.join(
      tmp,
      'canary',
      fs.readdirSync(corpusDir).find((n) => n.startsWith('openstack'))!,
    );
    fs.cpSync(path.join(corpusDir, path.basename(canary)), canary, { recursive: true });
    const classFile = path.join(canary, 'cluster-class.yaml');
    fs.writeFileSync(classFile, fs.readFileSync(classFile, 'utf8').replace(/^(\s+)flavor: /m, '$1flavr: '));
    const cilium = path.join(
      canary,
      'addons',
      fs.readdirSync(path.join(canary, 'addons')).find((n) => n.includes('cilium'))!,
    );
    fs.writeFileSync(cilium, fs.readFileSync(cilium, 'utf8').replace(/^(\s+)replicas: \d+$/m, '$1replicas: two'));
    const caught = (JSON.parse(ours(false, canary).stdout) as typeof report).findings
      .filter((f) => f.rule.startsWith('schema/'))
      .map((f) => f.path);
    const kcCaught = (JSON.parse(theirs(canary).stdout) as Summary).summary.invalid;
    console.log(
      `canary (misspelt flavor, replicas "two"): cskit ${caught.length} schema finding(s) (${caught.join(', ')}); ` +
        `kubeconform ${kcCaught} invalid object(s)`,
    );

    const mine: Run[] = [];
    const mineCold: Run[] = [];
    const mineOff: Run[] = [];
    const kc: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      if (i % 2) {
        kc.push(theirs());
        mine.push(ours());
        mineCold.push(ours(true));
        mineOff.push(ours('off'));
      } else {
        mineOff.push(ours('off'));
        mineCold.push(ours(true));
        mine.push(ours());
        kc.push(theirs());
      }
    }
    const wall = (xs: Run[]) => median(xs.map((x) => x.ms));
    const cpu = (xs: Run[]) => (xs.every((x) => x.cpuMs !== undefined) ? median(xs.map((x) => x.cpuMs!)) : NaN);
    const show = (label: string, xs: Run[]) =>
      console.log(
        `${label.padEnd(48)} ${wall(xs).toFixed(0).padStart(6)} ms wall, ${cpu(xs).toFixed(0).padStart(6)} ms CPU  ` +
          `(wall runs: ${xs.map((x) => x.ms.toFixed(0)).join(', ')})`,
      );
    show('cskit verify, all rules, warm cache', mine);
    show('cskit verify, all rules, first run (precompiled)', mineCold);
    show('cskit verify, all rules, nothing cached', mineOff);
    show(`kubeconform ${KUBECONFORM_VERSION} -strict, same schemas`, kc);
    const [a, cc, off, b] = [wall(mine), wall(mineCold), wall(mineOff), wall(kc)];
    const r = (x: number, y: number) => `${(x / y).toFixed(2)}×`;
    console.log(
      `ratio cskit/kubeconform wall: ${r(a, b)} warm, ${r(cc, b)} first run, ${r(off, b)} nothing cached; ` +
        `CPU: ${r(cpu(mine), cpu(kc))} warm, ${r(cpu(mineCold), cpu(kc))} first run, ` +
        `${r(cpu(mineOff), cpu(kc))} nothing cached`,
    );
    console.log(
      `target ≤ 1.00× wall (warm and first run): ${Math.max(a, cc) <= b ? 'MET' : 'NOT MET'}; ` +
        `load average now ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} CPUs (wall times need an idle machine)`,
    );
  } finally {
    if (process.env.KEEP) console.log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  console.error(`bench/verify: ${(e as Error).message}`);
  process.exitCode = 1;
}
