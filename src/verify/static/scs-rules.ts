// The SCS standards checked offline: scs-0211 (one failure-safe default StorageClass) per stack, and scs-0210
// (Kubernetes versions) over the set of stacks, judged by the version engine.

import { VersionData } from '../../k8s-versions/data';
import { evaluateOffering } from '../../k8s-versions/policy';
import {
  BETA_DEFAULT_CLASS_ANNOTATION,
  DEFAULT_CLASS_ANNOTATION,
  classifyProvisioner,
  isDefaultClass,
} from '../provisioners';
import { DEFAULT_VERSIONS, StandardVersions, propertySeverity } from '../standards';
import { StackInput } from './load';
import { fieldPath } from '../../util/field-path';
import { RuleInfo, StaticFinding } from './finding';

export const SCS_0211_RULES: RuleInfo[] = [
  {
    id: 'scs-0211/default-count',
    source:
      'scs-0211 (v1 and v2): exactly one default StorageClass; a stack that ships none ' +
      '(no StorageClass at all) fails too',
    fix: 'annotate exactly one StorageClass with storageclass.kubernetes.io/is-default-class: "true"',
  },
  {
    id: 'scs-0211/annotation-value',
    source: 'Kubernetes treats only the value "true" as default',
    fix: 'set the annotation value to exactly "true"',
  },
  {
    id: 'scs-0211/node-local',
    source:
      "scs-0211: volumes must not be node-local or bound to a node's lifecycle " +
      '(v1: error; v2 draft: recommended, warning)',
    fix: 'use a network-backed CSI driver (e.g. cinder.csi.openstack.org)',
  },
  {
    id: 'scs-0211/development-stack',
    source:
      'scs-0211: a stack whose default class declares itself not failure-safe (cskit.io/failure-safe: "false") ' +
      'is for development and is not compliant',
    fix: 'do not offer development stacks as SCS-compliant; verify only the stacks you offer (e.g. dist/openstack-*)',
  },
  {
    id: 'scs-0211/unknown-provisioner',
    source: 'scs-0211: cskit cannot tell whether the driver is network-backed',
    fix: 'use a known network-backed driver, or add it to src/verify/provisioners.ts',
  },
  {
    id: 'scs-0211/csidriver-missing',
    source: 'scs-0211 (the default class must provision): a CSI provisioner needs its CSIDriver object in the stack',
    fix: 'ship the CSIDriver with the CSI addon',
  },
  {
    id: 'scs-0211/rwo',
    source: 'scs-0211: the default class provides ReadWriteOnce persistent volumes (v1: error; v2 draft: warning)',
    fix: 'let the CSIDriver serve Persistent volumes (omit spec.volumeLifecycleModes or include "Persistent")',
  },
  {
    id: 'scs-0211/properties',
    source: 'scs-0211: volume expansion MAY be supported; reclaim and binding modes reported',
    fix: '—',
  },
];

export const SCS_0210_PREFIX = 'scs-0210/';

/** The version engine's finding codes (src/k8s-versions/policy.ts), as rules judged on the set of stacks. */
const BUMP = 'run `cskit bump` and synthesize new stack versions';
const VERSION_MISSING: RuleInfo = {
  id: 'scs-0210/version-missing',
  source: 'scs-0210 needs evidence: a stack that states no Kubernetes version (metadata.yaml) cannot be judged',
  fix: 'verify the stack folder with its metadata.yaml (versions.kubernetes), or leave scs-0210 out with --rules',
};
export const SCS_0210_RULES: RuleInfo[] = [
  VERSION_MISSING,
  {
    id: 'scs-0210/minor-missing',
    source: 'scs-0210: the latest minor is offered within 4 months of its release',
    fix: BUMP,
  },
  { id: 'scs-0210/branch-missing', source: 'scs-0210: every upstream-supported minor is offered', fix: BUMP },
  {
    id: 'scs-0210/patch-outdated',
    source: 'scs-0210: newer patches are offered within 1 month of their release',
    fix: BUMP,
  },
  {
    id: 'scs-0210/critical-cve',
    source: 'scs-0210: a critical CVE fix is offered within 14 days (recommended 2)',
    fix: BUMP,
  },
  {
    id: 'scs-0210/branch-eol',
    source: 'scs-0210: end-of-life branches are not offered',
    fix: 'drop the branch and offer a supported minor',
  },
  {
    id: 'scs-0210/branch-eol-offered',
    source: 'scs-0210: end-of-life branches should not be offered (warning)',
    fix: 'drop the branch once no cluster uses it',
  },
  {
    id: 'scs-0210/unknown-version',
    source: 'version data: the version is not known to the bundled release data',
    fix: 'run `cskit versions update`, or fix the version',
  },
  {
    id: 'scs-0210/data-stale',
    source: 'version data: release data older than the evaluation date',
    fix: 'run `cskit versions update`',
  },
  {
    id: 'scs-0210/data-load',
    source: 'version data: the data file could not be read fully',
    fix: 'run `cskit versions update`',
  },
  { id: 'scs-0210/latest', source: 'scs-0210 evidence (info): the offered patch is the latest', fix: '—' },
  {
    id: 'scs-0210/patch-pending',
    source: 'scs-0210 evidence (info): a newer patch must be offered by a date',
    fix: '—',
  },
  { id: 'scs-0210/minor-pending', source: 'scs-0210 evidence (info): a new minor must be offered by a date', fix: '—' },
];

/**
 * scs-0211 for one stack: what its addons ship as StorageClasses, judged by the given version of the standard. A
 * stack that ships no StorageClass has no default one: that is a finding, never silence (its clusters would have no
 * default class).
 */
export function storageFindings(stack: StackInput, versions: StandardVersions = DEFAULT_VERSIONS): StaticFinding[] {
  const out: StaticFinding[] = [];
  const scs = stack.objects.filter((o) => o.obj.kind === 'StorageClass');
  const fix = (id: string) => SCS_0211_RULES.find((r) => r.id === id)!.fix;
  if (!scs.length) {
    out.push({
      rule: 'scs-0211/default-count',
      severity: 'error',
      stack: stack.name,
      file: stack.objects[0]?.file,
      message:
        'the stack ships no StorageClass, so its clusters get no default StorageClass; ' +
        'scs-0211 requires exactly one (ship the CSI addon with a default class)',
      fix: fix('scs-0211/default-count'),
    });
    return out;
  }
  for (const l of scs) {
    for (const key of [DEFAULT_CLASS_ANNOTATION, BETA_DEFAULT_CLASS_ANNOTATION]) {
      const v = l.obj.metadata?.annotations?.[key];
      // a value meant as "yes" that Kubernetes ignores (it compares with "true" exactly); "false" is a clear no
      if (v !== undefined && v !== 'true' && /^\s*(true|yes|y|on|1)\s*$/i.test(String(v))) {
        out.push({
          rule: 'scs-0211/annotation-value',
          severity: 'error',
          stack: stack.name,
          file: l.file,
          object: `StorageClass ${l.obj.metadata?.name}`,
          path: fieldPath('metadata.annotations', key),
          message: `value ${JSON.stringify(v)} is not "true": Kubernetes will not treat the class as default`,
          fix: fix('scs-0211/annotation-value'),
        });
      }
    }
  }
  const defaults = scs.filter((l) => isDefaultClass(l.obj));
  if (defaults.length !== 1) {
    const named = (defaults.length ? defaults : scs).map((d) => d.obj.metadata?.name);
    const which =
      defaults.map((d) => d.obj.metadata?.name).join(', ') || `none of ${scs.length} StorageClass(es) is annotated`;
    out.push({
      rule: 'scs-0211/default-count',
      severity: 'error',
      stack: stack.name,
      file: (defaults[0] ?? scs[0])?.file,
      object: named.length ? `StorageClass ${named.join(', ')}` : undefined,
      path: fieldPath('metadata.annotations', DEFAULT_CLASS_ANNOTATION),
      message: `${defaults.length} default StorageClasses (${which}); exactly one is required`,
      fix: fix('scs-0211/default-count'),
    });
    return out;
  }
  const d = defaults[0];
  const sc = d.obj;
  const where = { stack: stack.name, file: d.file, object: `StorageClass ${sc.metadata?.name}` };
  const provisioner = String(sc.provisioner);
  const cls = classifyProvisioner(provisioner);
  // A stack that says so openly is a development stack: reported, not an error, so that verifying everything we ship
  // passes; the scs result line still fails on it (the standard is not met) and --strict fails it too.
  // Under the v2 draft the properties are recommendations: node-local storage is a warning there, not "not met".
  const development = sc.metadata?.annotations?.['cskit.io/failure-safe'] === 'false' && versions['scs-0211'] === 'v1';
  if (cls === 'node-local' && development) {
    out.push({
      rule: 'scs-0211/development-stack',
      severity: 'warning',
      ...where,
      path: fieldPath('metadata.annotations', 'cskit.io/failure-safe'),
      message:
        `development stack: its default class provisions node-local storage (${provisioner}) and is ` +
        `declared not failure-safe, so it does not satisfy scs-0211`,
      fix: fix('scs-0211/development-stack'),
    });
  } else if (cls === 'node-local')
    out.push({
      rule: 'scs-0211/node-local',
      severity: propertySeverity(versions),
      ...where,
      path: 'provisioner',
      message: `${provisioner} provisions node-local storage`,
      fix: fix('scs-0211/node-local'),
    });
  if (cls === 'unknown')
    out.push({
      rule: 'scs-0211/unknown-provisioner',
      severity: 'warning',
      ...where,
      path: 'provisioner',
      message: `${provisioner} is not known as network-backed`,
      fix: fix('scs-0211/unknown-provisioner'),
    });
  // in-tree names (kubernetes.io/…) are served by CSI migration; every other network provisioner is a CSI driver
  const driver = stack.objects.find((o) => o.obj.kind === 'CSIDriver' && o.obj.metadata?.name === provisioner);
  if (cls === 'network' && !provisioner.startsWith('kubernetes.io/') && !driver) {
    out.push({
      rule: 'scs-0211/csidriver-missing',
      severity: 'error',
      ...where,
      path: 'provisioner',
      message:
        `no CSIDriver ${provisioner} in the stack; the default class ${sc.metadata?.name} cannot ` +
        `provision without its driver`,
      fix: fix('scs-0211/csidriver-missing'),
    });
  }
  const modes = driver?.obj.spec?.volumeLifecycleModes;
  if (driver && Array.isArray(modes) && !modes.includes('Persistent')) {
    out.push({
      rule: 'scs-0211/rwo',
      severity: propertySeverity(versions),
      stack: stack.name,
      file: driver.file,
      object: `CSIDriver ${provisioner}`,
      path: 'spec.volumeLifecycleModes',
      message:
        `the driver of default class ${sc.metadata?.name} serves only ${JSON.stringify(modes)} volumes, ` +
        `so no ReadWriteOnce PersistentVolume can be provisioned`,
      fix: fix('scs-0211/rwo'),
    });
  }
  out.push({
    rule: 'scs-0211/properties',
    severity: 'info',
    ...where,
    message:
      `default ${sc.metadata?.name}: provisioner ${provisioner} (${cls}), reclaimPolicy ` +
      `${sc.reclaimPolicy ?? 'Delete'}, volumeBindingMode ${sc.volumeBindingMode ?? 'Immediate'}, volume ` +
      `expansion ${sc.allowVolumeExpansion ? 'allowed' : 'not allowed'}`,
  });
  return out;
}

/** scs-0210 on the set of stacks: the Kubernetes versions they offer, judged together at `at`. */
export function versionFindings(stacks: readonly StackInput[], at: Date, data: VersionData): StaticFinding[] {
  const missing = stacks
    .filter((s) => !s.metadata?.versions?.kubernetes)
    .map((s): StaticFinding => ({
      rule: VERSION_MISSING.id,
      severity: 'error',
      stack: s.name,
      file: s.objects[0]?.file,
      message:
        `the stack states no Kubernetes version (metadata.yaml ` +
        `versions.kubernetes${s.dir ? '' : '; loose YAML has no metadata.yaml'}), so scs-0210 cannot judge what ` +
        `it offers`,
      fix: VERSION_MISSING.fix,
    }));
  const versions = stacks.map((s) => s.metadata?.versions?.kubernetes).filter((v): v is string => !!v);
  if (!versions.length) return missing;
  const r = evaluateOffering(versions, at, data);
  return [
    ...missing,
    ...r.findings.map((f) => ({
      rule: `${SCS_0210_PREFIX}${f.code}`,
      severity: f.severity,
      stack: '(all stacks)',
      message: f.message,
      fix: f.severity === 'info' ? undefined : 'run `cskit bump` and synthesize new stack versions',
    })),
  ];
}
