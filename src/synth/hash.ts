import { HASH_VERSION } from '../model/content-hash';
import { StackDefinition } from '../model/stack';
import { buildStack } from './build';

/**
 * For `cskit bump`, which has no version yet: the content hash (stackContentHash, as synth and verify compute it) of
 * everything a stack version ships at a Kubernetes patch version, independent of its own version number.
 */
export function hashStack(def: StackDefinition, kubernetesVersion: string): string {
  return buildStack(def, { kubernetesVersion, version: HASH_VERSION }).contentHash!;
}

export function findDefinition(id: string, defs: readonly StackDefinition[]): StackDefinition {
  const def = defs.find((d) => `${d.provider}-${d.stack}` === id);
  if (!def)
    throw new Error(`unknown stack "${id}"; known stacks: ${defs.map((d) => `${d.provider}-${d.stack}`).join(', ')}`);
  return def;
}

/** For `cskit bump`: the hash of the definition `<provider>-<stack>` at a Kubernetes patch version. */
export function computeStackHash(id: string, kubernetesVersion: string, defs: readonly StackDefinition[]): string {
  return hashStack(findDefinition(id, defs), kubernetesVersion);
}
