import { VersionData } from '../../k8s-versions/data';
import { evaluateOffering } from '../../k8s-versions/policy';
import { BETA_DEFAULT_CLASS_ANNOTATION, DEFAULT_CLASS_ANNOTATION, classifyProvisioner, isDefaultClass } from '../provisioners';
import { StackInput } from './load';
import { RuleInfo, StaticFinding } from './finding';

export const SCS_0211_RULES: RuleInfo[] = [
  { id: 'scs-0211/default-count', source: 'scs-0211: exactly one default StorageClass', fix: 'annotate exactly one StorageClass with storageclass.kubernetes.io/is-default-class: "true"' },
  { id: 'scs-0211/annotation-value', source: 'Kubernetes treats only the value "true" as default', fix: 'set the annotation value to exactly "true"' },
  { id: 'scs-0211/node-local', source: 'scs-0211: volumes must not be node-local or bound to a node\'s lifecycle', fix: 'use a network-backed CSI driver (e.g. cinder.csi.openstack.org)' },
  { id: 'scs-0211/unknown-provisioner', source: 'scs-0211: cskit cannot tell whether the driver is network-backed', fix: 'use a known network-backed driver, or add it to src/verify/provisioners.ts' },
  { id: 'scs-0211/csidriver-missing', source: 'scs-0211 (the default class must provision): a CSI provisioner needs its CSIDriver object in the stack', fix: 'ship the CSIDriver with the CSI addon' },
  { id: 'scs-0211/rwo', source: 'scs-0211: the default class provides ReadWriteOnce persistent volumes', fix: 'let the CSIDriver serve Persistent volumes (omit spec.volumeLifecycleModes or include "Persistent")' },
  { id: 'scs-0211/properties', source: 'scs-0211: volume expansion MAY be supported; reclaim and binding modes reported', fix: '—' },
];

export const SCS_0210_PREFIX = 'scs-0210/';

/** scs-0211 for one stack: what its addons ship as StorageClasses. */
export function storageFindings(stack: StackInput): StaticFinding[] {
  const out: StaticFinding[] = [];
  const scs = stack.objects.filter((o) => o.obj.kind === 'StorageClass');
  const hasAddons = stack.objects.some((o) => !['ClusterClass'].includes(String(o.obj.kind)) && !/Template$/.test(String(o.obj.kind)));
  if (!hasAddons) return out; // a class without addons says nothing about storage
  const fix = (id: string) => SCS_0211_RULES.find((r) => r.id === id)!.fix;
  for (const l of scs) {
    for (const key of [DEFAULT_CLASS_ANNOTATION, BETA_DEFAULT_CLASS_ANNOTATION]) {
      const v = l.obj.metadata?.annotations?.[key];
      // a value meant as "yes" that Kubernetes ignores (it compares with "true" exactly); "false" is a clear no
      if (v !== undefined && v !== 'true' && /^\s*(true|yes|y|on|1)\s*$/i.test(String(v))) {
        out.push({ rule: 'scs-0211/annotation-value', severity: 'error', stack: stack.name, file: l.file, object: `StorageClass ${l.obj.metadata?.name}`,
          path: `metadata.annotations["${key}"]`, message: `value ${JSON.stringify(v)} is not "true": Kubernetes will not treat the class as default`, fix: fix('scs-0211/annotation-value') });
      }
    }
  }
  const defaults = scs.filter((l) => isDefaultClass(l.obj));
  if (defaults.length !== 1) {
    out.push({ rule: 'scs-0211/default-count', severity: 'error', stack: stack.name, message: `${defaults.length} default StorageClasses (${defaults.map((d) => d.obj.metadata?.name).join(', ') || 'none'}); exactly one is required`, fix: fix('scs-0211/default-count') });
    return out;
  }
  const d = defaults[0];
  const sc = d.obj;
  const where = { stack: stack.name, file: d.file, object: `StorageClass ${sc.metadata?.name}` };
  const provisioner = String(sc.provisioner);
  const cls = classifyProvisioner(provisioner);
  const failureSafe = sc.metadata?.annotations?.['cskit.io/failure-safe'] === 'false' ? ' (the stack declares itself not failure-safe: expected for development stacks)' : '';
  if (cls === 'node-local') out.push({ rule: 'scs-0211/node-local', severity: 'error', ...where, path: 'provisioner', message: `${provisioner} provisions node-local storage${failureSafe}`, fix: fix('scs-0211/node-local') });
  if (cls === 'unknown') out.push({ rule: 'scs-0211/unknown-provisioner', severity: 'warning', ...where, path: 'provisioner', message: `${provisioner} is not known as network-backed`, fix: fix('scs-0211/unknown-provisioner') });
  // in-tree names (kubernetes.io/…) are served by CSI migration; every other network provisioner is a CSI driver
  const driver = stack.objects.find((o) => o.obj.kind === 'CSIDriver' && o.obj.metadata?.name === provisioner);
  if (cls === 'network' && !provisioner.startsWith('kubernetes.io/') && !driver) {
    out.push({ rule: 'scs-0211/csidriver-missing', severity: 'error', ...where, path: 'provisioner', message: `no CSIDriver ${provisioner} in the stack; the default class ${sc.metadata?.name} cannot provision without its driver`, fix: fix('scs-0211/csidriver-missing') });
  }
  const modes = driver?.obj.spec?.volumeLifecycleModes;
  if (driver && Array.isArray(modes) && !modes.includes('Persistent')) {
    out.push({ rule: 'scs-0211/rwo', severity: 'error', stack: stack.name, file: driver.file, object: `CSIDriver ${provisioner}`, path: 'spec.volumeLifecycleModes',
      message: `the driver of default class ${sc.metadata?.name} serves only ${JSON.stringify(modes)} volumes, so no ReadWriteOnce PersistentVolume can be provisioned`, fix: fix('scs-0211/rwo') });
  }
  out.push({ rule: 'scs-0211/properties', severity: 'info', ...where,
    message: `default ${sc.metadata?.name}: provisioner ${provisioner} (${cls}), reclaimPolicy ${sc.reclaimPolicy ?? 'Delete'}, volumeBindingMode ${sc.volumeBindingMode ?? 'Immediate'}, volume expansion ${sc.allowVolumeExpansion ? 'allowed' : 'not allowed'}` });
  return out;
}

/** scs-0210 on the set of stacks: the Kubernetes versions they offer, judged together at `at`. */
export function versionFindings(stacks: readonly StackInput[], at: Date, data: VersionData): StaticFinding[] {
  const versions = stacks.map((s) => s.metadata?.versions?.kubernetes).filter((v): v is string => !!v);
  if (!versions.length) return [];
  const r = evaluateOffering(versions, at, data);
  return r.findings.map((f) => ({ rule: `${SCS_0210_PREFIX}${f.code}`, severity: f.severity, stack: '(all stacks)', message: f.message,
    fix: f.severity === 'info' ? undefined : 'run `cskit bump` and synthesize new stack versions' }));
}
