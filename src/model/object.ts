/**
 * The one Kubernetes object type of cskit: what synth writes, what readers parse from YAML, what apply, verify and
 * the manager send to or read from an API server. Deliberately loose (any kind, any fields): each rule or step
 * narrows what it reads, and the schema rules check the rest.
 */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    uid?: string;
    deletionTimestamp?: string;
    [k: string]: unknown;
  };
  // spec and status differ per kind and are narrowed by the code that reads them; `unknown` here would force a cast
  // at every one of the hundreds of reads for no safety gained.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status?: any;
  [k: string]: unknown;
}
