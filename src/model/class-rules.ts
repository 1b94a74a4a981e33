/**
 * The ClusterClass rules Cluster API's webhooks enforce that need no cluster (names, references, patches), as
 * one pure function over a rendered class and the objects shipped with it. Synth runs it on what it builds; the
 * offline verifier (`cskit verify`) runs it on any rendered stack. Accepts v1beta2 (`templateRef`) and v1beta1
 * (`ref`, MachineDeployment refs under `template`).
 */
export interface ClassProblem {
  /** Stable rule id, e.g. `capi/patch-variable`. */
  readonly rule: string;
  /** Field path in the ClusterClass, e.g. `spec.patches[3].definitions[0].jsonPatches[0].path`. */
  readonly path: string;
  readonly message: string;
}

export const CLASS_RULES: ReadonlyArray<{ id: string; source: string; fix: string }> = [
  { id: 'capi/template-ref-kind', source: 'ClusterClass webhook: template kinds end in "Template"', fix: 'reference the *Template kind' },
  { id: 'capi/template-ref-resolves', source: 'a class must ship every template it references', fix: 'add the template to the stack or fix the reference' },
  { id: 'capi/md-class-unique', source: 'ClusterClass webhook: MachineDeployment class names are unique', fix: 'rename the duplicate class' },
  { id: 'capi/variable-name', source: 'ClusterClass webhook: variable names are non-empty, unique, not "builtin", without "."', fix: 'rename the variable' },
  { id: 'capi/patch-name-unique', source: 'ClusterClass webhook: patch names are unique', fix: 'rename the duplicate patch' },
  { id: 'capi/patch-path', source: 'ClusterClass webhook: JSON patch paths start with /spec; arrays only by add at /0 or /-', fix: 'patch under /spec; append with /- or prepend with /0' },
  { id: 'capi/patch-variable', source: 'ClusterClass webhook: valueFrom.variable, templates and enabledIf use defined variables or builtin.*', fix: 'define the variable in spec.variables or use a builtin.* variable' },
  { id: 'capi/patch-selector', source: 'ClusterClass webhook: a patch selector must match a template of the class', fix: 'select the apiVersion and kind of a referenced template' },
  { id: 'capi/empty-optional', source: 'CAPI v1beta2 schema: optional lists/objects have MinItems/MinProperties=1', fix: 'omit the field instead of writing [] or {}' },
];

interface Obj { apiVersion?: string; kind?: string; metadata?: { name?: string } }

// A field reference in a Go template: `.name` not preceded by a variable, call or identifier (`$x.name`).
const TEMPLATE_FIELD = /(?<![\w$)\]])\.([A-Za-z_]\w*)/g;

export function checkClusterClass(cc: { apiVersion?: string; spec?: any }, objects: readonly Obj[]): ClassProblem[] {
  const out: ClassProblem[] = [];
  const add = (rule: string, path: string, message: string) => out.push({ rule, path, message });
  const spec = cc.spec ?? {};
  const refOf = (v: any) => v?.templateRef ?? v?.ref;
  const field = spec.infrastructure?.templateRef ? 'templateRef' : 'ref';

  const refs: Array<[string, any]> = [[`spec.infrastructure.${field}`, refOf(spec.infrastructure)], [`spec.controlPlane.${field}`, refOf(spec.controlPlane)]];
  if (spec.controlPlane?.machineInfrastructure) refs.push([`spec.controlPlane.machineInfrastructure.${field}`, refOf(spec.controlPlane.machineInfrastructure)]);
  const mdClasses = new Set<string>();
  (spec.workers?.machineDeployments ?? []).forEach((md: any, i: number) => {
    const p = `spec.workers.machineDeployments[${i}]`;
    if (mdClasses.has(md.class)) add('capi/md-class-unique', `${p}.class`, `duplicate MachineDeployment class "${md.class}"; class names must be unique`);
    mdClasses.add(md.class);
    const t = md.template ? `${p}.template` : p;
    refs.push([`${t}.bootstrap.${field}`, refOf(md.bootstrap ?? md.template?.bootstrap)], [`${t}.infrastructure.${field}`, refOf(md.infrastructure ?? md.template?.infrastructure)]);
  });
  const templates: Obj[] = [];
  for (const [path, ref] of refs) {
    if (!ref) { add('capi/template-ref-resolves', path, 'missing template reference'); continue; }
    templates.push({ apiVersion: ref.apiVersion, kind: ref.kind });
    if (!/Template$/.test(ref.kind ?? '')) add('capi/template-ref-kind', `${path}.kind`, `"${ref.kind}" does not end in "Template"; Cluster API only references template kinds`);
    if (!objects.some((o) => o.apiVersion === ref.apiVersion && o.kind === ref.kind && o.metadata?.name === ref.name)) {
      add('capi/template-ref-resolves', path, `${ref.apiVersion} ${ref.kind} "${ref.name}" is not in the stack; add the template or fix the reference`);
    }
  }

  const variables = new Set<string>();
  (spec.variables ?? []).forEach((v: any, i: number) => {
    const p = `spec.variables[${i}].name`;
    if (!v.name) add('capi/variable-name', p, 'empty variable name');
    else if (v.name === 'builtin' || String(v.name).includes('.')) add('capi/variable-name', p, `"${v.name}" is reserved or contains "."; rename the variable`);
    else if (variables.has(v.name)) add('capi/variable-name', p, `duplicate variable "${v.name}"`);
    variables.add(v.name);
  });
  const checkRoot = (path: string, root: string, where: string) => {
    if (root !== 'builtin' && !variables.has(root)) add('capi/patch-variable', path, `unknown variable "${root}" in ${where}; define it in spec.variables or use a builtin.* variable`);
  };
  const checkTemplate = (path: string, tpl: string) => {
    for (const block of tpl.match(/\{\{[\s\S]*?\}\}/g) ?? []) {
      for (const m of block.matchAll(TEMPLATE_FIELD)) checkRoot(path, m[1], `template "${block}"`);
    }
  };

  const patchNames = new Set<string>();
  (spec.patches ?? []).forEach((p: any, i: number) => {
    const pp = `spec.patches[${i}]`;
    if (patchNames.has(p.name)) add('capi/patch-name-unique', `${pp}.name`, `duplicate patch name "${p.name}"`);
    patchNames.add(p.name);
    if (p.enabledIf) checkTemplate(`${pp}.enabledIf`, p.enabledIf);
    (p.definitions ?? []).forEach((d: any, j: number) => {
      const sel = d.selector ?? {};
      if (!templates.some((t) => t.apiVersion === sel.apiVersion && t.kind === sel.kind)) {
        add('capi/patch-selector', `${pp}.definitions[${j}].selector`, `selects ${sel.apiVersion} ${sel.kind}, which is not a template of this class`);
      }
      (d.jsonPatches ?? []).forEach((jp: any, k: number) => {
        const jpp = `${pp}.definitions[${j}].jsonPatches[${k}]`;
        const path = String(jp.path ?? '');
        if (!path.startsWith('/spec/')) add('capi/patch-path', `${jpp}.path`, `"${path}" is not under /spec; Cluster API only patches a template's spec`);
        const indexes = path.split('/').filter((s) => /^\d+$/.test(s) || s === '-');
        if (indexes.some((x) => x !== '0' && x !== '-') || (jp.op !== 'add' && indexes.length)) {
          add('capi/patch-path', `${jpp}.path`, `"${path}" indexes an array; only "add" at /0 or /- is allowed`);
        }
        const variable = jp.valueFrom?.variable;
        if (variable !== undefined) checkRoot(`${jpp}.valueFrom.variable`, String(variable).split('.')[0], `"${variable}"`);
        if (jp.valueFrom?.template !== undefined) checkTemplate(`${jpp}.valueFrom.template`, jp.valueFrom.template);
      });
    });
  });

  // v1beta2 rejects empty optional lists and objects. Variable schemas are skipped: an empty list or object is
  // a legitimate default value there.
  if (cc.apiVersion?.endsWith('/v1beta2')) {
    const walk = (v: unknown, path: string) => {
      if (/^spec\.variables\[\d+\]\.schema/.test(path)) return;
      if (Array.isArray(v)) {
        if (v.length === 0) add('capi/empty-optional', path, 'empty list; omit the field instead (v1beta2 forbids empty optional lists)');
        v.forEach((x, i) => walk(x, `${path}[${i}]`));
      } else if (v && typeof v === 'object') {
        if (Object.keys(v).length === 0) add('capi/empty-optional', path, 'empty object; omit the field instead (v1beta2 forbids empty optional objects)');
        for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
      }
    };
    walk(spec, 'spec');
  }
  return out;
}
