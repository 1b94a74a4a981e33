/**
 * Checks a stack version's rendered objects for the definition mistakes Cluster API would reject (or that
 * would break a release), before anything is written. Each problem names the object and the field.
 */
export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; [k: string]: unknown };
  spec?: any;
  [k: string]: unknown;
}

const BUILTIN_ROOT = 'builtin';
// A field reference in a Go template: `.name` not preceded by a variable, call or identifier (`$x.name`).
const TEMPLATE_FIELD = /(?<![\w$)\]])\.([A-Za-z_]\w*)/g;

export function objectLabel(o: K8sObject): string {
  return `${o.kind ?? '<no kind>'} ${o.metadata?.name ?? '<no name>'}`;
}

export function validateStackObjects(objects: readonly K8sObject[]): string[] {
  const errs: string[] = [];
  objects.forEach((o, i) => {
    if (!o.apiVersion || !/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/.test(o.apiVersion)) errs.push(`object #${i} (${objectLabel(o)}): apiVersion: invalid "${o.apiVersion}", expecting GROUP/VERSION`);
    if (!o.kind) errs.push(`object #${i}: kind: missing`);
    if (!o.metadata?.name) errs.push(`object #${i} (${objectLabel(o)}): metadata.name: missing; set an explicit name`);
  });
  for (const cc of objects.filter((o) => o.kind === 'ClusterClass')) errs.push(...validateClusterClass(cc, objects));
  return errs;
}

function validateClusterClass(cc: K8sObject, objects: readonly K8sObject[]): string[] {
  const errs: string[] = [];
  const at = (path: string, msg: string) => errs.push(`${objectLabel(cc)}: ${path}: ${msg}`);
  const spec = cc.spec ?? {};

  const refs: Array<[string, any]> = [
    ['spec.infrastructure.templateRef', spec.infrastructure?.templateRef],
    ['spec.controlPlane.templateRef', spec.controlPlane?.templateRef],
  ];
  if (spec.controlPlane?.machineInfrastructure) refs.push(['spec.controlPlane.machineInfrastructure.templateRef', spec.controlPlane.machineInfrastructure.templateRef]);
  const mdClasses = new Set<string>();
  (spec.workers?.machineDeployments ?? []).forEach((md: any, i: number) => {
    const p = `spec.workers.machineDeployments[${i}]`;
    if (mdClasses.has(md.class)) at(`${p}.class`, `duplicate MachineDeployment class "${md.class}"; class names must be unique`);
    mdClasses.add(md.class);
    refs.push([`${p}.bootstrap.templateRef`, md.bootstrap?.templateRef], [`${p}.infrastructure.templateRef`, md.infrastructure?.templateRef]);
  });
  for (const [path, ref] of refs) {
    if (!ref) { at(path, 'missing template reference'); continue; }
    if (!/Template$/.test(ref.kind ?? '')) at(`${path}.kind`, `"${ref.kind}" does not end in "Template"; Cluster API only references template kinds`);
    const target = objects.find((o) => o.apiVersion === ref.apiVersion && o.kind === ref.kind && o.metadata?.name === ref.name);
    if (!target) at(path, `${ref.apiVersion} ${ref.kind} "${ref.name}" is not in the stack; add the template or fix the reference`);
  }

  const variables = new Set<string>();
  (spec.variables ?? []).forEach((v: any, i: number) => {
    const p = `spec.variables[${i}].name`;
    if (!v.name) at(p, 'empty variable name');
    else if (v.name === BUILTIN_ROOT || v.name.includes('.')) at(p, `"${v.name}" is reserved or contains "."; rename the variable`);
    else if (variables.has(v.name)) at(p, `duplicate variable "${v.name}"`);
    variables.add(v.name);
  });
  const checkRoot = (path: string, root: string, where: string) => {
    if (root !== BUILTIN_ROOT && !variables.has(root)) at(path, `unknown variable "${root}" in ${where}; define it in spec.variables or use a builtin.* variable`);
  };
  const checkTemplate = (path: string, tpl: string) => {
    for (const block of tpl.match(/\{\{[\s\S]*?\}\}/g) ?? []) {
      for (const m of block.matchAll(TEMPLATE_FIELD)) checkRoot(path, m[1], `template "${block}"`);
    }
  };

  const patchNames = new Set<string>();
  (spec.patches ?? []).forEach((p: any, i: number) => {
    const pp = `spec.patches[${i}]`;
    if (patchNames.has(p.name)) at(`${pp}.name`, `duplicate patch name "${p.name}"`);
    patchNames.add(p.name);
    if (p.enabledIf) checkTemplate(`${pp}.enabledIf`, p.enabledIf);
    (p.definitions ?? []).forEach((d: any, j: number) => {
      (d.jsonPatches ?? []).forEach((jp: any, k: number) => {
        const jpp = `${pp}.definitions[${j}].jsonPatches[${k}]`;
        if (typeof jp.path !== 'string' || !jp.path.startsWith('/spec/')) at(`${jpp}.path`, `"${jp.path}" is not under /spec; Cluster API only patches a template's spec`);
        const variable = jp.valueFrom?.variable;
        if (variable !== undefined) checkRoot(`${jpp}.valueFrom.variable`, String(variable).split('.')[0], `"${variable}"`);
        if (jp.valueFrom?.template !== undefined) checkTemplate(`${jpp}.valueFrom.template`, jp.valueFrom.template);
      });
    });
  });

  // v1beta2 rejects empty optional lists and objects (MinItems/MinProperties=1). Variable schemas are
  // skipped: an empty list or object is a legitimate default value there.
  if (cc.apiVersion?.endsWith('/v1beta2')) {
    const walk = (v: unknown, path: string) => {
      if (/^spec\.variables\[\d+\]\.schema/.test(path)) return;
      if (Array.isArray(v)) {
        if (v.length === 0) at(path, 'empty list; omit the field instead (v1beta2 forbids empty optional lists)');
        v.forEach((x, i) => walk(x, `${path}[${i}]`));
      } else if (v && typeof v === 'object') {
        if (Object.keys(v).length === 0) at(path, 'empty object; omit the field instead (v1beta2 forbids empty optional objects)');
        for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
      }
    };
    walk(spec, 'spec');
  }
  return errs;
}

/** Class names must be unique across everything one synth produces (two definitions may not collide). */
export function duplicateNames(names: readonly { name: string; source: string }[]): string[] {
  const seen = new Map<string, string>();
  const errs: string[] = [];
  for (const { name, source } of names) {
    const first = seen.get(name);
    if (first) errs.push(`duplicate ClusterClass name "${name}" from ${first} and ${source}; give the stacks different provider or stack names`);
    else seen.set(name, source);
  }
  return errs;
}
