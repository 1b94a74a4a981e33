/**
 * The peer tools the benchmarks measure against (kubeconform, helm) are Go programs: each is built once from the Go
 * module proxy into <cskit cache>/bench/bin (~/.cache/cskit unless $CSKIT_CACHE_DIR), never into the repo, so a
 * fresh clone with Go installed can run every benchmark.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cacheDir } from '../src/k8s-versions/data';

/** The path of `<binary>-<version>`, built by `go install <pkg>@<version>` when it is not there yet. */
export function goTool(binary: string, pkg: string, version: string): string {
  const dir = path.join(cacheDir(), 'bench/bin');
  const bin = path.join(dir, `${binary}-${version}`);
  if (fs.existsSync(bin)) return bin;
  const gobin = fs.mkdtempSync(path.join(os.tmpdir(), `cskit-${binary}-`));
  console.log(`building ${binary} ${version} from the Go module proxy ...`);
  try {
    execFileSync('go', ['install', `${pkg}@${version}`], {
      cwd: gobin,
      stdio: 'inherit',
      env: { ...process.env, GOBIN: gobin, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
    });
    fs.mkdirSync(dir, { recursive: true });
    fs.renameSync(path.join(gobin, binary), bin);
  } catch (e) {
    throw new Error(
      `cannot build ${binary} ${version} (go install ${pkg}@${version}): ${(e as Error).message.split('\n')[0]}; ` +
        'the benchmark needs Go (https://go.dev/dl/) and the Go module proxy',
      { cause: e },
    );
  } finally {
    fs.rmSync(gobin, { recursive: true, force: true });
  }
  return bin;
}
