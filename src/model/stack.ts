import { Construct } from 'constructs';
import { AddonDefinition } from './addon';

/** Cluster API contract version of the emitted ClusterClass and templates. */
export type CapiApiVersion = 'v1beta2' | 'v1beta1';

/** Everything a definition needs to know about the one stack version being built. */
export interface StackContext {
  /** `<provider>-<stack>`, e.g. `openstack-scs` (the folder in classes/ and the key in stacks.lock.json). */
  readonly id: string;
  readonly provider: string;
  readonly stack: string;
  /** The ClusterClass and release name, e.g. `openstack-scs-1-36-v2`. */
  readonly name: string;
  /** Kubernetes patch version without `v`, e.g. `1.36.4`. */
  readonly kubernetesVersion: string;
  /** Kubernetes minor, e.g. `1.36`. */
  readonly minor: string;
  /** Stack version, e.g. `v2`. */
  readonly version: string;
}

/**
 * A cluster stack definition (one per folder in classes/): a ClusterClass builder plus the addons every
 * cluster of the class needs. Definitions always build CAPI v1beta2; v1beta1 output is a conversion.
 */
export interface StackDefinition {
  /** Infrastructure provider, no dashes, e.g. `openstack`. */
  readonly provider: string;
  /** Stack name, no dashes, e.g. `scs`. */
  readonly stack: string;
  /** One line for `cskit` listings and docs. */
  readonly description: string;
  /** Adds the ClusterClass and every template it references (explicit names, CAPI v1beta2) to `scope`. */
  buildClass(scope: Construct, ctx: StackContext): void;
  /** The node image this stack version boots, recorded in metadata.yaml (`versions.components.nodeImage`). */
  nodeImage(ctx: StackContext): string;
  /** Addons installed in every workload cluster of this class, in no particular order (dependencies order them). */
  readonly addons: readonly AddonDefinition[];
}
