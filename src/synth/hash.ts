import { definitions } from '../../classes';
import { HASH_VERSION, contentHash } from '../model/content-hash';
import { StackDefinition } from '../model/stack';
import { buildStack } from './build';

/**
 * Content hash of everything a stack version ships (class, templates, metadata, addons), in the default
 * (v1beta2) form, independent of its own version number: `sha256:<hex>`.
 */
export function hashStack(def: StackDefinition, kubernetesVersion: string): string {
  return contentHash(buildStack(def, { kubernetesVersion, version: HASH_VERSION }).files);
}

export function findDefinition(id: string, defs: readonly StackDefinition[] = definitions): StackDefinition {
  const def = defs.find((d) => `${d.provider}-${d.stack}` === id);
  if (!def)
    throw new Error(`unknown stack "${id}"; known stacks: ${defs.map((d) => `${d.provider}-${d.stack}`).join(', ')}`);
  return def;
}

/** For `cskit bump`: the hash of the shipped definition `<provider>-<stack>` at a Kubernetes patch version. */
export function computeStackHash(id: string, kubernetesVersion: string): string {
  return hashStack(findDefinition(id), kubernetesVersion);
}
