/**
 * Apply benchmark (issue 7, item 8): 500 objects (the ClusterClasses and templates of every synthesized stack plus
 * generated ConfigMaps) applied to a fresh test API server by `cskit apply` and by `kubectl apply --server-side`
 * (the kubectl of the test environment, same Kubernetes version), in the same run, each into its own namespace.
 * Prints wall times (process start to exit, median of 5 runs on fresh namespaces), the kubectl/cskit ratio
 * (target ≥ 3×) and the objects written by a second apply of the same input (target 0), and compares cskit's two
 * ways of skipping unchanged objects (apply everything vs. dry-run first). Synthesizes the stacks into a temp dir;
 * needs the testenv binaries (built on first use, as `npm run testenv -- build`). Run: `npm run bench:apply`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { readLock } from '../src/model/lock';
import { synthesize, writeStacks } from '../src/synth/synth';
import { ALL_STACK_CRDS, capiCrds } from '../test/apply/support/capi-crds';
import { binDir, ensureBinaries, repoRoot, startEnv, stopEnv } from '../testenv/harness';
import { definitions } from '../classes';

const TOTAL = 500;
const RUNS = 5;
const cli = path.join(repoRoot(), 'lib', 'src', 'cli', 'main.js');

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): { ms: number; stdout: string } {
  const s = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - s) / 1e6;
  if (r.status !== 0)
    throw new Error(
      `${path.basename(cmd)} ${args.slice(0, 4).join(' ')} … exited ${r.status}:\n${r.stderr}${r.stdout.slice(-2000)}`,
    );
  return { ms, stdout: r.stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  ensureBinaries();
  // Our own synth of the committed lock into the temp dir: a fresh clone has no dist/, and a shared one may be stale.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-bench-apply-'));
  const dist = path.join(tmp, 'dist');
  writeStacks(synthesize(readLock(path.join(repoRoot(), 'stacks.lock.json')), definitions).stacks, dist);
  const stacks = fs.readdirSync(dist).sort();
  const input = path.join(tmp, 'input');
  fs.mkdirSync(input);
  let stackObjects = 0;
  for (const s of stacks) {
    const text = fs.readFileSync(path.join(dist, s, 'cluster-class.yaml'), 'utf8');
    stackObjects += text.split(/^---$/m).filter((d) => d.trim()).length;
    fs.writeFileSync(path.join(input, `${s}.yaml`), text);
  }
  const cms = TOTAL - stackObjects;
  fs.writeFileSync(
    path.join(input, 'zz-configmaps.yaml'),
    Array.from({ length: cms }, (_, i) =>
      stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `bench-${String(i).padStart(4, '0')}`, labels: { app: 'bench' } },
        data: { index: String(i), payload: 'x'.repeat(512) },
      }),
    ).join('---\n'),
  );

  const env = await startEnv(['bench']);
  try {
    const kc = env.clusters.bench.kubeconfig;
    const kubectlBin = path.join(binDir(), 'kubectl');
    const kubectl = (...args: string[]) => run(kubectlBin, ['--kubeconfig', kc, ...args]);
    const crdDir = path.join(tmp, 'crds');
    fs.mkdirSync(crdDir);
    capiCrds(ALL_STACK_CRDS).forEach((c, i) => fs.writeFileSync(path.join(crdDir, `${i}.yaml`), stringify(c)));
    kubectl('apply', '--server-side', '-f', crdDir);
    kubectl('wait', '--for', 'condition=Established', '--timeout', '60s', 'crd', '--all');
    // Discovery of the new kinds settles before anyone is timed.
    for (
      let i = 0;
      i < 50 && spawnSync(kubectlBin, ['--kubeconfig', kc, 'get', 'clusterclasses', '-A']).status !== 0;
      i++
    )
      await new Promise((r) => setTimeout(r, 200));

    /** Objects whose resourceVersion changed between two listings of a namespace (a write). */
    const versions = (ns: string) => {
      const out = kubectl(
        'get',
        'configmaps,clusterclasses,openstackclustertemplates,openstackmachinetemplates,kubeadmconfigtemplates,' +
          'kubeadmcontrolplanetemplates,devclustertemplates,devmachinetemplates',
        '-n',
        ns,
        '-o',
        'json',
      ).stdout;
      // kube-root-ca.crt: the ConfigMap every namespace gets from the controller manager.
      type Listed = { kind: string; metadata: { name: string; resourceVersion: string } };
      return new Map<string, string>(
        parse(out)
          .items.filter((o: Listed) => o.metadata.name !== 'kube-root-ca.crt')
          .map((o: Listed) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion]),
      );
    };
    const writes = (a: Map<string, string>, b: Map<string, string>) =>
      [...b].filter(([k, v]) => a.get(k) !== v).length + [...a.keys()].filter((k) => !b.has(k)).length;

    const cskitApply = (ns: string, strategy = 'apply') =>
      run(process.execPath, [cli, 'apply', input, '--kubeconfig', kc, '-n', ns, '-o', 'json'], {
        CSKIT_APPLY_STRATEGY: strategy,
      });
    const kubectlApply = (ns: string) =>
      kubectl('apply', '--server-side', '--field-manager', 'bench-kubectl', '-n', ns, '-f', input);

    const times: Record<string, number[]> = {
      kubectl: [],
      cskit: [],
      'cskit dry-run-first': [],
      'kubectl 2nd': [],
      'cskit 2nd': [],
      'cskit dry-run-first 2nd': [],
    };
    const second: Record<string, number[]> = { kubectl: [], cskit: [], 'cskit dry-run-first': [] };
    let reported = -1;
    for (let i = 0; i < RUNS; i++) {
      // Order rotates so neither tool always runs on a warmer server.
      const tools: Array<[string, (ns: string) => { ms: number; stdout: string }]> = [
        ['kubectl', kubectlApply],
        ['cskit', (ns) => cskitApply(ns)],
        ['cskit dry-run-first', (ns) => cskitApply(ns, 'dry-run-first')],
      ];
      for (let j = 0; j < tools.length; j++) {
        const [name, fn] = tools[(i + j) % tools.length];
        const ns = `bench-${name.replace(/ /g, '-')}-${i}`;
        kubectl('create', 'namespace', ns);
        const first = fn(ns);
        times[name].push(first.ms);
        const before = versions(ns);
        if (before.size !== TOTAL) throw new Error(`${name} left ${before.size} objects in ${ns}, expected ${TOTAL}`);
        const again = fn(ns);
        times[`${name} 2nd`].push(again.ms);
        second[name].push(writes(before, versions(ns)));
        if (name === 'cskit') reported = JSON.parse(again.stdout).changed;
      }
    }
    const ratio = median(times.kubectl) / median(times.cskit);
    const ratio2 = median(times['kubectl 2nd']) / median(times['cskit 2nd']);
    console.log(
      `test API server ${env.kubernetesVersion}; ${TOTAL} objects: ` +
        `${stackObjects} from ${stacks.length} stacks (${stacks.join(', ')}) + ${cms} ConfigMaps`,
    );
    console.log(`runs per tool: ${RUNS} (fresh namespace each), wall time per process, median`);
    console.log('');
    console.log('tool                       first apply   second apply   writes on 2nd apply');
    for (const name of ['kubectl', 'cskit', 'cskit dry-run-first']) {
      console.log(
        `${name.padEnd(26)} ${sec(median(times[name])).padStart(11)}   ` +
          `${sec(median(times[`${name} 2nd`])).padStart(12)}   ${second[name].join(', ')}`,
      );
    }
    console.log('');
    console.log(
      `first apply:  kubectl / cskit = ${ratio.toFixed(2)}× (target ≥ 3×: ${ratio >= 3 ? 'met' : 'NOT met'})`,
    );
    console.log(
      `second apply: kubectl / cskit = ${ratio2.toFixed(2)}×; cskit reported "${reported} changed" ` +
        `(target 0: ${reported === 0 && second.cskit.every((w) => w === 0) ? 'met' : 'NOT met'})`,
    );
    const drf = median(times['cskit dry-run-first']) / median(times.cskit);
    const drf2 = median(times['cskit dry-run-first 2nd']) / median(times['cskit 2nd']);
    console.log(
      `cskit strategies: dry-run-first takes ${drf.toFixed(2)}× the time of apply-all on a first apply, ` +
        `${drf2.toFixed(2)}× on a second (apply-all is the default)`,
    );
    console.log(
      `machine: ${os.cpus().length} CPUs shared by the API server, etcd and the client; load average at the end ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await stopEnv(env);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench/apply: ${(e as Error).message}`);
  process.exitCode = 1;
});
