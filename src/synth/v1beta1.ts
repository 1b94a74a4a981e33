/**
 * Converts a stack's CAPI v1beta2 objects to v1beta1, for management clusters older than Cluster API 1.11.
 * Covers what stack definitions emit: template references (`templateRef` → `ref`, MachineDeployment refs under
 * `template`), kubeadm extra args (lists of {name, value} → maps), and patches that append such args.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the conversion rewrites fields deep inside generated CAPI
   specs of many shapes (class, templates, kubeadm config); typing each would restate the generated imports */
import { ARG_TEMPLATE } from '../constructs/kubeadm';
import { KObject } from '../model/object';

const CAPI_GROUPS = [
  'cluster.x-k8s.io',
  'bootstrap.cluster.x-k8s.io',
  'controlplane.cluster.x-k8s.io',
  'infrastructure.cluster.x-k8s.io',
];

export function toV1Beta1(objects: readonly KObject[]): KObject[] {
  return objects.map((o) => convertObject(structuredClone(o)));
}

function downgradeApiVersion(apiVersion: string): string {
  const [group, version] = apiVersion.split('/');
  return version === 'v1beta2' && CAPI_GROUPS.includes(group) ? `${group}/v1beta1` : apiVersion;
}

function convertObject(o: KObject): KObject {
  o.apiVersion = downgradeApiVersion(o.apiVersion ?? '');
  if (o.kind === 'ClusterClass') convertClusterClass(o.spec);
  if (o.kind === 'KubeadmControlPlaneTemplate') convertKubeadmConfigSpec(o.spec?.template?.spec?.kubeadmConfigSpec);
  if (o.kind === 'KubeadmConfigTemplate') convertKubeadmConfigSpec(o.spec?.template?.spec);
  return o;
}

function ref(templateRef: any) {
  return { ...templateRef, apiVersion: downgradeApiVersion(templateRef.apiVersion) };
}

function convertClusterClass(spec: any): void {
  if (spec.infrastructure?.templateRef) spec.infrastructure = { ref: ref(spec.infrastructure.templateRef) };
  const cp = spec.controlPlane;
  if (cp?.templateRef) {
    cp.ref = ref(cp.templateRef);
    delete cp.templateRef;
    if (cp.machineInfrastructure?.templateRef)
      cp.machineInfrastructure = { ref: ref(cp.machineInfrastructure.templateRef) };
  }
  for (const md of spec.workers?.machineDeployments ?? []) {
    md.template = {
      bootstrap: { ref: ref(md.bootstrap.templateRef) },
      infrastructure: { ref: ref(md.infrastructure.templateRef) },
    };
    delete md.bootstrap;
    delete md.infrastructure;
  }
  for (const p of spec.patches ?? []) {
    for (const d of p.definitions ?? []) {
      d.selector.apiVersion = downgradeApiVersion(d.selector.apiVersion);
      d.jsonPatches = d.jsonPatches.map(convertArgPatch);
    }
  }
}

/** `add .../extraArgs/-` with `{"name": N, "value": T}` becomes `add .../extraArgs/N` with `T`. */
function convertArgPatch(jp: any): any {
  if (jp.op !== 'add' || !/\/extraArgs\/-$/.test(jp.path)) return jp;
  const base = jp.path.slice(0, -1);
  if (jp.value && typeof jp.value === 'object')
    return { op: 'add', path: `${base}${jp.value.name}`, value: jp.value.value };
  const m = ARG_TEMPLATE.exec(jp.valueFrom?.template ?? '');
  if (!m)
    throw new Error(
      `cannot convert patch ${jp.path} to v1beta1: append extra args with argTemplate() (src/constructs/kubeadm.ts)`,
    );
  return { op: 'add', path: `${base}${m[1]}`, valueFrom: { template: m[2] } };
}

function toMap(list: unknown): Record<string, string> | undefined {
  if (!Array.isArray(list)) return list as Record<string, string> | undefined;
  return Object.fromEntries(list.map((a: { name: string; value: string }) => [a.name, a.value]));
}

function convertKubeadmConfigSpec(s: any): void {
  if (!s) return;
  const cc = s.clusterConfiguration;
  for (const c of [cc?.apiServer, cc?.controllerManager, cc?.scheduler, cc?.etcd?.local]) {
    if (c?.extraArgs) c.extraArgs = toMap(c.extraArgs);
  }
  for (const n of [s.initConfiguration?.nodeRegistration, s.joinConfiguration?.nodeRegistration]) {
    if (n?.kubeletExtraArgs) n.kubeletExtraArgs = toMap(n.kubeletExtraArgs);
  }
}
