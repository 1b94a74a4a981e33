/**
 * CSO-compatible release metadata. Every change ships as a new stack version, so the addon component
 * version is the stack version itself.
 */

import { Yaml } from 'cdk8s';
import { StackContext, StackDefinition } from '../model/stack';

/** The metadata.yaml of one stack version. */
export function metadataYaml(def: StackDefinition, ctx: StackContext): string {
  return Yaml.stringify({
    apiVersion: 'metadata.clusterstack.x-k8s.io/v1alpha1',
    versions: {
      clusterStack: ctx.version,
      kubernetes: `v${ctx.kubernetesVersion}`,
      components: {
        clusterAddon: ctx.version,
        nodeImage: def.nodeImage(ctx),
      },
    },
  });
}
