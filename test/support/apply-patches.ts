/**
 * Applies a v1beta2 ClusterClass's patches to its templates the way the topology controller does for one
 * Cluster: variable defaults, then the given values; enabledIf; selectors by apiVersion+kind+matchResources.
 * Returns the patched templates by role.
 */
import { Operation, applyPatch, deepClone } from 'fast-json-patch';
import { parse } from 'yaml';
import { KObject } from '../../src/model/object';
import { renderGoTemplate } from './go-template';

/** A ClusterClass's reference to one of its templates. */
interface TemplateRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/** One entry of a patch definition's `jsonPatches`: a fixed value, a variable's value or a rendered template. */
interface JsonPatchEntry {
  readonly op: string;
  readonly path: string;
  readonly value?: unknown;
  readonly valueFrom?: { readonly variable?: string; readonly template?: string };
}

/** The parts of a variable's openAPIV3Schema that defaulting reads. */
interface VariableSchema {
  readonly default?: unknown;
  readonly items?: VariableSchema;
  readonly properties?: Record<string, VariableSchema>;
}

/** The Cluster's topology: its Kubernetes version and variable values. */
export interface Topology {
  readonly version: string;
  readonly variables?: Record<string, unknown>;
}

export function patchedTemplates(objects: readonly KObject[], topology: Topology) {
  const cc = objects.find((o) => o.kind === 'ClusterClass')!;
  const spec = cc.spec;
  const find = (ref: TemplateRef): KObject =>
    deepClone(
      objects.find((o) => o.kind === ref.kind && o.metadata?.name === ref.name && o.apiVersion === ref.apiVersion),
    );
  const roles: Record<string, KObject> = {
    infrastructureCluster: find(spec.infrastructure.templateRef),
    controlPlane: find(spec.controlPlane.templateRef),
    controlPlaneMachine: find(spec.controlPlane.machineInfrastructure.templateRef),
  };
  for (const md of spec.workers.machineDeployments) {
    roles[`${md.class}/bootstrap`] = find(md.bootstrap.templateRef);
    roles[`${md.class}/infrastructure`] = find(md.infrastructure.templateRef);
  }
  const vars: Record<string, unknown> = {};
  for (const v of spec.variables ?? []) {
    const schema = v.schema.openAPIV3Schema;
    const value = topology.variables?.[v.name] ?? schema.default;
    if (value !== undefined) vars[v.name] = applyDefaults(value, schema);
  }
  const builtin = {
    cluster: { name: 'c1', namespace: 'ns', topology: { version: topology.version, class: cc.metadata!.name } },
    controlPlane: { version: topology.version, replicas: 3 },
    machineDeployment: { version: topology.version, class: 'default-worker' },
  };
  const data = { ...vars, builtin };
  for (const p of spec.patches ?? []) {
    if (p.enabledIf && renderGoTemplate(p.enabledIf, data).trim() !== 'true') continue;
    for (const d of p.definitions) {
      const m = d.selector.matchResources;
      const targets: string[] = [];
      if (m.infrastructureCluster) targets.push('infrastructureCluster');
      if (m.controlPlane) targets.push('controlPlane', 'controlPlaneMachine');
      for (const n of m.machineDeploymentClass?.names ?? []) targets.push(`${n}/bootstrap`, `${n}/infrastructure`);
      for (const role of targets) {
        const t = roles[role];
        if (!t || t.kind !== d.selector.kind || t.apiVersion !== d.selector.apiVersion) continue;
        const ops = d.jsonPatches.map((jp: JsonPatchEntry) => ({ op: jp.op, path: jp.path, value: valueOf(jp, data) }));
        roles[role] = applyPatch(t, ops as Operation[], true, false).newDocument;
      }
    }
  }
  return roles;
}

function valueOf(jp: JsonPatchEntry, data: Record<string, unknown>): unknown {
  if (jp.value !== undefined) return jp.value;
  if (jp.valueFrom?.variable)
    return jp.valueFrom.variable
      .split('.')
      .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], data);
  if (jp.valueFrom?.template) return parse(renderGoTemplate(jp.valueFrom.template, data));
  return undefined;
}

/** Object property defaults, as the CAPI defaulting webhook applies them from the variable schema. */
function applyDefaults(value: unknown, schema: VariableSchema): unknown {
  const items = schema.items;
  if (Array.isArray(value) && items) return value.map((x) => applyDefaults(x, items));
  if (value && typeof value === 'object' && schema.properties) {
    const out: Record<string, unknown> = { ...(value as object) };
    for (const [k, s] of Object.entries(schema.properties)) {
      if (out[k] === undefined && s.default !== undefined) out[k] = s.default;
      if (out[k] !== undefined) out[k] = applyDefaults(out[k], s);
    }
    return out;
  }
  return value;
}
