/**
 * When what an addon installed counts as healthy: a Deployment or DaemonSet rolled out at its current generation,
 * a CRD Established. Pure checks of the live objects, so the status says Ready only when the workload cluster
 * itself reports it (on kwok, the rollout status is what kwok's stages write).
 */
import { KObject } from '../model/object';

/** undefined when healthy, else why not (for status and hook messages). */
export function unhealthyReason(live: KObject | undefined, applied: KObject): string | undefined {
  const ns = applied.metadata?.namespace ? `${applied.metadata.namespace}/` : '';
  const what = `${applied.kind} ${ns}${applied.metadata?.name}`;
  if (!live) return `${what} is missing`;
  const gen = Number(live.metadata?.generation ?? 0);
  const st = (live.status ?? {}) as Record<string, unknown>;
  const num = (k: string): number => (typeof st[k] === 'number' ? (st[k] as number) : 0);
  const observed = num('observedGeneration');
  switch (applied.kind) {
    case 'Deployment': {
      const want = typeof live.spec?.replicas === 'number' ? live.spec.replicas : 1;
      if (observed < gen) return `${what}: generation ${gen} not observed yet`;
      if (num('updatedReplicas') < want) return `${what}: ${num('updatedReplicas')}/${want} replicas updated`;
      if (num('availableReplicas') < want) return `${what}: ${num('availableReplicas')}/${want} replicas available`;
      if (num('replicas') > want) return `${what}: old replicas still terminating`;
      return undefined;
    }
    case 'DaemonSet': {
      const want = num('desiredNumberScheduled');
      if (observed < gen) return `${what}: generation ${gen} not observed yet`;
      if (num('updatedNumberScheduled') < want) return `${what}: ${num('updatedNumberScheduled')}/${want} pods updated`;
      if (num('numberAvailable') < want) return `${what}: ${num('numberAvailable')}/${want} pods available`;
      return undefined;
    }
    case 'CustomResourceDefinition': {
      const conds = Array.isArray(st.conditions) ? (st.conditions as Array<Record<string, unknown>>) : [];
      return conds.some((c) => c.type === 'Established' && c.status === 'True') ? undefined : `${what} not Established`;
    }
    default:
      return undefined;
  }
}

/** Kinds whose health is checked after an apply. */
export const HEALTH_KINDS = new Set(['Deployment', 'DaemonSet', 'CustomResourceDefinition']);
