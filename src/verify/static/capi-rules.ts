import { KObject } from '../../kube/types';
import { Located, StackInput } from './load';
import { RuleInfo, StaticFinding } from './finding';

/** Cluster API rules that its webhooks enforce and that can be checked without a cluster (capi-addons-peers §1.4). */
export const CAPI_RULES: RuleInfo[] = [
  { id: 'capi/template-ref-kind', source: 'ClusterClass webhook: template kinds end in "Template"', fix: 'reference the *Template kind' },
  { id: 'capi/template-ref-resolves', source: 'a class must ship every template it references', fix: 'add the template to the stack or fix the reference' },
  { id: 'capi/md-class-unique', source: 'ClusterClass webhook: MachineDeployment class names are unique', fix: 'rename the duplicate class' },
  { id: 'capi/variable-name', source: 'ClusterClass webhook: variable names are non-empty, unique, not "builtin", without "."', fix: 'rename the variable' },
  { id: 'capi/patch-name-unique', source: 'ClusterClass webhook: patch names are unique', fix: 'rename the duplicate patch' },
  { id: 'capi/patch-path', source: 'ClusterClass webhook: JSON patch paths start with /spec; arrays only at index 0 or -', fix: 'patch under /spec; append with /- or prepend with /0' },
  { id: 'capi/patch-variable', source: 'ClusterClass webhook: valueFrom.variable is a defined variable or a builtin', fix: 'define the variable or use builtin.*' },
  { id: 'capi/patch-selector', source: 'ClusterClass webhook: a patch selector must match a template of the class', fix: 'select the apiVersion and kind of a referenced template' },
  { id: 'capi/empty-optional', source: 'CAPI v1beta2 schema: optional lists/objects have MinItems/MinProperties=1', fix: 'omit the empty field' },
];

const BUILTINS = /^builtin\.(cluster|controlPlane|machineDeployment|machinePool)(\.|$)/;

const refOf = (v: any) => v?.templateRef ?? v?.ref;

export function capiFindings(stack: StackInput): StaticFinding[] {
  const out: StaticFinding[] = [];
  for (const l of stack.objects.filter((o) => o.obj.kind === 'ClusterClass')) out.push(...classFindings(stack, l));
  return out;
}

function classFindings(stack: StackInput, l: Located): StaticFinding[] {
  const cc: KObject = l.obj;
  const out: StaticFinding[] = [];
  const object = `ClusterClass ${cc.metadata?.name}`;
  const add = (rule: string, path: string, message: string) => out.push({ rule, severity: 'error', stack: stack.name, file: l.file, object, path, message, fix: CAPI_RULES.find((r) => r.id === rule)!.fix });
  const spec = cc.spec ?? {};
  const refs: Array<[string, any]> = [['spec.infrastructure', refOf(spec.infrastructure)], ['spec.controlPlane', refOf(spec.controlPlane)]];
  if (spec.controlPlane?.machineInfrastructure) refs.push(['spec.controlPlane.machineInfrastructure', refOf(spec.controlPlane.machineInfrastructure)]);
  const classes = new Set<string>();
  (spec.workers?.machineDeployments ?? []).forEach((md: any, i: number) => {
    const p = `spec.workers.machineDeployments[${i}]`;
    if (classes.has(md.class)) add('capi/md-class-unique', `${p}.class`, `duplicate MachineDeployment class "${md.class}"`);
    classes.add(md.class);
    refs.push([`${p}.bootstrap`, refOf(md.bootstrap ?? md.template?.bootstrap)], [`${p}.infrastructure`, refOf(md.infrastructure ?? md.template?.infrastructure)]);
  });
  const templates: Array<{ apiVersion: string; kind: string }> = [];
  for (const [p, ref] of refs) {
    if (!ref) continue;
    templates.push(ref);
    if (!/Template$/.test(ref.kind ?? '')) add('capi/template-ref-kind', `${p}.kind`, `kind "${ref.kind}" does not end in "Template"`);
    const found = stack.objects.some((o) => o.obj.kind === ref.kind && o.obj.metadata?.name === ref.name && o.obj.apiVersion === ref.apiVersion);
    if (!found) add('capi/template-ref-resolves', p, `${ref.apiVersion} ${ref.kind} "${ref.name}" is not in the stack`);
  }
  const vars = new Set<string>();
  (spec.variables ?? []).forEach((v: any, i: number) => {
    const p = `spec.variables[${i}].name`;
    if (!v.name || v.name === 'builtin' || String(v.name).includes('.')) add('capi/variable-name', p, `invalid variable name "${v.name ?? ''}"`);
    else if (vars.has(v.name)) add('capi/variable-name', p, `duplicate variable "${v.name}"`);
    vars.add(v.name);
  });
  const patchNames = new Set<string>();
  (spec.patches ?? []).forEach((pt: any, i: number) => {
    const pp = `spec.patches[${i}]`;
    if (patchNames.has(pt.name)) add('capi/patch-name-unique', `${pp}.name`, `duplicate patch "${pt.name}"`);
    patchNames.add(pt.name);
    (pt.definitions ?? []).forEach((d: any, j: number) => {
      const sel = d.selector ?? {};
      if (!templates.some((t) => t.apiVersion === sel.apiVersion && t.kind === sel.kind)) {
        add('capi/patch-selector', `${pp}.definitions[${j}].selector`, `selects ${sel.apiVersion} ${sel.kind}, which is not a template of this class`);
      }
      (d.jsonPatches ?? []).forEach((jp: any, k: number) => {
        const jpp = `${pp}.definitions[${j}].jsonPatches[${k}]`;
        const path = String(jp.path ?? '');
        if (!path.startsWith('/spec/')) add('capi/patch-path', `${jpp}.path`, `"${path}" is not under /spec`);
        const indexes = path.split('/').filter((s) => /^\d+$/.test(s) || s === '-');
        if (indexes.some((x) => x !== '0' && x !== '-') || (jp.op !== 'add' && indexes.length)) {
          add('capi/patch-path', `${jpp}.path`, `"${path}" indexes an array; only "add" at /0 or /- is allowed`);
        }
        const variable = jp.valueFrom?.variable;
        if (variable !== undefined && !BUILTINS.test(variable) && !vars.has(String(variable).split('.')[0])) {
          add('capi/patch-variable', `${jpp}.valueFrom.variable`, `unknown variable "${variable}"`);
        }
      });
    });
  });
  if (cc.apiVersion?.endsWith('/v1beta2')) {
    const walk = (v: unknown, p: string) => {
      if (/^spec\.variables\[\d+\]\.schema/.test(p)) return;
      if (Array.isArray(v)) { if (!v.length) add('capi/empty-optional', p, 'empty list'); v.forEach((x, i) => walk(x, `${p}[${i}]`)); }
      else if (v && typeof v === 'object') { if (!Object.keys(v).length) add('capi/empty-optional', p, 'empty object'); for (const [k, x] of Object.entries(v)) walk(x, `${p}.${k}`); }
    };
    walk(spec, 'spec');
  }
  return out;
}
