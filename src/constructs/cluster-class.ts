import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ClusterClassV1Beta2,
  ClusterClassV1Beta2SpecPatches,
  ClusterClassV1Beta2SpecPatchesDefinitionsJsonPatchesOp,
  ClusterClassV1Beta2SpecVariables,
  ClusterClassV1Beta2SpecVariablesSchemaOpenApiv3Schema,
  ClusterClassV1Beta2SpecVariablesSchemaOpenApiv3SchemaType,
} from '../imports/capi-core-cluster.x-k8s.io';

/** A JSON schema (the OpenAPI v3 subset ClusterClass variables accept), written as plain data. */
export interface VariableSchema {
  readonly type: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly description?: string;
  readonly default?: unknown;
  readonly example?: unknown;
  readonly enum?: readonly unknown[];
  readonly format?: string;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly items?: VariableSchema;
  readonly properties?: Readonly<Record<string, VariableSchema>>;
  readonly required?: readonly string[];
}

export interface ClassVariable {
  readonly name: string;
  /** @default false */
  readonly required?: boolean;
  readonly schema: VariableSchema;
}

/**
 * Which template of the class a patch targets. The selector's apiVersion and kind are taken from the
 * template object itself, so a selector can never name a template the class does not have.
 */
export type PatchTarget =
  | { readonly infrastructureCluster: true }
  | { readonly controlPlane: true }
  | { readonly controlPlaneMachine: true }
  | { readonly workerBootstrap: readonly string[] }
  | { readonly workerMachine: readonly string[] };

/** One JSON patch operation: a literal `value`, or a value from a `variable` or a Go `template`. */
export interface PatchOp {
  readonly op: 'add' | 'replace' | 'remove';
  readonly path: string;
  readonly value?: unknown;
  readonly variable?: string;
  readonly template?: string;
}

export interface ClassPatch {
  readonly name: string;
  readonly description?: string;
  /** Go template that must render "true" for the patch to apply. */
  readonly enabledIf?: string;
  readonly definitions: ReadonlyArray<{ readonly target: PatchTarget; readonly ops: readonly PatchOp[] }>;
}

export interface WorkerClass {
  readonly class: string;
  readonly bootstrap: ApiObject;
  readonly infrastructure: ApiObject;
}

export interface ClusterClassProps {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly infrastructure: ApiObject;
  readonly controlPlane: ApiObject;
  readonly controlPlaneMachine?: ApiObject;
  readonly workers: readonly WorkerClass[];
  readonly variables: readonly ClassVariable[];
  readonly patches: readonly ClassPatch[];
}

/**
 * A CAPI v1beta2 ClusterClass whose template references and patch selectors are derived from the template
 * objects, and whose variables and patches are written as plain data. Empty optional lists are omitted,
 * because v1beta2 schemas reject `[]` there (MinItems=1).
 */
export class ClusterClassConstruct extends Construct {
  public readonly apiObject: ClusterClassV1Beta2;

  constructor(scope: Construct, id: string, props: ClusterClassProps) {
    super(scope, id);
    const ref = (o: ApiObject) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.name });
    const selector = (t: PatchTarget) => {
      const obj = targetObject(props, t);
      return { apiVersion: obj.apiVersion, kind: obj.kind, matchResources: matchResources(t) };
    };
    const patches: ClusterClassV1Beta2SpecPatches[] = props.patches.map((p) => ({
      name: p.name,
      description: p.description,
      enabledIf: p.enabledIf,
      definitions: p.definitions.map((d) => ({
        selector: selector(d.target),
        jsonPatches: d.ops.map((op) => ({
          op: op.op as ClusterClassV1Beta2SpecPatchesDefinitionsJsonPatchesOp,
          path: op.path,
          value: op.value,
          valueFrom:
            op.variable !== undefined || op.template !== undefined
              ? { variable: op.variable, template: op.template }
              : undefined,
        })),
      })),
    }));
    const variables: ClusterClassV1Beta2SpecVariables[] = props.variables.map((v) => ({
      name: v.name,
      required: v.required ?? false,
      schema: { openApiv3Schema: toSchemaProps(v.schema) },
    }));
    this.apiObject = new ClusterClassV1Beta2(this, 'class', {
      metadata: { name: props.name, labels: nonEmpty(props.labels), annotations: nonEmpty(props.annotations) },
      spec: {
        infrastructure: { templateRef: ref(props.infrastructure) },
        controlPlane: {
          templateRef: ref(props.controlPlane),
          machineInfrastructure: props.controlPlaneMachine
            ? { templateRef: ref(props.controlPlaneMachine) }
            : undefined,
        },
        workers: props.workers.length
          ? {
              machineDeployments: props.workers.map((w) => ({
                class: w.class,
                bootstrap: { templateRef: ref(w.bootstrap) },
                infrastructure: { templateRef: ref(w.infrastructure) },
              })),
            }
          : undefined,
        variables: variables.length ? variables : undefined,
        patches: patches.length ? patches : undefined,
      },
    });
  }
}

function targetObject(props: ClusterClassProps, t: PatchTarget): ApiObject {
  if ('infrastructureCluster' in t) return props.infrastructure;
  if ('controlPlane' in t) return props.controlPlane;
  if ('controlPlaneMachine' in t) {
    if (!props.controlPlaneMachine)
      throw new Error(
        `ClusterClass ${props.name}: a patch targets the control plane machine template, but the class has none`,
      );
    return props.controlPlaneMachine;
  }
  const names = 'workerBootstrap' in t ? t.workerBootstrap : t.workerMachine;
  const workers = props.workers.filter((w) => names.includes(w.class));
  if (workers.length === 0)
    throw new Error(
      `ClusterClass ${props.name}: a patch targets worker classes [${names.join(', ')}], which the class does ` +
        `not define`,
    );
  return 'workerBootstrap' in t ? workers[0].bootstrap : workers[0].infrastructure;
}

function matchResources(t: PatchTarget) {
  if ('infrastructureCluster' in t) return { infrastructureCluster: true };
  if ('controlPlane' in t || 'controlPlaneMachine' in t) return { controlPlane: true };
  const names = 'workerBootstrap' in t ? t.workerBootstrap : t.workerMachine;
  return { machineDeploymentClass: { names: [...names] } };
}

function toSchemaProps(s: VariableSchema): ClusterClassV1Beta2SpecVariablesSchemaOpenApiv3Schema {
  // Nested schemas are untyped (`any`) in the generated class and pass through as written.
  const { type, ...rest } = s;
  return {
    ...rest,
    type: type as ClusterClassV1Beta2SpecVariablesSchemaOpenApiv3SchemaType,
  } as ClusterClassV1Beta2SpecVariablesSchemaOpenApiv3Schema;
}

function nonEmpty<T extends object>(o: T | undefined): T | undefined {
  return o && Object.keys(o).length ? o : undefined;
}
