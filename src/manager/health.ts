/**
 * When what an addon installed counts as healthy, by the bundle's declared health checks (src/model/addon.ts):
 * `rollout` — a Deployment, DaemonSet or StatefulSet rolled out at its current generation; `established` — a CRD
 * Established; `available` — an APIService Available. Pure checks of the live objects, so the status says Ready only
 * when the workload cluster itself reports it (on kwok, the rollout status is what kwok's stages write).
 */
import { AddonHealthCheck } from '../model/addon';
import { KObject } from '../model/object';

const conditionTrue = (st: Record<string, unknown>, type: string): boolean =>
  Array.isArray(st.conditions) &&
  (st.conditions as Array<Record<string, unknown>>).some((c) => c.type === type && c.status === 'True');

/** undefined when healthy, else why not (for status and hook messages). */
export function unhealthyReason(live: KObject | undefined, check: AddonHealthCheck): string | undefined {
  const what = `${check.kind} ${check.namespace ? `${check.namespace}/` : ''}${check.name}`;
  if (!live) return `${what} is missing`;
  const gen = Number(live.metadata?.generation ?? 0);
  const st = (live.status ?? {}) as Record<string, unknown>;
  const num = (k: string): number => (typeof st[k] === 'number' ? (st[k] as number) : 0);
  switch (check.type) {
    case 'rollout': {
      if (num('observedGeneration') < gen) return `${what}: generation ${gen} not observed yet`;
      if (check.kind === 'DaemonSet') {
        const want = num('desiredNumberScheduled');
        if (num('updatedNumberScheduled') < want)
          return `${what}: ${num('updatedNumberScheduled')}/${want} pods updated`;
        if (num('numberAvailable') < want) return `${what}: ${num('numberAvailable')}/${want} pods available`;
        return undefined;
      }
      const want = typeof live.spec?.replicas === 'number' ? live.spec.replicas : 1;
      if (num('updatedReplicas') < want) return `${what}: ${num('updatedReplicas')}/${want} replicas updated`;
      const avail = check.kind === 'StatefulSet' ? 'readyReplicas' : 'availableReplicas';
      if (num(avail) < want) return `${what}: ${num(avail)}/${want} replicas ${avail.replace('Replicas', '')}`;
      if (num('replicas') > want) return `${what}: old replicas still terminating`;
      return undefined;
    }
    case 'established':
      return conditionTrue(st, 'Established') ? undefined : `${what} not Established`;
    case 'available':
      return conditionTrue(st, 'Available') ? undefined : `${what} not Available`;
  }
}
