/**
 * What CAPI asked and what the manager answered, per lifecycle hook and Cluster: `status.hooks` of the ClusterAddons
 * object (its own field manager, so the reconciler's status writes never touch it) and an Event on the Cluster each
 * time an answer changes (held → passed). Operators see when an upgrade was held, for how long and why; the e2e
 * tests order the hook answers against the workload objects with it. A record only: no decision reads it (hooks and
 * reconciler decide from the Cluster, its control plane and the addon status), so a lost record never blocks a
 * Cluster. Written only when something changed (a new hook or version, another answer), not on every call.
 */
import { KObject } from '../model/object';
import { ClusterAddons, HookAnswer, HookRecord } from './crd';
import { Hook, HookResponse } from './hooks';
import { EVENTS } from './reconcile';
import { CLUSTER_ADDONS, ManagementClient } from './state';
import { clusterEvent } from './status';

export const HOOK_FIELD_MANAGER = 'cskit-hooks';

export function answerOf(r: HookResponse): HookAnswer {
  if (r.status === 'Failure') return 'Failed';
  return (r.retryAfterSeconds ?? 0) > 0 ? 'Blocking' : 'Passed';
}

/** The Kubernetes version a hook request is about (Before*: where to, After*: where it arrived), or ''. */
export function requestVersion(request: unknown): string {
  const r = (request ?? {}) as { toKubernetesVersion?: unknown; kubernetesVersion?: unknown };
  const v = r.toKubernetesVersion ?? r.kubernetesVersion;
  return typeof v === 'string' ? v : '';
}

/** The record after this call, or undefined when the persisted one already says it (nothing to write). */
export function nextHookRecord(
  prev: HookRecord | undefined,
  hook: Hook,
  version: string,
  response: HookResponse,
  now: string,
): HookRecord | undefined {
  const answer = answerOf(response);
  const sameCall = prev && prev.kubernetesVersion === version;
  if (sameCall && prev.answer === answer && (answer === 'Passed' || prev.message === response.message))
    return undefined;
  return {
    hook,
    kubernetesVersion: version,
    firstCallTime: sameCall ? prev.firstCallTime : now,
    answer,
    message: response.message.slice(0, 1024),
    lastTransitionTime: sameCall && prev.answer === answer ? prev.lastTransitionTime : now,
  };
}

/** The Cluster as the Event's involved object, from the ClusterAddons owner reference (no extra read). */
function ownerCluster(ca: ClusterAddons): KObject {
  const owners = (ca.metadata?.ownerReferences ?? []) as Array<{ kind?: string; apiVersion?: string; uid?: string }>;
  const owner = owners.find((o) => o.kind === 'Cluster');
  return {
    apiVersion: owner?.apiVersion ?? 'cluster.x-k8s.io/v1beta2',
    kind: 'Cluster',
    metadata: { name: ca.metadata?.name, namespace: ca.metadata?.namespace, uid: owner?.uid },
  };
}

/**
 * Records one answered hook call of Cluster `namespace/name`. A Cluster without a ClusterAddons object yet (the
 * manager never reconciled it) gets no record. Optimistic: a concurrent record of another hook makes this one read
 * and try again.
 */
export async function recordHookCall(
  api: ManagementClient,
  namespace: string,
  name: string,
  hook: Hook,
  request: unknown,
  response: HookResponse,
  now: () => Date = () => new Date(),
): Promise<HookRecord | undefined> {
  for (let attempt = 0; ; attempt++) {
    const ca = (await api.get(CLUSTER_ADDONS, name, namespace)) as ClusterAddons | undefined;
    if (!ca) return undefined;
    const records = ca.status?.hooks ?? [];
    const at = now().toISOString();
    const next = nextHookRecord(
      records.find((r) => r.hook === hook),
      hook,
      requestVersion(request),
      response,
      at,
    );
    if (!next) return undefined;
    try {
      await api.apply(
        CLUSTER_ADDONS,
        {
          apiVersion: ca.apiVersion,
          kind: ca.kind,
          metadata: { name, namespace, resourceVersion: ca.metadata?.resourceVersion },
          status: { hooks: [...records.filter((r) => r.hook !== hook), next] },
        },
        { fieldManager: HOOK_FIELD_MANAGER, force: true, subresource: 'status' },
      );
    } catch (e) {
      if ((e as { kind?: string }).kind === 'conflict' && attempt < 3) continue;
      throw e;
    }
    const prev = records.find((r) => r.hook === hook);
    if (!prev || prev.answer !== next.answer || prev.kubernetesVersion !== next.kubernetesVersion) {
      const version = next.kubernetesVersion ? ` (${next.kubernetesVersion})` : '';
      await api.create(
        EVENTS,
        clusterEvent(
          ownerCluster(ca),
          next.answer === 'Failed' ? 'Warning' : 'Normal',
          `Hook${next.answer}`,
          `${hook}${version}: ${next.message}`,
          at,
        ),
      );
    }
    return next;
  }
}
