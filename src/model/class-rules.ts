/**
 * The ClusterClass rules Cluster API's webhooks enforce that need no cluster (names, references, variable schemas,
 * patches, Go templates, kubernetesVersions), as one typed catalogue: each rule is a record with its id, the source
 * of the fact, the fix and its own check over the class (as CAPI splits its webhook into validatePatchName,
 * validateSelectors, validateJSONPatches, …). Synth runs them on what it builds; the offline verifier (`cskit verify`)
 * runs them on any rendered stack. Accepts v1beta2 (`templateRef`) and v1beta1 (`ref`, MachineDeployment/MachinePool
 * refs under `template`); class-rules-context.ts reads both forms once.
 * Facts from cluster-api core/webhooks/admission/{clusterclass,patch_validation}.go and
 * internal/topology/variables/clusterclass_variable_validation.go.
 */

import { fieldKey, fieldPath } from '../util/field-path';
import {
  BUILTIN_VARIABLES,
  ClassContext,
  ObjectId,
  Worker,
  Yaml,
  builtinKnown,
  classContext,
} from './class-rules-context';
import {
  Report,
  checkHealthChecks,
  checkKubernetesVersions,
  checkMetadata,
  checkNaming,
  checkSelector,
} from './class-rules-checks';
import { SchemaProblem } from './class-rules-schema';

/** One problem a class rule found, placed by a field path in the ClusterClass. */
export interface ClassProblem {
  /** Stable rule id, e.g. `capi/patch-variable`. */
  readonly rule: string;
  /** Field path in the ClusterClass, e.g. `spec.patches[3].definitions[0].jsonPatches[0].path`. */
  readonly path: string;
  readonly message: string;
}

/** A rule of the catalogue: identity, documentation (docs/rules.md) and its check. */
export interface ClassRule {
  readonly id: string;
  readonly source: string;
  readonly fix: string;
  readonly check: (c: ClassContext, report: Report) => void;
}

export { BUILTIN_VARIABLES };

const WEBHOOK = 'ClusterClass webhook';

/** Every ClusterClass rule, in the order findings are reported. */
export const CLASS_RULES: readonly ClassRule[] = [
  {
    id: 'capi/template-ref-kind',
    source: `${WEBHOOK}: template kinds end in "Template"`,
    fix: 'reference the *Template kind',
    check: templateRefKind,
  },
  {
    id: 'capi/template-ref-fields',
    source: `${WEBHOOK}: a template reference has a name and an apiVersion of the form group/version`,
    fix: 'set name, kind and apiVersion (e.g. infrastructure.cluster.x-k8s.io/v1beta2) on the reference',
    check: templateRefFields,
  },
  {
    id: 'capi/template-ref-resolves',
    source: 'cskit (the topology controller needs it at runtime): a class ships every template it references',
    fix: 'add the template to the stack or fix the reference',
    check: templateRefResolves,
  },
  {
    id: 'capi/md-class-unique',
    source: `${WEBHOOK}: MachineDeployment class names are unique`,
    fix: 'rename the duplicate class',
    check: workerClassUnique('machineDeployments', 'MachineDeployment'),
  },
  {
    id: 'capi/mp-class-unique',
    source: `${WEBHOOK}: MachinePool class names are unique`,
    fix: 'rename the duplicate class',
    check: workerClassUnique('machinePools', 'MachinePool'),
  },
  {
    id: 'capi/variable-name',
    source: `${WEBHOOK}: variable names are non-empty, unique, not "builtin", without "."`,
    fix: 'rename the variable',
    check: variableName,
  },
  {
    id: 'capi/variable-schema-structural',
    source:
      `${WEBHOOK}: variable schemas are structural (every node typed with one of the 6 types, properties ` +
      `xor additionalProperties, no type/default in allOf/anyOf/oneOf/not)`,
    fix: 'give every property a type; use properties or additionalProperties, not both',
    check: variableSchema('capi/variable-schema-structural'),
  },
  {
    id: 'capi/variable-schema-keyword',
    source: 'ClusterClass CRD: only the JSONSchemaProps subset is kept; other keywords are dropped by the API server',
    fix: 'remove or correct the keyword (e.g. minLength, not minLenght)',
    check: variableSchema('capi/variable-schema-keyword'),
  },
  {
    id: 'capi/variable-default',
    source: `${WEBHOOK}: defaults are valid against their schema (structural defaulting)`,
    fix: 'change the default so it satisfies the schema, or fix the schema',
    check: variableSchema('capi/variable-default'),
  },
  {
    id: 'capi/variable-example',
    source: `${WEBHOOK}: examples are valid against their schema`,
    fix: 'change the example so it satisfies the schema',
    check: variableSchema('capi/variable-example'),
  },
  {
    id: 'capi/variable-enum',
    source: `${WEBHOOK}: enum values are valid against their schema`,
    fix: 'make every enum value match the type, pattern and bounds of the schema',
    check: variableSchema('capi/variable-enum'),
  },
  {
    id: 'capi/patch-name',
    source: `${WEBHOOK}: a patch has a name, and not "inline"`,
    fix: 'name the patch (any name but "inline")',
    check: patchName,
  },
  {
    id: 'capi/patch-name-unique',
    source: `${WEBHOOK}: patch names are unique`,
    fix: 'rename the duplicate patch',
    check: patchNameUnique,
  },
  {
    id: 'capi/patch-definitions',
    source:
      `${WEBHOOK}: exactly one of definitions or external; external names generatePatchesExtension or ` +
      `validateTopologyExtension`,
    fix: 'give the patch either definitions or an external extension, not both',
    check: patchDefinitions,
  },
  {
    id: 'capi/patch-op',
    source: `${WEBHOOK}: JSON patch op is add, replace or remove`,
    fix: 'use add, replace or remove',
    check: patchOp,
  },
  {
    id: 'capi/patch-path',
    source: `${WEBHOOK}: JSON patch paths start with /spec; arrays only by add at /0 or /-`,
    fix: 'patch under /spec; append with /- or prepend with /0',
    check: patchPath,
  },
  {
    id: 'capi/patch-value',
    source:
      `${WEBHOOK}: add/replace set exactly one of value or valueFrom, and valueFrom exactly one of ` +
      `variable or template`,
    fix: 'set exactly one of value, valueFrom.variable or valueFrom.template',
    check: patchValue,
  },
  {
    id: 'capi/patch-variable',
    source:
      `${WEBHOOK}: valueFrom.variable is a defined variable or builtin (cskit also checks templates and ` +
      `enabledIf)`,
    fix: 'define the variable in spec.variables or use a builtin.* variable',
    check: patchVariable,
  },
  {
    id: 'capi/builtin-unknown',
    source:
      `${WEBHOOK}: builtin variables come from a fixed list (patch_validation.go); cskit also checks ` +
      `templates, where CAPI would render "<no value>"`,
    fix: 'use a builtin from docs/rules.md (e.g. builtin.cluster.name, builtin.controlPlane.version)',
    check: builtinUnknown,
  },
  {
    id: 'capi/template-parse',
    source: `${WEBHOOK}: enabledIf and valueFrom.template parse as Go text/template with sprig's hermetic functions`,
    fix: 'fix the template syntax: balance {{ }}, close if/range/with with {{ end }}, use only Go and sprig functions',
    check: templateParse,
  },
  {
    id: 'capi/patch-selector',
    source:
      `${WEBHOOK}: a selector enables at least one match, and each enabled match selects a template of ` +
      `this class with the same apiVersion and kind`,
    fix: 'select the apiVersion and kind of a template the enabled match refers to',
    check: patchSelector,
  },
  {
    id: 'capi/naming-template',
    source:
      `${WEBHOOK}: naming templates parse (Go text/template without sprig) and render, for a sample ` +
      `cluster, to a DNS-1123 subdomain`,
    fix:
      'use only {{ .cluster.name }}, {{ .random }} and {{ .machineDeployment.topologyName }}/{{ ' +
      '.machinePool.topologyName }} with lowercase letters, digits, "-" and "."',
    check: (c, report) => checkNaming(c.spec, report),
  },
  {
    id: 'capi/cp-health-check',
    source: `${WEBHOOK}: a control plane health check needs spec.controlPlane.machineInfrastructure`,
    fix: 'set controlPlane.machineInfrastructure, or drop the control plane health check',
    check: cpHealthCheck,
  },
  {
    id: 'capi/health-check',
    source:
      `${WEBHOOK}: health checks wait at least 30 s for a node to start (or 0: never), and ` +
      `unhealthyLessThanOrEqualTo/maxInFlight are an integer or a percentage`,
    fix: 'set nodeStartupTimeoutSeconds to 0 or 30 and more; write limits as 2 or "40%"',
    check: (c, report) => checkHealthChecks(c.spec, report),
  },
  {
    id: 'capi/metadata',
    source:
      `${WEBHOOK}: labels and annotations of the control plane, worker classes and variables' x-metadata ` +
      `are valid Kubernetes metadata`,
    fix:
      'label keys: [prefix/]name (name ≤ 63 of letters, digits, "-", "_", "."); label values ≤ 63 of the ' +
      'same, starting and ending alphanumeric',
    check: (c, report) => checkMetadata(c.spec, report),
  },
  {
    id: 'capi/kubernetes-versions',
    source:
      `${WEBHOOK}: kubernetesVersions are valid semver, strictly increasing, each minor equal to or one ` +
      `above the previous`,
    fix: 'list versions such as v1.35.3, v1.36.0, v1.36.4 in increasing order without skipping a minor',
    check: (c, report) => checkKubernetesVersions(c.spec.kubernetesVersions, report),
  },
  {
    id: 'capi/empty-optional',
    source: 'CAPI v1beta2 schema: optional lists/objects have MinItems/MinProperties=1',
    fix: 'omit the field instead of writing [] or {}',
    check: emptyOptional,
  },
];

/**
 * The catalogue's rules (all, or those given: `cskit verify --rules` runs only what it reports) over one rendered
 * class and the objects shipped with it.
 */
export function checkClusterClass(
  cc: { apiVersion?: string; spec?: Yaml },
  objects: readonly ObjectId[],
  rules: readonly ClassRule[] = CLASS_RULES,
): ClassProblem[] {
  const c = classContext(cc, objects);
  const out: ClassProblem[] = [];
  for (const r of rules) r.check(c, (path, message) => out.push({ rule: r.id, path, message }));
  return out;
}

const GROUP_VERSION = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?v\d+((alpha|beta)\d+)?$/;

/** The webhook's checks on each template reference (missing, fields, kind) and cskit's "it is in the stack". */
function templateRefResolves(c: ClassContext, report: Report): void {
  for (const { path, ref } of c.places) {
    if (!ref) report(path, 'missing template reference');
    else if (
      ref.name &&
      !c.objects.some((o) => o.apiVersion === ref.apiVersion && o.kind === ref.kind && o.metadata?.name === ref.name)
    )
      report(
        path,
        `${ref.apiVersion} ${ref.kind} "${ref.name}" is not in the stack; add the template or fix the reference`,
      );
  }
}

function templateRefFields(c: ClassContext, report: Report): void {
  for (const { path, ref } of c.places) {
    if (!ref) continue;
    if (!ref.name) report(fieldPath(path, 'name'), 'template reference without a name');
    if (!ref.apiVersion || !GROUP_VERSION.test(ref.apiVersion))
      report(
        fieldPath(path, 'apiVersion'),
        `apiVersion ${JSON.stringify(ref.apiVersion ?? '')} is not of the form group/version`,
      );
  }
}

function templateRefKind(c: ClassContext, report: Report): void {
  for (const { path, ref } of c.places)
    if (ref && !/Template$/.test(ref.kind ?? ''))
      report(
        fieldPath(path, 'kind'),
        `"${ref.kind ?? ''}" does not end in "Template"; Cluster API only references template kinds`,
      );
}

function workerClassUnique(kind: Worker['kind'], label: string) {
  return (c: ClassContext, report: Report): void => {
    const seen = new Set<unknown>();
    for (const { path, w } of c.workers.filter((x) => x.kind === kind)) {
      if (seen.has(w?.class))
        report(fieldPath(path, 'class'), `duplicate ${label} class "${w.class}"; class names must be unique`);
      seen.add(w?.class);
    }
  };
}

function variableName(c: ClassContext, report: Report): void {
  const seen = new Set<unknown>();
  for (const { path, v } of c.variables) {
    const p = fieldPath(path, 'name');
    if (!v?.name) report(p, 'empty variable name');
    else if (v.name === 'builtin')
      report(p, '"builtin" is reserved for Cluster API\'s builtin variables; rename the variable');
    else if (String(v.name).includes('.'))
      report(p, `"${v.name}" contains "."; variable names cannot (a dot reads a nested field)`);
    else if (seen.has(v.name)) report(p, `duplicate variable "${v.name}"`);
    seen.add(v?.name);
  }
}

/** One of the five variable-schema rules: their problems come from one walk of each schema (class-rules-schema.ts). */
function variableSchema(rule: SchemaProblem['rule']) {
  return (c: ClassContext, report: Report): void => {
    for (const sp of c.schemaProblems())
      if (sp.rule === rule) report(sp.path, `variable "${sp.variable}": ${sp.message}`);
  };
}

function patchName(c: ClassContext, report: Report): void {
  for (const { path, p } of c.patches)
    if (!p?.name || p.name === 'inline')
      report(
        fieldPath(path, 'name'),
        p?.name ? '"inline" is reserved (it marks inline variables)' : 'patch without a name',
      );
}

function patchNameUnique(c: ClassContext, report: Report): void {
  const seen = new Set<unknown>();
  for (const { path, p } of c.patches) {
    if (p?.name && p.name !== 'inline' && seen.has(p.name))
      report(fieldPath(path, 'name'), `duplicate patch name "${p.name}"`);
    seen.add(p?.name);
  }
}

function patchDefinitions(c: ClassContext, report: Report): void {
  for (const { path, p } of c.patches) {
    if (!p?.definitions && !p?.external) report(path, `patch "${p?.name}" has neither definitions nor external`);
    if (p?.definitions && p?.external)
      report(path, `patch "${p?.name}" has both definitions and external; only one is allowed`);
    if (p?.external && !p.external.generatePatchesExtension && !p.external.validateTopologyExtension)
      report(
        fieldPath(path, 'external'),
        'external patch names neither generatePatchesExtension nor validateTopologyExtension',
      );
  }
}

function patchOp(c: ClassContext, report: Report): void {
  for (const { path, jp } of c.jsonPatches)
    if (!['add', 'replace', 'remove'].includes(jp?.op))
      report(
        fieldPath(path, 'op'),
        `op ${JSON.stringify(jp?.op)} is not supported; Cluster API allows add, replace, remove`,
      );
}

function patchPath(c: ClassContext, report: Report): void {
  for (const { path: at, jp } of c.jsonPatches) {
    const p = fieldPath(at, 'path');
    const path = String(jp?.path ?? '');
    if (!/^\/spec(\/|$)/.test(path))
      report(p, `"${path}" is not under /spec; Cluster API only patches a template's spec`);
    const indexes = path.split('/').filter((s) => /^[+-]?\d+$/.test(s));
    if (jp?.op === 'add' && indexes.some((x) => Number(x) !== 0))
      report(p, `"${path}" adds at an array index; only /0 (prepend) or /- (append) is allowed`);
    if ((jp?.op === 'replace' || jp?.op === 'remove') && indexes.length)
      report(p, `"${path}" indexes an array in a ${jp.op}; elements in arrays can not be accessed in ${jp.op}`);
  }
}

function patchValue(c: ClassContext, report: Report): void {
  for (const { path, jp } of c.jsonPatches) {
    if (jp?.op !== 'add' && jp?.op !== 'replace') continue;
    const hasValue = jp.value !== undefined;
    const vf = jp.valueFrom;
    if (hasValue === (vf !== undefined))
      report(path, hasValue ? 'both value and valueFrom are set' : `${jp.op} needs value or valueFrom`);
    if (vf !== undefined && !!vf?.variable === !!vf?.template)
      report(
        fieldPath(path, 'valueFrom'),
        vf?.variable ? 'valueFrom sets both variable and template' : 'valueFrom sets neither variable nor template',
      );
  }
}

function patchVariable(c: ClassContext, report: Report): void {
  if (c.discovers) return; // variables a Runtime SDK extension discovers are unknown offline
  for (const { path, ref, where } of c.reads()) {
    const root = ref.split(/[.[]/)[0];
    if (root !== 'builtin' && !c.variableNames.has(root))
      report(path, `unknown variable "${root}" in ${where}; define it in spec.variables or use a builtin.* variable`);
  }
}

function builtinUnknown(c: ClassContext, report: Report): void {
  for (const { path, ref, where, inTemplate } of c.reads()) {
    if (ref.split(/[.[]/)[0] !== 'builtin' || builtinKnown(ref, inTemplate)) continue;
    const parent = ref.split('.').slice(0, -1).join('.');
    const near = [...BUILTIN_VARIABLES].filter(
      (b) => b.startsWith(`${parent}.`) && b.split('.').length === ref.split('.').length,
    );
    const known = near.length ? ` (known here: ${near.join(', ')})` : '';
    report(path, `"${ref}" in ${where} is not a Cluster API builtin variable${known}`);
  }
}

function templateParse(c: ClassContext, report: Report): void {
  for (const { path, tpl } of c.templates) {
    if (typeof tpl !== 'string') {
      report(path, `expecting a template string, found ${JSON.stringify(tpl)}`);
      continue;
    }
    const r = c.parse(tpl);
    if (r.error) report(path, `template ${JSON.stringify(tpl)} does not parse: ${r.error}`);
  }
}

function patchSelector(c: ClassContext, report: Report): void {
  for (const { path, sel } of c.selectors) checkSelector(sel, path, c.places, report);
}

function cpHealthCheck(c: ClassContext, report: Report): void {
  const cp = c.spec.controlPlane;
  const key = cp?.healthCheck ? 'healthCheck' : cp?.machineHealthCheck ? 'machineHealthCheck' : undefined;
  const mi = cp?.machineInfrastructure;
  if (key && !(mi?.templateRef ?? mi?.ref))
    report(
      fieldPath('spec.controlPlane', key),
      'a control plane health check is set, but spec.controlPlane.machineInfrastructure is not: ' +
        'Cluster API only checks control plane Machines it creates from a machine template',
    );
}

/**
 * v1beta2 rejects empty optional lists and objects. Variable schemas and JSON patch values are skipped: an empty
 * list or object is a legitimate value there.
 */
function emptyOptional(c: ClassContext, report: Report): void {
  if (!c.apiVersion?.endsWith('/v1beta2')) return;
  // `itemOf`: the key of the list a value is an item of (`spec.variables[i]`, `….jsonPatches[k]`), so the skipped
  // subtrees are found by structure; this walk visits every node of the class, so it stays cheap (no regex per node)
  const walk = (v: unknown, path: string, itemOf?: string, topVariables = false) => {
    if (Array.isArray(v)) {
      if (v.length === 0) report(path, 'empty list; omit the field instead (v1beta2 forbids empty optional lists)');
      for (let i = 0; i < v.length; i++) walk(v[i], `${path}[${i}]`, 'item', topVariables);
    } else if (v && typeof v === 'object') {
      const keys = Object.keys(v);
      if (keys.length === 0)
        report(path, 'empty object; omit the field instead (v1beta2 forbids empty optional objects)');
      for (const k of keys) {
        if (
          itemOf === 'item' &&
          ((topVariables && k === 'schema') ||
            (path.endsWith(']') && k === 'value' && /\.jsonPatches\[\d+\]$/.test(path)))
        )
          continue;
        walk((v as Record<string, unknown>)[k], fieldKey(path, k), undefined, path === 'spec' && k === 'variables');
      }
    }
  };
  walk(c.spec, 'spec');
}
