import { checkVariableSchema } from './class-rules-schema';
import { GO_TEMPLATE_FUNCTIONS, checkGoTemplate, renderSimpleTemplate } from './class-rules-template';

/**
 * The ClusterClass rules Cluster API's webhooks enforce that need no cluster (names, references, variable schemas,
 * patches, Go templates, kubernetesVersions), as one pure function over a rendered class and the objects shipped
 * with it. Synth runs it on what it builds; the offline verifier (`cskit verify`) runs it on any rendered stack.
 * Accepts v1beta2 (`templateRef`) and v1beta1 (`ref`, MachineDeployment/MachinePool refs under `template`).
 * Facts from cluster-api core/webhooks/admission/{clusterclass,patch_validation}.go and
 * internal/topology/variables/clusterclass_variable_validation.go.
 */
export interface ClassProblem {
  /** Stable rule id, e.g. `capi/patch-variable`. */
  readonly rule: string;
  /** Field path in the ClusterClass, e.g. `spec.patches[3].definitions[0].jsonPatches[0].path`. */
  readonly path: string;
  readonly message: string;
}

export interface ClassRuleInfo {
  readonly id: string;
  readonly source: string;
  readonly fix: string;
}

const WEBHOOK = 'ClusterClass webhook';
export const CLASS_RULES: readonly ClassRuleInfo[] = [
  {
    id: 'capi/template-ref-kind',
    source: `${WEBHOOK}: template kinds end in "Template"`,
    fix: 'reference the *Template kind',
  },
  {
    id: 'capi/template-ref-fields',
    source: `${WEBHOOK}: a template reference has a name and an apiVersion of the form group/version`,
    fix: 'set name, kind and apiVersion (e.g. infrastructure.cluster.x-k8s.io/v1beta2) on the reference',
  },
  {
    id: 'capi/template-ref-resolves',
    source: 'cskit (the topology controller needs it at runtime): a class ships every template it references',
    fix: 'add the template to the stack or fix the reference',
  },
  {
    id: 'capi/md-class-unique',
    source: `${WEBHOOK}: MachineDeployment class names are unique`,
    fix: 'rename the duplicate class',
  },
  {
    id: 'capi/mp-class-unique',
    source: `${WEBHOOK}: MachinePool class names are unique`,
    fix: 'rename the duplicate class',
  },
  {
    id: 'capi/variable-name',
    source: `${WEBHOOK}: variable names are non-empty, unique, not "builtin", without "."`,
    fix: 'rename the variable',
  },
  {
    id: 'capi/variable-schema-structural',
    source: `${WEBHOOK}: variable schemas are structural (every node typed with one of the 6 types, properties xor additionalProperties, no type/default in allOf/anyOf/oneOf/not)`,
    fix: 'give every property a type; use properties or additionalProperties, not both',
  },
  {
    id: 'capi/variable-schema-keyword',
    source: 'ClusterClass CRD: only the JSONSchemaProps subset is kept; other keywords are dropped by the API server',
    fix: 'remove or correct the keyword (e.g. minLength, not minLenght)',
  },
  {
    id: 'capi/variable-default',
    source: `${WEBHOOK}: defaults are valid against their schema (structural defaulting)`,
    fix: 'change the default so it satisfies the schema, or fix the schema',
  },
  {
    id: 'capi/variable-example',
    source: `${WEBHOOK}: examples are valid against their schema`,
    fix: 'change the example so it satisfies the schema',
  },
  {
    id: 'capi/variable-enum',
    source: `${WEBHOOK}: enum values are valid against their schema`,
    fix: 'make every enum value match the type, pattern and bounds of the schema',
  },
  {
    id: 'capi/patch-name',
    source: `${WEBHOOK}: a patch has a name, and not "inline"`,
    fix: 'name the patch (any name but "inline")',
  },
  { id: 'capi/patch-name-unique', source: `${WEBHOOK}: patch names are unique`, fix: 'rename the duplicate patch' },
  {
    id: 'capi/patch-definitions',
    source: `${WEBHOOK}: exactly one of definitions or external; external names generatePatchesExtension or validateTopologyExtension`,
    fix: 'give the patch either definitions or an external extension, not both',
  },
  {
    id: 'capi/patch-op',
    source: `${WEBHOOK}: JSON patch op is add, replace or remove`,
    fix: 'use add, replace or remove',
  },
  {
    id: 'capi/patch-path',
    source: `${WEBHOOK}: JSON patch paths start with /spec; arrays only by add at /0 or /-`,
    fix: 'patch under /spec; append with /- or prepend with /0',
  },
  {
    id: 'capi/patch-value',
    source: `${WEBHOOK}: add/replace set exactly one of value or valueFrom, and valueFrom exactly one of variable or template`,
    fix: 'set exactly one of value, valueFrom.variable or valueFrom.template',
  },
  {
    id: 'capi/patch-variable',
    source: `${WEBHOOK}: valueFrom.variable is a defined variable or builtin (cskit also checks templates and enabledIf)`,
    fix: 'define the variable in spec.variables or use a builtin.* variable',
  },
  {
    id: 'capi/builtin-unknown',
    source: `${WEBHOOK}: builtin variables come from a fixed list (patch_validation.go); cskit also checks templates, where CAPI would render "<no value>"`,
    fix: 'use a builtin from docs/rules.md (e.g. builtin.cluster.name, builtin.controlPlane.version)',
  },
  {
    id: 'capi/template-parse',
    source: `${WEBHOOK}: enabledIf and valueFrom.template parse as Go text/template with sprig's hermetic functions`,
    fix: 'fix the template syntax: balance {{ }}, close if/range/with with {{ end }}, use only Go and sprig functions',
  },
  {
    id: 'capi/patch-selector',
    source: `${WEBHOOK}: a selector enables at least one match, and each enabled match selects a template of this class with the same apiVersion and kind`,
    fix: 'select the apiVersion and kind of a template the enabled match refers to',
  },
  {
    id: 'capi/naming-template',
    source: `${WEBHOOK}: naming templates parse (Go text/template without sprig) and render, for a sample cluster, to a DNS-1123 subdomain`,
    fix: 'use only {{ .cluster.name }}, {{ .random }} and {{ .machineDeployment.topologyName }}/{{ .machinePool.topologyName }} with lowercase letters, digits, "-" and "."',
  },
  {
    id: 'capi/cp-health-check',
    source: `${WEBHOOK}: a control plane health check needs spec.controlPlane.machineInfrastructure`,
    fix: 'set controlPlane.machineInfrastructure, or drop the control plane health check',
  },
  {
    id: 'capi/health-check',
    source: `${WEBHOOK}: health checks wait at least 30 s for a node to start (or 0: never), and unhealthyLessThanOrEqualTo/maxInFlight are an integer or a percentage`,
    fix: 'set nodeStartupTimeoutSeconds to 0 or 30 and more; write limits as 2 or "40%"',
  },
  {
    id: 'capi/metadata',
    source: `${WEBHOOK}: labels and annotations of the control plane, worker classes and variables' x-metadata are valid Kubernetes metadata`,
    fix: 'label keys: [prefix/]name (name ≤ 63 of letters, digits, "-", "_", "."); label values ≤ 63 of the same, starting and ending alphanumeric',
  },
  {
    id: 'capi/kubernetes-versions',
    source: `${WEBHOOK}: kubernetesVersions are valid semver, strictly increasing, each minor equal to or one above the previous`,
    fix: 'list versions such as v1.35.3, v1.36.0, v1.36.4 in increasing order without skipping a minor',
  },
  {
    id: 'capi/empty-optional',
    source: 'CAPI v1beta2 schema: optional lists/objects have MinItems/MinProperties=1',
    fix: 'omit the field instead of writing [] or {}',
  },
];

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
function builtinKnown(path: string, inTemplate: boolean): boolean {
  if (BUILTIN_VARIABLES.has(path)) return true;
  return (
    inTemplate &&
    /^builtin\.(cluster|controlPlane|machineDeployment|machinePool)\.metadata\.(labels|annotations)\.[^.]+/.test(path)
  );
}

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const GROUP_VERSION = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?v\d+((alpha|beta)\d+)?$/;

interface Obj {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
}
interface Ref {
  apiVersion?: string;
  kind?: string;
  name?: string;
}

export function checkClusterClass(cc: { apiVersion?: string; spec?: any }, objects: readonly Obj[]): ClassProblem[] {
  const out: ClassProblem[] = [];
  const add = (rule: string, path: string, message: string) => out.push({ rule, path, message });
  const spec = cc.spec ?? {};
  const refOf = (v: any): Ref | undefined => v?.templateRef ?? v?.ref;
  const field = spec.infrastructure?.templateRef || spec.controlPlane?.templateRef ? 'templateRef' : 'ref';

  // every template reference, with the place a patch selector can name it by
  type Place = {
    path: string;
    ref: Ref | undefined;
    match: 'infrastructureCluster' | 'controlPlane' | 'machineDeploymentClass' | 'machinePoolClass';
    cls?: string;
  };
  const places: Place[] = [
    { path: `spec.infrastructure.${field}`, ref: refOf(spec.infrastructure), match: 'infrastructureCluster' },
    { path: `spec.controlPlane.${field}`, ref: refOf(spec.controlPlane), match: 'controlPlane' },
  ];
  if (spec.controlPlane?.machineInfrastructure)
    places.push({
      path: `spec.controlPlane.machineInfrastructure.${field}`,
      ref: refOf(spec.controlPlane.machineInfrastructure),
      match: 'controlPlane',
    });
  const workers = (list: any[], kind: 'machineDeployments' | 'machinePools') => {
    const seen = new Set<string>();
    const [rule, label, match] =
      kind === 'machineDeployments'
        ? (['capi/md-class-unique', 'MachineDeployment', 'machineDeploymentClass'] as const)
        : (['capi/mp-class-unique', 'MachinePool', 'machinePoolClass'] as const);
    (Array.isArray(list) ? list : []).forEach((w: any, i: number) => {
      const p = `spec.workers.${kind}[${i}]`;
      if (seen.has(w?.class))
        add(rule, `${p}.class`, `duplicate ${label} class "${w.class}"; class names must be unique`);
      seen.add(w?.class);
      const t = w?.template ? `${p}.template` : p;
      places.push(
        { path: `${t}.bootstrap.${field}`, ref: refOf(w?.bootstrap ?? w?.template?.bootstrap), match, cls: w?.class },
        {
          path: `${t}.infrastructure.${field}`,
          ref: refOf(w?.infrastructure ?? w?.template?.infrastructure),
          match,
          cls: w?.class,
        },
      );
    });
  };
  workers(spec.workers?.machineDeployments, 'machineDeployments');
  workers(spec.workers?.machinePools, 'machinePools');
  for (const { path, ref } of places) {
    if (!ref) {
      add('capi/template-ref-resolves', path, 'missing template reference');
      continue;
    }
    if (!ref.name) add('capi/template-ref-fields', `${path}.name`, 'template reference without a name');
    if (!ref.apiVersion || !GROUP_VERSION.test(ref.apiVersion))
      add(
        'capi/template-ref-fields',
        `${path}.apiVersion`,
        `apiVersion ${JSON.stringify(ref.apiVersion ?? '')} is not of the form group/version`,
      );
    if (!/Template$/.test(ref.kind ?? ''))
      add(
        'capi/template-ref-kind',
        `${path}.kind`,
        `"${ref.kind ?? ''}" does not end in "Template"; Cluster API only references template kinds`,
      );
    if (
      ref.name &&
      !objects.some((o) => o.apiVersion === ref.apiVersion && o.kind === ref.kind && o.metadata?.name === ref.name)
    ) {
      add(
        'capi/template-ref-resolves',
        path,
        `${ref.apiVersion} ${ref.kind} "${ref.name}" is not in the stack; add the template or fix the reference`,
      );
    }
  }

  const variables = new Set<string>();
  (Array.isArray(spec.variables) ? spec.variables : []).forEach((v: any, i: number) => {
    const p = `spec.variables[${i}]`;
    if (!v?.name) add('capi/variable-name', `${p}.name`, 'empty variable name');
    else if (v.name === 'builtin')
      add(
        'capi/variable-name',
        `${p}.name`,
        '"builtin" is reserved for Cluster API\'s builtin variables; rename the variable',
      );
    else if (String(v.name).includes('.'))
      add(
        'capi/variable-name',
        `${p}.name`,
        `"${v.name}" contains "."; variable names cannot (a dot reads a nested field)`,
      );
    else if (variables.has(v.name)) add('capi/variable-name', `${p}.name`, `duplicate variable "${v.name}"`);
    variables.add(v?.name);
    for (const sp of checkVariableSchema(v?.schema?.openAPIV3Schema)) {
      add(sp.rule, `${p}.schema.openAPIV3Schema${sp.path}`, `variable "${v?.name}": ${sp.message}`);
    }
  });
  // variables a Runtime SDK extension discovers are unknown offline: then an undefined name is not an error
  const discovers = (Array.isArray(spec.patches) ? spec.patches : []).some(
    (p: any) => p?.external?.discoverVariablesExtension,
  );
  const checkRoot = (path: string, ref: string, where: string, inTemplate: boolean) => {
    const root = ref.split(/[.[]/)[0];
    if (root === 'builtin') {
      if (!builtinKnown(ref, inTemplate)) {
        const parent = ref.split('.').slice(0, -1).join('.');
        const near = [...BUILTIN_VARIABLES].filter(
          (b) => b.startsWith(`${parent}.`) && b.split('.').length === ref.split('.').length,
        );
        add(
          'capi/builtin-unknown',
          path,
          `"${ref}" in ${where} is not a Cluster API builtin variable${near.length ? ` (known here: ${near.join(', ')})` : ''}`,
        );
      }
    } else if (!variables.has(root) && !discovers) {
      add(
        'capi/patch-variable',
        path,
        `unknown variable "${root}" in ${where}; define it in spec.variables or use a builtin.* variable`,
      );
    }
  };
  const checkTemplate = (path: string, tpl: unknown) => {
    if (typeof tpl !== 'string') {
      add('capi/template-parse', path, `expecting a template string, found ${JSON.stringify(tpl)}`);
      return;
    }
    const r = checkGoTemplate(tpl);
    if (r.error) add('capi/template-parse', path, `template ${JSON.stringify(tpl)} does not parse: ${r.error}`);
    for (const f of new Set(r.fields)) checkRoot(path, f, `template ${JSON.stringify(tpl)}`, true);
  };

  const patchNames = new Set<string>();
  (Array.isArray(spec.patches) ? spec.patches : []).forEach((p: any, i: number) => {
    const pp = `spec.patches[${i}]`;
    if (!p?.name || p.name === 'inline')
      add(
        'capi/patch-name',
        `${pp}.name`,
        p?.name ? '"inline" is reserved (it marks inline variables)' : 'patch without a name',
      );
    else if (patchNames.has(p.name)) add('capi/patch-name-unique', `${pp}.name`, `duplicate patch name "${p.name}"`);
    patchNames.add(p?.name);
    if (p?.enabledIf !== undefined) checkTemplate(`${pp}.enabledIf`, p.enabledIf);
    if (!p?.definitions && !p?.external)
      add('capi/patch-definitions', pp, `patch "${p?.name}" has neither definitions nor external`);
    if (p?.definitions && p?.external)
      add('capi/patch-definitions', pp, `patch "${p?.name}" has both definitions and external; only one is allowed`);
    if (p?.external && !p.external.generatePatchesExtension && !p.external.validateTopologyExtension) {
      add(
        'capi/patch-definitions',
        `${pp}.external`,
        'external patch names neither generatePatchesExtension nor validateTopologyExtension',
      );
    }
    (Array.isArray(p?.definitions) ? p.definitions : []).forEach((d: any, j: number) => {
      checkSelector(d?.selector ?? {}, `${pp}.definitions[${j}].selector`, places, add);
      (Array.isArray(d?.jsonPatches) ? d.jsonPatches : []).forEach((jp: any, k: number) => {
        const jpp = `${pp}.definitions[${j}].jsonPatches[${k}]`;
        if (!['add', 'replace', 'remove'].includes(jp?.op))
          add(
            'capi/patch-op',
            `${jpp}.op`,
            `op ${JSON.stringify(jp?.op)} is not supported; Cluster API allows add, replace, remove`,
          );
        const path = String(jp?.path ?? '');
        if (!/^\/spec(\/|$)/.test(path))
          add(
            'capi/patch-path',
            `${jpp}.path`,
            `"${path}" is not under /spec; Cluster API only patches a template's spec`,
          );
        const indexes = path.split('/').filter((s) => /^[+-]?\d+$/.test(s));
        if (jp?.op === 'add' && indexes.some((x) => Number(x) !== 0))
          add(
            'capi/patch-path',
            `${jpp}.path`,
            `"${path}" adds at an array index; only /0 (prepend) or /- (append) is allowed`,
          );
        if ((jp?.op === 'replace' || jp?.op === 'remove') && indexes.length)
          add(
            'capi/patch-path',
            `${jpp}.path`,
            `"${path}" indexes an array in a ${jp.op}; elements in arrays can not be accessed in ${jp.op}`,
          );
        if (jp?.op === 'add' || jp?.op === 'replace') {
          const hasValue = jp.value !== undefined;
          const vf = jp.valueFrom;
          if (hasValue === (vf !== undefined))
            add(
              'capi/patch-value',
              jpp,
              hasValue ? 'both value and valueFrom are set' : `${jp.op} needs value or valueFrom`,
            );
          if (vf !== undefined && !!vf?.variable === !!vf?.template)
            add(
              'capi/patch-value',
              `${jpp}.valueFrom`,
              vf?.variable
                ? 'valueFrom sets both variable and template'
                : 'valueFrom sets neither variable nor template',
            );
          if (vf?.variable) checkRoot(`${jpp}.valueFrom.variable`, String(vf.variable), 'valueFrom.variable', false);
          if (vf?.template !== undefined) checkTemplate(`${jpp}.valueFrom.template`, vf.template);
        }
      });
    });
  });

  checkKubernetesVersions(spec.kubernetesVersions, add);
  checkNaming(spec, add);
  checkHealthChecks(spec, add);
  checkMetadata(spec, add);
  const cpHealth = spec.controlPlane?.healthCheck
    ? 'healthCheck'
    : spec.controlPlane?.machineHealthCheck
      ? 'machineHealthCheck'
      : undefined;
  if (cpHealth && !refOf(spec.controlPlane?.machineInfrastructure)) {
    add(
      'capi/cp-health-check',
      `spec.controlPlane.${cpHealth}`,
      'a control plane health check is set, but spec.controlPlane.machineInfrastructure is not: Cluster API only checks control plane Machines it creates from a machine template',
    );
  }

  // v1beta2 rejects empty optional lists and objects. Variable schemas are skipped: an empty list or object is
  // a legitimate default value there.
  if (cc.apiVersion?.endsWith('/v1beta2')) {
    const walk = (v: unknown, path: string) => {
      if (/^spec\.variables\[\d+\]\.schema/.test(path) || /\.jsonPatches\[\d+\]\.value/.test(path)) return;
      if (Array.isArray(v)) {
        if (v.length === 0)
          add('capi/empty-optional', path, 'empty list; omit the field instead (v1beta2 forbids empty optional lists)');
        v.forEach((x, i) => walk(x, `${path}[${i}]`));
      } else if (v && typeof v === 'object') {
        if (Object.keys(v).length === 0)
          add(
            'capi/empty-optional',
            path,
            'empty object; omit the field instead (v1beta2 forbids empty optional objects)',
          );
        for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
      }
    };
    walk(spec, 'spec');
  }
  return out;
}

type Add = (rule: string, path: string, message: string) => void;

function checkSelector(
  sel: any,
  path: string,
  places: ReadonlyArray<{ ref?: Ref; match: string; cls?: string }>,
  add: Add,
): void {
  const m = sel.matchResources ?? {};
  const names = (k: string): string[] => (Array.isArray(m[k]?.names) ? m[k].names : []);
  const same = (r?: Ref) => !!r && r.apiVersion === sel.apiVersion && r.kind === sel.kind;
  const what = `${sel.apiVersion} ${sel.kind}`;
  if (
    m.infrastructureCluster !== true &&
    m.controlPlane !== true &&
    !names('machineDeploymentClass').length &&
    !names('machinePoolClass').length
  ) {
    add(
      'capi/patch-selector',
      `${path}.matchResources`,
      `no match enabled for ${what}; set infrastructureCluster, controlPlane or class names`,
    );
    return;
  }
  for (const k of ['infrastructureCluster', 'controlPlane'] as const) {
    if (m[k] === true && !places.some((p) => p.match === k && same(p.ref))) {
      add(
        'capi/patch-selector',
        `${path}.matchResources.${k}`,
        `selects ${what}, which is not the ${k === 'controlPlane' ? 'controlPlane or its machineInfrastructure' : 'infrastructure'} template of this class`,
      );
    }
  }
  for (const k of ['machineDeploymentClass', 'machinePoolClass'] as const) {
    names(k).forEach((name, i) => {
      const p = `${path}.matchResources.${k}.names[${i}]`;
      const stars = (name.match(/\*/g) ?? []).length;
      if (stars > 1 || (stars === 1 && !name.startsWith('*') && !name.endsWith('*'))) {
        add('capi/patch-selector', p, `"${name}": a single "*" is allowed, only at the start or the end`);
        return;
      }
      const hit = (cls?: string) =>
        cls !== undefined &&
        (cls === name ||
          name === '*' ||
          (name.startsWith('*') && cls.endsWith(name.slice(1))) ||
          (name.endsWith('*') && cls.startsWith(name.slice(0, -1))));
      if (!places.some((pl) => pl.match === k && hit(pl.cls) && same(pl.ref))) {
        add(
          'capi/patch-selector',
          p,
          `"${name}" names no ${k === 'machineDeploymentClass' ? 'MachineDeployment' : 'MachinePool'} class whose bootstrap or infrastructure template is ${what}`,
        );
      }
    });
  }
}

function checkKubernetesVersions(list: unknown, add: Add): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    add('capi/kubernetes-versions', 'spec.kubernetesVersions', 'expecting a list of versions');
    return;
  }
  let prev: number[] | undefined;
  list.forEach((v, i) => {
    const p = `spec.kubernetesVersions[${i}]`;
    const m = SEMVER.exec(String(v));
    if (!m) {
      add('capi/kubernetes-versions', p, `${JSON.stringify(v)} is not a semantic version such as v1.36.4`);
      prev = undefined;
      return;
    }
    const cur = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (prev) {
      const cmp = cur[0] - prev[0] || cur[1] - prev[1] || cur[2] - prev[2];
      if (cmp <= 0)
        add(
          'capi/kubernetes-versions',
          p,
          `${v} is not greater than the version before it; list versions in strictly increasing order`,
        );
      else if (cur[0] !== prev[0] || cur[1] - prev[1] > 1)
        add(
          'capi/kubernetes-versions',
          p,
          `${v} skips a minor after v${prev.join('.')}; each minor must follow the previous one`,
        );
    }
    prev = cur;
  });
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Naming templates (v1beta2 `naming.template`, v1beta1 `*NamingStrategy.template`), as internal/topology/names renders them. */
function checkNaming(spec: any, add: Add): void {
  const sample = { cluster: { name: 'cluster' }, random: 'x7k2q' };
  const list: Array<[string, unknown, Record<string, unknown>]> = [];
  // v1beta2 `<x>.naming.template`, v1beta1 `<x>.namingStrategy.template` (infrastructure: spec.infrastructureNamingStrategy)
  const push = (o: any, path: string, v1beta1: string, data: Record<string, unknown>) => {
    if (o?.naming?.template !== undefined) list.push([`${path}.naming.template`, o.naming.template, data]);
    else if (o?.[v1beta1]?.template !== undefined)
      list.push([`${path}.${v1beta1}.template`, o[v1beta1].template, data]);
  };
  if (spec.infrastructure?.naming?.template !== undefined)
    list.push(['spec.infrastructure.naming.template', spec.infrastructure.naming.template, sample]);
  push(spec, 'spec', 'infrastructureNamingStrategy', sample);
  push(spec.controlPlane, 'spec.controlPlane', 'namingStrategy', sample);
  for (const [kind, key] of [
    ['machineDeployments', 'machineDeployment'],
    ['machinePools', 'machinePool'],
  ] as const) {
    (Array.isArray(spec.workers?.[kind]) ? spec.workers[kind] : []).forEach((w: any, i: number) => {
      push(w, `spec.workers.${kind}[${i}]`, 'namingStrategy', {
        ...sample,
        [key]: { topologyName: key === 'machineDeployment' ? 'mdtopology' : 'mptopology' },
      });
    });
  }
  for (const [path, tpl, data] of list) {
    if (typeof tpl !== 'string' || tpl === '') continue;
    const parsed = checkGoTemplate(tpl, GO_TEMPLATE_FUNCTIONS);
    if (parsed.error) {
      add('capi/naming-template', path, `naming template ${JSON.stringify(tpl)} does not parse: ${parsed.error}`);
      continue;
    }
    const r = renderSimpleTemplate(tpl, data);
    if (!r) continue; // functions or control structures: parsed, not executed offline
    if (r.error) {
      add('capi/naming-template', path, `naming template ${JSON.stringify(tpl)} fails to render: ${r.error}`);
      continue;
    }
    let name = r.value!;
    if (name.length > 63) name = `${name.slice(0, 58)}x7k2q`;
    if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) {
      add(
        'capi/naming-template',
        path,
        `naming template ${JSON.stringify(tpl)} renders to ${JSON.stringify(name)} for a cluster named "cluster", which is not a DNS-1123 subdomain (lowercase letters, digits, "-", ".")`,
      );
    }
  }
}

/** Go's time.ParseDuration, for v1beta1 durations such as "10m" or "1h30m"; undefined when it does not parse. */
function durationSeconds(d: string): number | undefined {
  if (d === '0') return 0;
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const parts = [...d.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== d.replace(/^[+-]/, '')) return undefined;
  const total = parts.reduce((n, p) => n + Number(p[1]) * units[p[2]], 0);
  return d.startsWith('-') ? -total : total;
}

/** intstr.GetScaledValueFromIntOrPercent: an integer, or a string "<int>%". */
const intOrPercent = (v: unknown) =>
  (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^[+-]?\d+%$/.test(v));

/** Control plane and MachineDeployment health checks (v1beta2 `healthCheck`, v1beta1 `machineHealthCheck`). */
function checkHealthChecks(spec: any, add: Add): void {
  const places: Array<[string, any]> = [];
  const hc = (o: any, path: string) => {
    if (o?.healthCheck) places.push([`${path}.healthCheck`, o.healthCheck]);
    else if (o?.machineHealthCheck) places.push([`${path}.machineHealthCheck`, o.machineHealthCheck]);
  };
  hc(spec.controlPlane, 'spec.controlPlane');
  (Array.isArray(spec.workers?.machineDeployments) ? spec.workers.machineDeployments : []).forEach(
    (md: any, i: number) => hc(md, `spec.workers.machineDeployments[${i}]`),
  );
  for (const [path, h] of places) {
    // v1beta2: checks.nodeStartupTimeoutSeconds, remediation.{triggerIf.unhealthyLessThanOrEqualTo,maxInFlight}
    // v1beta1: nodeStartupTimeout (duration), maxUnhealthy, remediation-less
    const startup: [string, unknown] | undefined =
      h.checks?.nodeStartupTimeoutSeconds !== undefined
        ? ['checks.nodeStartupTimeoutSeconds', h.checks.nodeStartupTimeoutSeconds]
        : h.nodeStartupTimeout !== undefined
          ? ['nodeStartupTimeout', h.nodeStartupTimeout]
          : undefined;
    if (startup) {
      const secs = typeof startup[1] === 'number' ? startup[1] : durationSeconds(String(startup[1]));
      if (secs === undefined)
        add(
          'capi/health-check',
          `${path}.${startup[0]}`,
          `${JSON.stringify(startup[1])} is not a duration such as "10m"`,
        );
      else if (secs !== 0 && secs < 30)
        add(
          'capi/health-check',
          `${path}.${startup[0]}`,
          `${JSON.stringify(startup[1])}: the node startup timeout must be at least 30s (or 0 to disable it)`,
        );
    }
    const limits: Array<[string, unknown]> = [
      ['remediation.triggerIf.unhealthyLessThanOrEqualTo', h.remediation?.triggerIf?.unhealthyLessThanOrEqualTo],
      ['remediation.maxInFlight', h.remediation?.maxInFlight],
      ['maxUnhealthy', h.maxUnhealthy],
    ];
    for (const [k, v] of limits) {
      if (v !== undefined && !intOrPercent(v))
        add(
          'capi/health-check',
          `${path}.${k}`,
          `${JSON.stringify(v)} must be either an integer or a percentage such as "40%"`,
        );
    }
  }
}

const QUALIFIED_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** metav1validation.ValidateLabels / apivalidation.ValidateAnnotations key and value rules; undefined when valid. */
function keyProblem(key: string): string | undefined {
  const slash = key.split('/');
  if (slash.length > 2) return 'a key has at most one "/"';
  const [prefix, name] = slash.length === 2 ? slash : [undefined, slash[0]];
  if (prefix !== undefined && (!DNS_PREFIX.test(prefix) || prefix.length > 253))
    return `prefix "${prefix}" is not a DNS subdomain`;
  if (!name || name.length > 63 || !QUALIFIED_NAME.test(name))
    return `name "${name}" must be 1-63 letters, digits, "-", "_" or ".", starting and ending alphanumeric`;
  return undefined;
}

function checkMetadata(spec: any, add: Add): void {
  const places: Array<[string, any]> = [];
  const meta = (o: any, path: string) => {
    if (o?.metadata) places.push([`${path}.metadata`, o.metadata]);
    if (o?.template?.metadata) places.push([`${path}.template.metadata`, o.template.metadata]);
  };
  meta(spec.controlPlane, 'spec.controlPlane');
  for (const kind of ['machineDeployments', 'machinePools']) {
    (Array.isArray(spec.workers?.[kind]) ? spec.workers[kind] : []).forEach((w: any, i: number) =>
      meta(w, `spec.workers.${kind}[${i}]`),
    );
  }
  (Array.isArray(spec.variables) ? spec.variables : []).forEach((v: any, i: number) => {
    const walk = (s: any, path: string) => {
      if (!s || typeof s !== 'object') return;
      if (s['x-metadata']) places.push([`${path}.x-metadata`, s['x-metadata']]);
      for (const [k, x] of Object.entries(s.properties ?? {})) walk(x, `${path}.properties.${k}`);
      if (s.items) walk(s.items, `${path}.items`);
      if (s.additionalProperties && typeof s.additionalProperties === 'object')
        walk(s.additionalProperties, `${path}.additionalProperties`);
    };
    walk(v?.schema?.openAPIV3Schema, `spec.variables[${i}].schema.openAPIV3Schema`);
    if (v?.metadata) places.push([`spec.variables[${i}].metadata`, v.metadata]);
    if (v?.deprecatedV1Beta1Metadata)
      places.push([`spec.variables[${i}].deprecatedV1Beta1Metadata`, v.deprecatedV1Beta1Metadata]);
  });
  for (const [path, m] of places) {
    for (const [k, v] of Object.entries(m?.labels ?? {})) {
      const kp = keyProblem(k);
      if (kp) add('capi/metadata', `${path}.labels["${k}"]`, `label key "${k}": ${kp}`);
      else if (typeof v !== 'string' || v.length > 63 || (v !== '' && !QUALIFIED_NAME.test(v))) {
        add(
          'capi/metadata',
          `${path}.labels["${k}"]`,
          `label value ${JSON.stringify(v)} must be at most 63 letters, digits, "-", "_" or ".", starting and ending alphanumeric`,
        );
      }
    }
    for (const k of Object.keys(m?.annotations ?? {})) {
      const kp = keyProblem(k);
      if (kp) add('capi/metadata', `${path}.annotations["${k}"]`, `annotation key "${k}": ${kp}`);
    }
  }
}
