/**
 * The bodies of the larger ClusterClass rules (selectors, kubernetesVersions, naming templates, health checks,
 * metadata), each reporting the problems of one rule; the catalogue in class-rules.ts names them.
 */

import { GO_TEMPLATE_FUNCTIONS, checkGoTemplate, renderSimpleTemplate } from './class-rules-template';
import { fieldPath } from '../util/field-path';
import { Ref, TemplatePlace, Yaml } from './class-rules-context';

/** Reports one problem of the calling rule: the field path in the ClusterClass and what is wrong. */
export type Report = (path: string, message: string) => void;

export function checkSelector(sel: Yaml, path: string, places: readonly TemplatePlace[], report: Report): void {
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
    report(
      `${path}.matchResources`,
      `no match enabled for ${what}; set infrastructureCluster, controlPlane or class names`,
    );
    return;
  }
  for (const k of ['infrastructureCluster', 'controlPlane'] as const) {
    if (m[k] === true && !places.some((p) => p.match === k && same(p.ref))) {
      const role = k === 'controlPlane' ? 'controlPlane or its machineInfrastructure' : 'infrastructure';
      report(`${path}.matchResources.${k}`, `selects ${what}, which is not the ${role} template of this class`);
    }
  }
  for (const k of ['machineDeploymentClass', 'machinePoolClass'] as const) {
    names(k).forEach((name, i) => {
      const p = `${path}.matchResources.${k}.names[${i}]`;
      const stars = (name.match(/\*/g) ?? []).length;
      if (stars > 1 || (stars === 1 && !name.startsWith('*') && !name.endsWith('*'))) {
        report(p, `"${name}": a single "*" is allowed, only at the start or the end`);
        return;
      }
      const hit = (cls?: string) =>
        cls !== undefined &&
        (cls === name ||
          name === '*' ||
          (name.startsWith('*') && cls.endsWith(name.slice(1))) ||
          (name.endsWith('*') && cls.startsWith(name.slice(0, -1))));
      if (!places.some((pl) => pl.match === k && hit(pl.cls) && same(pl.ref))) {
        report(
          p,
          `"${name}" names no ${k === 'machineDeploymentClass' ? 'MachineDeployment' : 'MachinePool'} class ` +
            `whose bootstrap or infrastructure template is ${what}`,
        );
      }
    });
  }
}

export function checkKubernetesVersions(list: unknown, report: Report): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    report('spec.kubernetesVersions', 'expecting a list of versions');
    return;
  }
  let prev: number[] | undefined;
  list.forEach((v, i) => {
    const p = `spec.kubernetesVersions[${i}]`;
    const m = SEMVER.exec(String(v));
    if (!m) {
      report(p, `${JSON.stringify(v)} is not a semantic version such as v1.36.4`);
      prev = undefined;
      return;
    }
    const cur = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (prev) {
      const cmp = cur[0] - prev[0] || cur[1] - prev[1] || cur[2] - prev[2];
      if (cmp <= 0)
        report(p, `${v} is not greater than the version before it; list versions in strictly increasing order`);
      else if (cur[0] !== prev[0] || cur[1] - prev[1] > 1)
        report(p, `${v} skips a minor after v${prev.join('.')}; each minor must follow the previous one`);
    }
    prev = cur;
  });
}

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Naming templates (v1beta2 `naming.template`, v1beta1 `*NamingStrategy.template`), as internal/topology/names
 * renders them.
 */
export function checkNaming(spec: Yaml, report: Report): void {
  const sample = { cluster: { name: 'cluster' }, random: 'x7k2q' };
  const list: Array<[string, unknown, Record<string, unknown>]> = [];
  // v1beta2 `<x>.naming.template`, v1beta1 `<x>.namingStrategy.template`
  // (infrastructure: spec.infrastructureNamingStrategy)
  const push = (o: Yaml, path: string, v1beta1: string, data: Record<string, unknown>) => {
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
    (Array.isArray(spec.workers?.[kind]) ? spec.workers[kind] : []).forEach((w: Yaml, i: number) => {
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
      report(path, `naming template ${JSON.stringify(tpl)} does not parse: ${parsed.error}`);
      continue;
    }
    const r = renderSimpleTemplate(tpl, data);
    if (!r) continue; // functions or control structures: parsed, not executed offline
    if (r.error) {
      report(path, `naming template ${JSON.stringify(tpl)} fails to render: ${r.error}`);
      continue;
    }
    let name = r.value!;
    if (name.length > 63) name = `${name.slice(0, 58)}x7k2q`;
    if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) {
      report(
        path,
        `naming template ${JSON.stringify(tpl)} renders to ${JSON.stringify(name)} for a cluster named "cluster", ` +
          'which is not a DNS-1123 subdomain (lowercase letters, digits, "-", ".")',
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
export function checkHealthChecks(spec: Yaml, report: Report): void {
  const places: Array<[string, Yaml]> = [];
  const hc = (o: Yaml, path: string) => {
    if (o?.healthCheck) places.push([`${path}.healthCheck`, o.healthCheck]);
    else if (o?.machineHealthCheck) places.push([`${path}.machineHealthCheck`, o.machineHealthCheck]);
  };
  hc(spec.controlPlane, 'spec.controlPlane');
  (Array.isArray(spec.workers?.machineDeployments) ? spec.workers.machineDeployments : []).forEach(
    (md: Yaml, i: number) => hc(md, `spec.workers.machineDeployments[${i}]`),
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
        report(`${path}.${startup[0]}`, `${JSON.stringify(startup[1])} is not a duration such as "10m"`);
      else if (secs !== 0 && secs < 30)
        report(
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
        report(`${path}.${k}`, `${JSON.stringify(v)} must be either an integer or a percentage such as "40%"`);
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

export function checkMetadata(spec: Yaml, report: Report): void {
  const places: Array<[string, Yaml]> = [];
  const meta = (o: Yaml, path: string) => {
    if (o?.metadata) places.push([`${path}.metadata`, o.metadata]);
    if (o?.template?.metadata) places.push([`${path}.template.metadata`, o.template.metadata]);
  };
  meta(spec.controlPlane, 'spec.controlPlane');
  for (const kind of ['machineDeployments', 'machinePools']) {
    (Array.isArray(spec.workers?.[kind]) ? spec.workers[kind] : []).forEach((w: Yaml, i: number) =>
      meta(w, `spec.workers.${kind}[${i}]`),
    );
  }
  (Array.isArray(spec.variables) ? spec.variables : []).forEach((v: Yaml, i: number) => {
    const walk = (s: Yaml, path: string) => {
      if (!s || typeof s !== 'object') return;
      if (s['x-metadata']) places.push([`${path}.x-metadata`, s['x-metadata']]);
      for (const [k, x] of Object.entries(s.properties ?? {})) walk(x, fieldPath(path, 'properties', k));
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
      if (kp) report(fieldPath(path, 'labels', k), `label key "${k}": ${kp}`);
      else if (typeof v !== 'string' || v.length > 63 || (v !== '' && !QUALIFIED_NAME.test(v))) {
        report(
          fieldPath(path, 'labels', k),
          `label value ${JSON.stringify(v)} must be at most 63 letters, digits, "-", "_" or ".", ` +
            'starting and ending alphanumeric',
        );
      }
    }
    for (const k of Object.keys(m?.annotations ?? {})) {
      const kp = keyProblem(k);
      if (kp) report(fieldPath(path, 'annotations', k), `annotation key "${k}": ${kp}`);
    }
  }
}
