import { Construct } from 'constructs';
import { StackContext } from './stack';

/**
 * DRAFT owned by the addons work (issue 5): refine freely, but keep `name` and `build`.
 * An addon installed in every workload cluster of a stack: a construct that emits its objects.
 */
export interface AddonDefinition {
  /** DNS label, e.g. `cilium`. */
  readonly name: string;
  /** Adds the addon's objects for this stack version (its Kubernetes minor picks versions) to `scope`. */
  build(scope: Construct, ctx: StackContext): void;
}
