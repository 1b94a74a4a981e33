import { createHash } from 'crypto';
import { definitions } from '../../classes';
import { StackDefinition } from '../model/stack';
import { buildStack } from './build';

/** The stack version placeholder used while hashing, so that the hash does not depend on `vN` itself. */
const HASH_VERSION = 'v0';

/**
 * Content hash of everything a stack version ships (class, templates, metadata, addons), in the default
 * (v1beta2) form, independent of its own version number: `sha256:<hex>`.
 */
export function hashStack(def: StackDefinition, kubernetesVersion: string): string {
  const out = buildStack(def, { kubernetesVersion, version: HASH_VERSION });
  const h = createHash('sha256');
  for (const f of [...out.files].sort((a, b) => a.path.localeCompare(b.path))) {
    h.update(`${f.path}\0${f.content}\0`);
  }
  return `sha256:${h.digest('hex')}`;
}

export function findDefinition(id: string, defs: readonly StackDefinition[] = definitions): StackDefinition {
  const def = defs.find((d) => `${d.provider}-${d.stack}` === id);
  if (!def) throw new Error(`unknown stack "${id}"; known stacks: ${defs.map((d) => `${d.provider}-${d.stack}`).join(', ')}`);
  return def;
}

/** For `cskit bump`: the hash of the shipped definition `<provider>-<stack>` at a Kubernetes patch version. */
export function computeStackHash(id: string, kubernetesVersion: string): string {
  return hashStack(findDefinition(id), kubernetesVersion);
}
