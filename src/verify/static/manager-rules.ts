/**
 * Rules for the addon manager's own manifests (`cskit manager manifests -o`): they are not a cluster stack, so the
 * Cluster API, lock and SCS rules have nothing to judge there; what matters is that the manager stays least-
 * privileged and locked down, whoever edits the YAML before applying it. Schema rules run on them as on any object.
 */
import { RuleInfo, StaticFinding } from './finding';
import { Located, StackInput } from './load';

export const MANAGER_RULES: readonly RuleInfo[] = [
  {
    id: 'manager/rbac-wildcard',
    source: 'least privilege (docs/manager.md, Operations): every rule names its API groups, resources and verbs',
    fix: 'replace "*" with the groups, resources and verbs the manager uses (src/manager/deploy/rbac.ts)',
  },
  {
    id: 'manager/secrets-read-only',
    source: 'least privilege: the manager reads workload kubeconfig Secrets by name (get), never lists or writes them',
    fix: 'grant only get on secrets',
  },
  {
    id: 'manager/pod-security',
    source: 'the manager container runs as non-root, with a read-only root filesystem and no privilege escalation',
    fix: 'set runAsNonRoot: true, readOnlyRootFilesystem: true and allowPrivilegeEscalation: false on the container',
  },
  {
    id: 'manager/extension-ca',
    source:
      'Cluster API calls the hooks over https and must trust the certificate: the ExtensionConfig needs a caBundle ' +
      'or the runtime.cluster.x-k8s.io/inject-ca-from-secret annotation, and a Service of the manifests to call',
    fix: 'regenerate with `cskit manager manifests`, or set clientConfig.service to the Service and a CA source',
  },
];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const fixOf = (id: string) => MANAGER_RULES.find((r) => r.id === id)!.fix;

export function managerFindings(stack: StackInput): StaticFinding[] {
  if (stack.kind !== 'manager') return [];
  const out: StaticFinding[] = [];
  const add = (rule: string, l: Located, path: string, message: string) =>
    out.push({
      rule,
      severity: 'error',
      stack: stack.name,
      file: l.file,
      object: `${l.obj.kind} ${l.obj.metadata?.name}`,
      path,
      message,
      fix: fixOf(rule),
    });
  for (const l of stack.objects) {
    const o = l.obj;
    if (o.kind === 'ClusterRole' || o.kind === 'Role') {
      list(o.rules).forEach((r, i) => {
        if (!isObj(r)) return;
        for (const field of ['apiGroups', 'resources', 'verbs', 'resourceNames'])
          if (list(r[field]).includes('*'))
            add('manager/rbac-wildcard', l, `rules[${i}].${field}`, `${field} holds "*"`);
        if (list(r.nonResourceURLs).length)
          add('manager/rbac-wildcard', l, `rules[${i}].nonResourceURLs`, 'the manager needs no non-resource URLs');
        const secrets = list(r.resources).includes('secrets') && list(r.apiGroups).includes('');
        const writes = list(r.verbs).filter((v) => v !== 'get');
        if (secrets && writes.length)
          add('manager/secrets-read-only', l, `rules[${i}].verbs`, `secrets: ${writes.join(', ')} beyond get`);
      });
    }
    if (o.kind === 'Deployment') {
      const pod = isObj(o.spec?.template?.spec) ? o.spec.template.spec : {};
      const podSc = isObj(pod.securityContext) ? pod.securityContext : {};
      list(pod.containers).forEach((c, i) => {
        const sc = isObj(c) && isObj(c.securityContext) ? c.securityContext : {};
        const path = `spec.template.spec.containers[${i}].securityContext`;
        if (sc.runAsNonRoot !== true && podSc.runAsNonRoot !== true)
          add('manager/pod-security', l, `${path}.runAsNonRoot`, 'may run as root');
        if (sc.readOnlyRootFilesystem !== true)
          add('manager/pod-security', l, `${path}.readOnlyRootFilesystem`, 'the root filesystem is writable');
        if (sc.allowPrivilegeEscalation !== false)
          add('manager/pod-security', l, `${path}.allowPrivilegeEscalation`, 'privilege escalation is allowed');
      });
    }
    if (o.kind === 'ExtensionConfig') {
      const cc = isObj(o.spec?.clientConfig) ? o.spec.clientConfig : {};
      const inject = o.metadata?.annotations?.['runtime.cluster.x-k8s.io/inject-ca-from-secret'];
      if (!cc.caBundle && !inject)
        add('manager/extension-ca', l, 'spec.clientConfig.caBundle', 'no caBundle and no CA injection annotation');
      const svc = isObj(cc.service) ? cc.service : undefined;
      const target = svc
        ? stack.objects.find(
            (s) =>
              s.obj.kind === 'Service' &&
              s.obj.metadata?.name === svc.name &&
              s.obj.metadata?.namespace === svc.namespace,
          )
        : undefined;
      const port = svc?.port ?? 443;
      if (svc && !target)
        add('manager/extension-ca', l, 'spec.clientConfig.service', `Service ${svc.namespace}/${svc.name} not found`);
      else if (target && !list(target.obj.spec?.ports).some((p) => isObj(p) && p.port === port))
        add('manager/extension-ca', l, 'spec.clientConfig.service.port', `the Service has no port ${port}`);
    }
  }
  return out;
}
