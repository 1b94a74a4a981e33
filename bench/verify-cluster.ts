/**
 * Live verification benchmark (issue "A real Kubernetes control plane …", item 6): wall time of the full
 * `cskit verify cluster` (scs-0210 + scs-0211 with the PVC/pod probe and its cleanup) on the test control plane,
 * against the 5 s target, and against the anchor: the standard's own scs-0211 reference script
 * (SovereignCloudStack/standards, Tests/kaas/k8s-default-storage-class/k8s-default-storage-class-check.py) on the
 * same cluster in the same run, runs interleaved so that machine load hits both alike.
 *
 * The reference script is not part of this repository. Point SCS_STANDARDS_DIR at a checkout of the standards
 * repository; its Python dependencies (kubernetes, pyyaml, at the versions pinned in Tests/kaas/requirements.txt)
 * go into a venv in ~/.cache/cskit-bench/venv (created on first use; SCS_PYTHON overrides the interpreter).
 * Without SCS_STANDARDS_DIR the anchor is skipped, and the output says so and how to run it.
 * The scs-0210 reference script (k8s_version_policy.py) is not run: it needs release data from the network.
 * Run: `SCS_STANDARDS_DIR=… npm run bench:verify-cluster` (needs the testenv binaries: `npm run testenv -- build`).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { binDir, ensureBinaries, repoRoot, startEnv, stopEnv } from '../testenv/harness';

const RUNS = 3;
const TARGET_MS = 5000;
const SCRIPT_DIR = path.join('Tests', 'kaas', 'k8s-default-storage-class');
const SCRIPT = 'k8s-default-storage-class-check.py';

interface Run {
  ms: number;
  note: string;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (runs: Run[]) => [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];

/** The reference script and a Python that can run it, or why not (and how to fix that). */
function anchor(): { script: string; python: string; commit?: string } | { missing: string } {
  const dir = process.env.SCS_STANDARDS_DIR;
  const how =
    'set SCS_STANDARDS_DIR to a checkout of the SovereignCloudStack standards repository ' +
    `(it must contain ${path.join(SCRIPT_DIR, SCRIPT)}); the bench then creates a venv for it in ~/.cache/cskit-bench`;
  if (!dir) return { missing: `SCS_STANDARDS_DIR is not set: ${how}` };
  const script = path.join(dir, SCRIPT_DIR, SCRIPT);
  if (!fs.existsSync(script)) return { missing: `${script} does not exist: ${how}` };
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    /* not a git checkout */
  }
  if (process.env.SCS_PYTHON) return { script, python: process.env.SCS_PYTHON, commit };
  const venv = path.join(os.homedir(), '.cache', 'cskit-bench', 'venv');
  const python = path.join(venv, 'bin', 'python');
  const ready = () => spawnSync(python, ['-c', 'import kubernetes, yaml'], { stdio: 'ignore' }).status === 0;
  if (!ready()) {
    // Only what the script imports, at the versions the standards repository pins for its KaaS tests.
    const pins = fs.existsSync(path.join(dir, 'Tests', 'kaas', 'requirements.txt'))
      ? fs.readFileSync(path.join(dir, 'Tests', 'kaas', 'requirements.txt'), 'utf8')
      : '';
    const pin = (name: string) => new RegExp(`^${name}==\\S+`, 'mi').exec(pins)?.[0] ?? name;
    console.log(`anchor: creating ${venv} with ${pin('kubernetes')} ${pin('pyyaml')} (once)…`);
    try {
      execFileSync('python3', ['-m', 'venv', venv], { stdio: ['ignore', 'inherit', 'inherit'] });
      execFileSync(
        path.join(venv, 'bin', 'pip'),
        ['install', '--quiet', '--disable-pip-version-check', pin('kubernetes'), pin('pyyaml')],
        { stdio: ['ignore', 'inherit', 'inherit'] },
      );
    } catch (e) {
      return {
        missing:
          `could not create the venv ${venv} (${(e as Error).message.split('\n')[0]}): install ` +
          `python3-venv, or set SCS_PYTHON to a Python with the kubernetes and pyyaml packages`,
      };
    }
    if (!ready())
      return {
        missing: `${python} cannot import kubernetes and yaml: remove ${venv} and run again, or set SCS_PYTHON`,
      };
  }
  return { script, python, commit };
}

async function main(): Promise<void> {
  ensureBinaries();
  const ref = anchor();
  const kubectl = path.join(binDir(), 'kubectl');
  const t0 = Date.now();
  const env = await startEnv(['workload']);
  const startup = Date.now() - t0;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-bench-'));
  try {
    const kc = env.clusters.workload.kubeconfig;
    const k = (args: string[], input?: string) =>
      execFileSync(kubectl, ['--kubeconfig', kc, ...args], {
        input,
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'inherit'],
      });
    k(
      ['apply', '-f', '-'],
      'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: csi-cinder-sc-delete\n  annotations:\n' +
        '    storageclass.kubernetes.io/is-default-class: "true"\nprovisioner: cinder.csi.openstack.org\n',
    );
    // The test cluster's fake node must be Ready, or every probe pod stays Pending and we would time a failure.
    const nodeReady = () => {
      if (
        k(['get', 'node', 'kwok-node-0', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']).trim() !==
        'True'
      ) {
        throw new Error(
          `the test cluster's node kwok-node-0 is not Ready ${((Date.now() - t0) / 1000).toFixed(0)} s after ` +
            `start; no figure taken`,
        );
      }
    };

    const cli = path.join(repoRoot(), 'lib', 'src', 'cli', 'main.js');
    const ours = (): Run => {
      nodeReady();
      const s = Date.now();
      const r = spawnSync(process.execPath, [cli, 'verify', 'cluster', '--kubeconfig', kc, '--at', '2026-09-01'], {
        encoding: 'utf8',
      });
      const ms = Date.now() - s;
      if (r.status !== 0) throw new Error(`verify cluster exited ${r.status}:\n${r.stdout}${r.stderr}`);
      return {
        ms,
        note: r.stderr
          .trim()
          .split('\n')
          .map((l) =>
            l
              .replace(/ cskit-probe-\w+(\/cskit-probe)?/, '')
              .replace(/ to pvc-[\w-]+/, '')
              .replace(/ \(pod, .*$/, ''),
          )
          .join('; '),
      };
    };

    // The script writes its result to `./${__file__ minus .py}.result.yaml`; Python makes __file__ absolute, so that
    // is <cwd>/<cwd>/<name>.result.yaml. Run it from a scratch directory that links it and its helper module, with
    // that directory made, so nothing lands in the standards checkout.
    const resultFile = path.join(work, work, SCRIPT.replace('.py', '.result.yaml'));
    const reference =
      'script' in ref
        ? (): Run => {
            for (const f of [SCRIPT, 'helper.py'])
              if (!fs.existsSync(path.join(work, f)))
                fs.symlinkSync(path.join(path.dirname(ref.script), f), path.join(work, f));
            fs.mkdirSync(path.dirname(resultFile), { recursive: true });
            fs.rmSync(resultFile, { force: true });
            nodeReady();
            const s = Date.now();
            const r = spawnSync(ref.python, [SCRIPT, '--kubeconfig', kc], { cwd: work, encoding: 'utf8' });
            const ms = Date.now() - s;
            const status = fs.existsSync(resultFile)
              ? (/^status: (.*)$/m.exec(fs.readFileSync(resultFile, 'utf8'))?.[1] ?? '?')
              : 'no result file';
            if (r.status !== 0 || status !== 'passed')
              throw new Error(`reference script exited ${r.status} (status ${status}):\n${r.stdout}${r.stderr}`);
            // It deletes its pod and claim (fixed names, namespace default) without waiting; the next run needs
            // them gone.
            k(['wait', '--for=delete', '-n', 'default', 'pod/test-pod', 'pvc/test-pvc', '--timeout=60s']);
            return { ms, note: status };
          }
        : undefined;

    const mine: Run[] = [];
    const theirs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      mine.push(ours());
      if (reference) theirs.push(reference());
    }
    const m = median(mine);
    console.log(`test control plane ${env.kubernetesVersion}: started in ${secs(startup)}`);
    console.log(
      `cskit verify cluster (scs-0210 + scs-0211 probe, cleanup awaited), runs: ` +
        `${mine.map((r) => secs(r.ms)).join(', ')}`,
    );
    console.log(`  median ${secs(m.ms)} = ${(m.ms / TARGET_MS).toFixed(2)}× of the ${TARGET_MS / 1000} s target`);
    console.log(`  phases of the median run: ${m.note}`);
    if (!('script' in ref) || !reference) {
      console.log(`anchor NOT run: ${'missing' in ref ? ref.missing : ''}`);
      return;
    }
    const a = median(theirs);
    console.log(
      `anchor: SCS reference ${path.join(SCRIPT_DIR, SCRIPT)}${ref.commit ? ` (standards ${ref.commit})` : ''}, ` +
        `runs: ${theirs.map((r) => secs(r.ms)).join(', ')}`,
    );
    console.log(`  median ${secs(a.ms)} (result: ${a.note})`);
    console.log(
      `ratio cskit / reference: ${(m.ms / a.ms).toFixed(2)} (cskit also checks scs-0210, uses its own namespace, ` +
        'and waits until its pod, claim and volume are gone; the reference checks scs-0211 only in namespace ' +
        'default and does not wait for its cleanup)',
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    await stopEnv(env);
  }
}

main().catch((e) => {
  console.error(`bench/verify-cluster: ${(e as Error).message}`);
  process.exitCode = 1;
});
