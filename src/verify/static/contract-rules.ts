import { RuleInfo, StaticFinding } from './finding';
import { StackInput } from './load';
import { CAPI_RELEASES, CAPO_RELEASES, Minor, compareCapi, compareMinor, formatMinor } from './contract-facts';

/**
 * `capi/kubernetes-support`: a stack's Kubernetes minor must be one that the Cluster API (and, for OpenStack stacks,
 * CAPO) releases able to run the stack support for workload clusters; otherwise the stack cannot be offered on any
 * management cluster those releases make. The contract comes from the stack's own apiVersions: its ClusterClass's
 * `cluster.x-k8s.io/<version>` says which Cluster API minors serve it (v1beta2: v1.11 and later), and OpenStack
 * templates need a CAPO minor, which narrows Cluster API to those CAPO works with. Judged against the newest patch
 * of each minor (contract-facts.ts); a warning, since a newer Cluster API than our table knows may support it.
 */
export const KUBERNETES_SUPPORT: RuleInfo = {
  id: 'capi/kubernetes-support',
  source:
    "Cluster API's Kubernetes version support per release (workload clusters) and CAPO's Cluster API " +
    "compatibility, for the Cluster API minors that serve the stack's apiVersions (static/contract-facts.ts)",
  fix:
    'offer the stack for a Kubernetes minor its Cluster API/CAPO releases support, ' +
    'or move to a release that supports it',
};

export const CONTRACT_RULES: readonly RuleInfo[] = [KUBERNETES_SUPPORT];

const MINOR = /^v?(\d+)\.(\d+)(\.\d+)?/;

export function contractFindings(stack: StackInput): StaticFinding[] {
  const m = MINOR.exec(String(stack.metadata?.versions?.kubernetes ?? ''));
  const cc = stack.objects.find((o) => o.obj.kind === 'ClusterClass');
  if (!m || !cc) return []; // no version: scs-0210/version-missing says so; no class: nothing runs it
  const k8s: Minor = [Number(m[1]), Number(m[2])];
  const api = String(cc.obj.apiVersion).split('/')[1];
  const openstack = stack.objects.some(
    (o) =>
      String(o.obj.apiVersion).startsWith('infrastructure.cluster.x-k8s.io/') && /^OpenStack/.test(String(o.obj.kind)),
  );
  const capoMin = CAPO_RELEASES.map((r) => r.capi).sort(compareCapi)[0];
  const candidates = CAPI_RELEASES.filter(
    (r) => r.serves.includes(api) && (!openstack || compareCapi(r.minor, capoMin) >= 0),
  );
  const supports = candidates.filter(
    (r) => compareMinor(r.workload[0], k8s) <= 0 && compareMinor(k8s, r.workload[1]) <= 0,
  );
  if (supports.length) return [];
  const where = { rule: KUBERNETES_SUPPORT.id, severity: 'warning' as const, stack: stack.name, file: cc.file };
  const object = `ClusterClass ${cc.obj.metadata?.name}`;
  if (!candidates.length)
    return [
      {
        ...where,
        object,
        path: 'apiVersion',
        message:
          `no Cluster API release cskit knows (${CAPI_RELEASES.map((r) => r.minor).join(', ')}) serves ` +
          `${cc.obj.apiVersion}, so its Kubernetes support cannot be judged`,
        fix: 'use cluster.x-k8s.io/v1beta2 (or v1beta1), or update src/verify/static/contract-facts.ts',
      },
    ];
  const ranges = candidates
    .map((r) => `${r.minor}: ${formatMinor(r.workload[0])}–${formatMinor(r.workload[1])}`)
    .join(', ');
  const capo = openstack ? ` (with CAPO ${CAPO_RELEASES.map((r) => `${r.minor} ≥ CAPI ${r.capi}`).join(', ')})` : '';
  return [
    {
      ...where,
      object,
      path: 'apiVersion',
      message:
        `Kubernetes ${formatMinor(k8s)} is outside what the Cluster API releases serving ${cc.obj.apiVersion}${capo} ` +
        `support for workload clusters (${ranges})`,
      fix: KUBERNETES_SUPPORT.fix,
    },
  ];
}
