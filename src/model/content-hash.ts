import { createHash } from 'crypto';

/** The stack version placeholder a stack is hashed with, so that its hash does not depend on `vN` itself. */
export const HASH_VERSION = 'v0';

/**
 * The content hash `stacks.lock.json` records: sha256 over `path\0content\0` of every file a stack version ships,
 * sorted by path, as `sha256:<hex>`. One definition for synth (which renders with HASH_VERSION) and for verify
 * (which maps a rendered stack's own version back to HASH_VERSION).
 */
export function contentHash(files: ReadonlyArray<{ path: string; content: string }>): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) h.update(`${f.path}\0${f.content}\0`);
  return `sha256:${h.digest('hex')}`;
}
