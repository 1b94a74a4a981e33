// Shared helpers for addon constructs. We use the typed L1 objects (`kplus.k8s.Kube*`) for workloads so
// nothing of cdk8s-plus-27's L2 defaults (token automount off, forced non-root, read-only root fs,
// default limits, imagePullPolicy Always) leaks into system pods: every field is what the component needs.

import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';

export const k8s = kplus.k8s;
export const q = (v: string) => k8s.Quantity.fromString(v);

/** The labels every object of an addon carries; selectors use `app.kubernetes.io/name` + component. */
export function addonLabels(addon: string, component?: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': addon,
    ...(component ? { 'app.kubernetes.io/component': component } : {}),
    'app.kubernetes.io/managed-by': 'cskit',
  };
}

/** Explicit, stable pod selector (never the construct-address label of cdk8s-plus). */
export function selectorLabels(addon: string, component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': addon, 'app.kubernetes.io/component': component };
}

/** Tolerations system pods need to run before nodes are initialized/ready, and on control plane nodes. */
export const controlPlaneTolerations: kplus.k8s.Toleration[] = [
  { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.cloudprovider.kubernetes.io/uninitialized', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'CriticalAddonsOnly', operator: 'Exists' },
];

/** Tolerate every taint: node agents (CNI, CSI node plugin) must run on every node. */
export const tolerateEverything: kplus.k8s.Toleration[] = [{ operator: 'Exists' }];

/** An RBAC rule, written compactly. */
export function rule(apiGroups: string[], resources: string[], verbs: string[]): kplus.k8s.PolicyRule {
  return { apiGroups, resources, verbs };
}

/** ServiceAccount + ClusterRole + ClusterRoleBinding of one component, all named `name`. */
export function clusterRbac(
  scope: import('constructs').Construct,
  opts: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    rules: kplus.k8s.PolicyRule[];
    serviceAccount?: string;
  },
): void {
  const sa = opts.serviceAccount ?? opts.name;
  if (!opts.serviceAccount) {
    new k8s.KubeServiceAccount(scope, `${opts.name}-sa`, {
      metadata: { name: sa, namespace: opts.namespace, labels: opts.labels },
    });
  }
  new k8s.KubeClusterRole(scope, `${opts.name}-role`, {
    metadata: { name: opts.name, labels: opts.labels },
    rules: opts.rules,
  });
  new k8s.KubeClusterRoleBinding(scope, `${opts.name}-binding`, {
    metadata: { name: opts.name, labels: opts.labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: opts.name },
    subjects: [{ kind: 'ServiceAccount', name: sa, namespace: opts.namespace }],
  });
}

/** A hostPath volume. */
export function hostPath(name: string, path: string, type?: string): kplus.k8s.Volume {
  return { name, hostPath: { path, ...(type ? { type } : {}) } };
}

/** Re-exported for constructs that need a plain object (fields newer than the 1.27 schema). */
export { ApiObject };
