/**
 * THE content hash of a stack version, the one `stacks.lock.json` records: synth computes it over the files it has
 * just built, verify over a rendered stack folder, `cskit bump` over a fresh build. One function, so the three can
 * never disagree, and no second build at a placeholder version: the stack's own version is mapped away in the text.
 */
import { createHash } from 'crypto';

/** The stack version a stack is hashed as, so that its hash does not depend on `vN` itself. */
export const HASH_VERSION = 'v0';

/** A stack version's name: `<provider>-<stack>-<maj>-<min>-v<N>`. */
const STACK_NAME = /^(.+)-(\d+)-(\d+)-(v\d+)$/;

/**
 * sha256 over `path\0content\0` of every file the stack version `name` ships, sorted by path, as `sha256:<hex>`,
 * with its own version mapped to HASH_VERSION: every occurrence of `name` becomes `<…>-v0`, and metadata.yaml's
 * `clusterStack` and `clusterAddon` versions become `v0` (the only places a definition sees the bare version).
 * The lock hashes the default (v1beta2) form. undefined when `name` is not a stack version name.
 */
export function stackContentHash(
  name: string,
  files: ReadonlyArray<{ path: string; content: string }>,
): string | undefined {
  const m = STACK_NAME.exec(name);
  if (!m) return undefined;
  const neutral = `${m[1]}-${m[2]}-${m[3]}-${HASH_VERSION}`;
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    let c = name === neutral ? f.content : f.content.split(name).join(neutral);
    if (f.path === 'metadata.yaml')
      c = c
        .replace(/^(\s*clusterStack: )v\d+$/m, `$1${HASH_VERSION}`)
        .replace(/^(\s*clusterAddon: )v\d+$/m, `$1${HASH_VERSION}`);
    h.update(`${f.path}\0${c}\0`);
  }
  return `sha256:${h.digest('hex')}`;
}
