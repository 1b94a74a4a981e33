// Builds an addon's objects for a sample stack and finds things in them, for the addon tests.
/* eslint-disable @typescript-eslint/no-explicit-any -- the manifests are untyped JSON trees the tests read deep into
   (spec.template.spec.containers[0].securityContext…); a type per path would only add casts. */
import { AddonDefinition } from '../../src/model/addon';
import { StackContext } from '../../src/model/stack';
import { buildAddonObjects } from '../../src/synth/addons';

export type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: any;
};

/** A nested part of a manifest (container, volume, rule), named where it has a name. */
export type Part = { name?: string; [k: string]: any };

export function ctxFor(minor: string, id = 'openstack-scs'): StackContext {
  const patch = { '1.34': '1.34.11', '1.35': '1.35.8', '1.36': '1.36.4' }[minor] ?? `${minor}.0`;
  const [provider, stack] = id.split('-');
  return {
    id,
    provider,
    stack,
    name: `${id}-${minor.replace('.', '-')}-v1`,
    kubernetesVersion: patch,
    minor,
    version: 'v1',
  };
}

export function objectsOf(addon: AddonDefinition, minor = '1.36'): Obj[] {
  return buildAddonObjects(addon, ctxFor(minor)) as Obj[];
}

export const find = (objs: Obj[], kind: string, name: string): Obj => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} in ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
};

/** Every pod template spec of an addon's workloads. */
export const podSpecs = (objs: Obj[]) =>
  objs.filter((o) => ['DaemonSet', 'Deployment'].includes(o.kind)).map((o) => ({ o, spec: o.spec.template.spec }));

export const images = (objs: Obj[]): string[] =>
  podSpecs(objs).flatMap(({ spec }) => [...(spec.initContainers ?? []), ...spec.containers].map((c: Part) => c.image));

/** Verbs a ClusterRole grants on `group/resource`. */
export function verbs(role: Obj, group: string, resource: string): string[] {
  return (role.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[])
    .filter((r) => r.apiGroups.includes(group) && r.resources.includes(resource))
    .flatMap((r) => r.verbs);
}
