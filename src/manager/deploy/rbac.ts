/**
 * THE list of what the manager may do on the management cluster, one rule per need, each with the reason (the
 * RBAC table of docs/manager.md is this list). The synthesized ClusterRole and Role are built from it, and the RBAC
 * e2e drops each rule in turn to prove it is needed, so a rule nobody uses, or a call without a rule, shows up.
 * Workload clusters are reached with the kubeconfig from each Cluster's Secret: no RBAC of ours applies there.
 * No wildcards; Secrets only `get` (the names come from `--kubeconfig-secret`), never list or watch.
 */
import { DEFAULT_LEASE_NAME } from '../lease';

export interface Rule {
  /** Short id used by tests and the docs. */
  readonly id: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly verbs: readonly string[];
  /** Only these objects (RBAC resourceNames); a rule with `create` cannot be limited so (no name yet). */
  readonly resourceNames?: readonly string[];
  /** cluster: ClusterRole bound cluster-wide (Clusters live in any namespace); namespace: Role in the manager's. */
  readonly scope: 'cluster' | 'namespace';
  readonly why: string;
}

/** The rule list for a manager whose Lease is `lease` (a shard has its own: `cskit manager manifests --shard`). */
export function rulesFor(lease: string): readonly Rule[] {
  return [
    {
      id: 'clusters',
      apiGroup: 'cluster.x-k8s.io',
      resource: 'clusters',
      verbs: ['get', 'list', 'watch'],
      scope: 'cluster',
      why: 'list + watch Clusters into the work queue; get re-reads each Cluster at every reconcile and hook call',
    },
    {
      id: 'clusterclasses',
      apiGroup: 'cluster.x-k8s.io',
      resource: 'clusterclasses',
      verbs: ['get'],
      scope: 'cluster',
      why: "the Cluster's class: variable defaults for rendering the addons",
    },
    {
      id: 'kubeadmcontrolplanes',
      apiGroup: 'controlplane.cluster.x-k8s.io',
      resource: 'kubeadmcontrolplanes',
      verbs: ['get'],
      scope: 'cluster',
      why: "the control plane's status.version: where an upgrade is (the phase gate)",
    },
    {
      id: 'addonbundles',
      apiGroup: 'addons.cskit.io',
      resource: 'addonbundles',
      verbs: ['list'],
      scope: 'cluster',
      why: "the class's AddonBundle parts, selected by the addons.cskit.io/class label in the class's namespace",
    },
    {
      id: 'clusteraddons',
      apiGroup: 'addons.cskit.io',
      resource: 'clusteraddons',
      verbs: ['get', 'create', 'patch'],
      scope: 'cluster',
      why:
        'the persisted state every decision is made from (read), created once per Cluster (owned by it); patch: the ' +
        'checkpoint annotation that carries the status through clusterctl move',
    },
    {
      id: 'clusteraddons-status',
      apiGroup: 'addons.cskit.io',
      resource: 'clusteraddons/status',
      verbs: ['patch'],
      scope: 'cluster',
      why: 'status written by server-side apply (conditions, per-addon state, cleanup)',
    },
    {
      id: 'events',
      apiGroup: '',
      resource: 'events',
      verbs: ['create'],
      scope: 'cluster',
      why: 'Events on the Cluster at each transition (Ready, Degraded, Drifted, cleanup, permission denied)',
    },
    {
      id: 'secrets',
      apiGroup: '',
      resource: 'secrets',
      verbs: ['get'],
      scope: 'cluster',
      why:
        "the workload kubeconfig Secret ({cluster}-kubeconfig) in the Cluster's namespace; get only: no list or " +
        'watch, so no Secret is read whose name the manager does not already know; resourceNames cannot hold a ' +
        'pattern, hence not restricted by name',
    },
    {
      id: 'leases',
      apiGroup: 'coordination.k8s.io',
      resource: 'leases',
      verbs: ['create'],
      scope: 'namespace',
      why: "leader election (--leader-elect): the Lease is created once, in the manager's own namespace",
    },
    {
      id: 'lease',
      apiGroup: 'coordination.k8s.io',
      resource: 'leases',
      verbs: ['get', 'update'],
      resourceNames: [lease],
      scope: 'namespace',
      why: 'leader election: read and renew its own Lease, no other',
    },
  ];
}

export const RULES: readonly Rule[] = rulesFor(DEFAULT_LEASE_NAME);
