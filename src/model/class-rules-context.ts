/**
 * What the ClusterClass rules (class-rules.ts) read, collected once per class: every template reference with the
 * place a patch selector names it by, the variables, the patches and their JSON patches, the templates and the
 * variable references in them. Each rule is then a small function over this context instead of one long walk, and
 * the walk over both API versions (v1beta2 `templateRef`; v1beta1 `ref`, worker refs under `template`) lives here only.
 */

import { fieldPath } from '../util/field-path';
import { SchemaProblem, checkVariableSchema } from './class-rules-schema';
import { checkGoTemplate } from './class-rules-template';

/**
 * A node of the rendered YAML. Its shape is what the rules check, so it cannot be assumed: every rule reads
 * defensively (`?.`, Array.isArray). One alias instead of scattered `any`s.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Yaml = any;

export interface Ref {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
}

export interface ObjectId {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string };
}

export type MatchKey = 'infrastructureCluster' | 'controlPlane' | 'machineDeploymentClass' | 'machinePoolClass';

/** A template reference of the class and the selector match that names it. */
export interface TemplatePlace {
  readonly path: string;
  readonly ref: Ref | undefined;
  readonly match: MatchKey;
  /** The worker class name, for worker templates. */
  readonly cls?: string;
}

export interface Worker {
  readonly path: string;
  readonly kind: 'machineDeployments' | 'machinePools';
  readonly w: Yaml;
}

export interface JsonPatchAt {
  readonly path: string;
  readonly jp: Yaml;
}

/** A place a variable or builtin is read: valueFrom.variable, or a field a template reads. */
export interface VariableRead {
  readonly path: string;
  readonly ref: string;
  /** For messages: `valueFrom.variable`, `template "…"`. */
  readonly where: string;
  readonly inTemplate: boolean;
}

export interface ClassContext {
  readonly apiVersion?: string;
  readonly spec: Yaml;
  readonly objects: readonly ObjectId[];
  readonly places: readonly TemplatePlace[];
  readonly workers: readonly Worker[];
  readonly variables: ReadonlyArray<{ readonly path: string; readonly v: Yaml }>;
  readonly variableNames: ReadonlySet<string>;
  /** A Runtime SDK extension discovers variables: an unknown name is then not an error offline. */
  readonly discovers: boolean;
  readonly patches: ReadonlyArray<{ readonly path: string; readonly p: Yaml }>;
  readonly selectors: ReadonlyArray<{ readonly path: string; readonly sel: Yaml }>;
  readonly jsonPatches: readonly JsonPatchAt[];
  /** enabledIf and valueFrom.template values. */
  readonly templates: ReadonlyArray<{ readonly path: string; readonly tpl: unknown }>;
  /** Every variable read, from valueFrom.variable and from the templates that parse. */
  readonly reads: () => readonly VariableRead[];
  /** A template's parse (error and the fields it reads), parsed once for capi/template-parse and the variable rules. */
  readonly parse: (tpl: string) => ReturnType<typeof checkGoTemplate>;
  /** The variable-schema problems (five rules share one walk of each schema). */
  readonly schemaProblems: () => ReadonlyArray<SchemaProblem & { readonly variable: string }>;
}

export const list = (v: unknown): Yaml[] => (Array.isArray(v) ? v : []);

function once<T>(f: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value;
  };
}

export function classContext(cc: { apiVersion?: string; spec?: Yaml }, objects: readonly ObjectId[]): ClassContext {
  const spec = cc.spec ?? {};
  const refOf = (v: Yaml): Ref | undefined => v?.templateRef ?? v?.ref;
  const field = spec.infrastructure?.templateRef || spec.controlPlane?.templateRef ? 'templateRef' : 'ref';
  const places: TemplatePlace[] = [
    {
      path: fieldPath('spec.infrastructure', field),
      ref: refOf(spec.infrastructure),
      match: 'infrastructureCluster',
    },
    { path: fieldPath('spec.controlPlane', field), ref: refOf(spec.controlPlane), match: 'controlPlane' },
  ];
  if (spec.controlPlane?.machineInfrastructure)
    places.push({
      path: fieldPath('spec.controlPlane.machineInfrastructure', field),
      ref: refOf(spec.controlPlane.machineInfrastructure),
      match: 'controlPlane',
    });
  const workers: Worker[] = [];
  for (const kind of ['machineDeployments', 'machinePools'] as const) {
    const match = kind === 'machineDeployments' ? 'machineDeploymentClass' : 'machinePoolClass';
    list(spec.workers?.[kind]).forEach((w, i) => {
      const p = fieldPath('spec.workers', kind, i);
      workers.push({ path: p, kind, w });
      const t = w?.template ? fieldPath(p, 'template') : p;
      for (const role of ['bootstrap', 'infrastructure'] as const)
        places.push({
          path: fieldPath(t, role, field),
          ref: refOf(w?.[role] ?? w?.template?.[role]),
          match,
          cls: w?.class,
        });
    });
  }
  const variables = list(spec.variables).map((v, i) => ({ path: fieldPath('spec.variables', i), v }));
  const patches = list(spec.patches).map((p, i) => ({ path: fieldPath('spec.patches', i), p }));
  const selectors: Array<{ path: string; sel: Yaml }> = [];
  const jsonPatches: JsonPatchAt[] = [];
  const templates: Array<{ path: string; tpl: unknown }> = [];
  const variableRefs: Array<{ path: string; ref: string } | { path: string; tpl: unknown }> = []; // in patch order
  for (const { path, p } of patches) {
    if (p?.enabledIf !== undefined) templates.push({ path: fieldPath(path, 'enabledIf'), tpl: p.enabledIf });
    if (p?.enabledIf !== undefined) variableRefs.push(templates[templates.length - 1]);
    list(p?.definitions).forEach((d, j) => {
      const dp = fieldPath(path, 'definitions', j);
      selectors.push({ path: fieldPath(dp, 'selector'), sel: d?.selector ?? {} });
      list(d?.jsonPatches).forEach((jp, k) => {
        const jpp = fieldPath(dp, 'jsonPatches', k);
        jsonPatches.push({ path: jpp, jp });
        if (jp?.op !== 'add' && jp?.op !== 'replace') return;
        const vf = jp?.valueFrom;
        if (vf?.variable)
          variableRefs.push({ path: fieldPath(jpp, 'valueFrom', 'variable'), ref: String(vf.variable) });
        if (vf?.template !== undefined) {
          templates.push({ path: fieldPath(jpp, 'valueFrom', 'template'), tpl: vf.template });
          variableRefs.push(templates[templates.length - 1]);
        }
      });
    });
  }
  const parsed = new Map<string, ReturnType<typeof checkGoTemplate>>();
  const parse = (tpl: string) => {
    let r = parsed.get(tpl);
    if (!r) parsed.set(tpl, (r = checkGoTemplate(tpl)));
    return r;
  };
  const reads = once(() => {
    const out: VariableRead[] = [];
    for (const r of variableRefs) {
      if ('ref' in r) out.push({ path: r.path, ref: r.ref, where: 'valueFrom.variable', inTemplate: false });
      else if (typeof r.tpl === 'string')
        for (const f of new Set(parse(r.tpl).fields))
          out.push({ path: r.path, ref: f, where: `template ${JSON.stringify(r.tpl)}`, inTemplate: true });
    }
    return out;
  });
  const schemaProblems = once(() =>
    variables.flatMap(({ path, v }) =>
      checkVariableSchema(v?.schema?.openAPIV3Schema).map((sp) => ({
        ...sp,
        path: `${fieldPath(path, 'schema', 'openAPIV3Schema')}${sp.path}`,
        variable: String(v?.name),
      })),
    ),
  );
  return {
    apiVersion: cc.apiVersion,
    spec,
    objects,
    places,
    workers,
    variables,
    variableNames: new Set(variables.map(({ v }) => v?.name)),
    discovers: patches.some(({ p }) => p?.external?.discoverVariablesExtension),
    patches,
    selectors,
    jsonPatches,
    templates,
    reads,
    parse,
    schemaProblems,
  };
}

/** Cluster API's builtin variables (core/webhooks/admission/patch_validation.go `builtinVariables`). */
export const BUILTIN_VARIABLES: ReadonlySet<string> = new Set([
  'builtin',
  'builtin.cluster',
  'builtin.cluster.name',
  'builtin.cluster.namespace',
  'builtin.cluster.uid',
  'builtin.cluster.metadata.labels',
  'builtin.cluster.metadata.annotations',
  'builtin.cluster.topology',
  'builtin.cluster.topology.classRef.name',
  'builtin.cluster.topology.classRef.namespace',
  'builtin.cluster.topology.class',
  'builtin.cluster.topology.classNamespace',
  'builtin.cluster.topology.version',
  'builtin.cluster.network',
  'builtin.cluster.network.serviceDomain',
  'builtin.cluster.network.services',
  'builtin.cluster.network.pods',
  'builtin.controlPlane',
  'builtin.controlPlane.name',
  'builtin.controlPlane.replicas',
  'builtin.controlPlane.version',
  'builtin.controlPlane.metadata.labels',
  'builtin.controlPlane.metadata.annotations',
  'builtin.controlPlane.machineTemplate.infrastructureRef.name',
  ...['machineDeployment', 'machinePool'].flatMap((w) =>
    [
      '',
      '.class',
      '.name',
      '.replicas',
      '.topologyName',
      '.version',
      '.metadata.labels',
      '.metadata.annotations',
      '.bootstrap.configRef.name',
      '.infrastructureRef.name',
    ].map((s) => `builtin.${w}${s}`),
  ),
]);

/** A template may read inside a builtin map (`.builtin.cluster.metadata.labels.team`) or a whole builtin object. */
export function builtinKnown(path: string, inTemplate: boolean): boolean {
  if (BUILTIN_VARIABLES.has(path)) return true;
  return (
    inTemplate &&
    /^builtin\.(cluster|controlPlane|machineDeployment|machinePool)\.metadata\.(labels|annotations)\.[^.]+/.test(path)
  );
}
