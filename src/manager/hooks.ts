/**
 * Runtime SDK lifecycle hooks: discovery and one handler per hook. Handlers carry no state of their own: each one
 * loads the Cluster, its ClusterAddons status and the desired state (the same pure `computeDesired` the reconciler
 * uses) and answers Success when the persisted status shows the phase the hook waits for is done, else
 * `retryAfterSeconds` while the reconciler works. So a manager restarted in the middle of an upgrade answers exactly
 * as the one before it did (CSO#272: hook state in memory blocked upgrades forever after a restart).
 */
import { ClusterState } from './cluster-state';
import { AddonStatus, ClusterAddonsStatus } from './crd';
import { Desired, DesiredAddon } from './desired';
import { asPermissionError } from './permissions';
import { UpgradeStep } from './types';

export const HOOKS_API_VERSION = 'hooks.runtime.cluster.x-k8s.io/v1alpha1';
export const HOOKS = [
  'AfterControlPlaneInitialized',
  'BeforeClusterUpgrade',
  'AfterControlPlaneUpgrade',
  'AfterClusterUpgrade',
  'BeforeClusterDelete',
] as const;
export type Hook = (typeof HOOKS)[number];

/** CAPI caches a blocking answer until the retry time; short enough to follow the reconciler closely. */
export const RETRY_SECONDS = 5;
export const HOOK_TIMEOUT_SECONDS = 10;

export interface HookResponse {
  readonly apiVersion: string;
  readonly kind: string;
  readonly status: 'Success' | 'Failure';
  readonly message: string;
  readonly retryAfterSeconds?: number;
}

/** The persisted state of one Cluster, as the reconciler also reads it. */
export interface LoadedState {
  readonly cluster: ClusterState;
  readonly status?: ClusterAddonsStatus;
  readonly desired: Desired;
}

/**
 * Loads the state of a Cluster: undefined when the Cluster does not exist; `notManaged` when it exists but is not
 * the manager's (its class has no addon bundle, or it opted out), so its hooks must never be held.
 */
export interface StateSource {
  load(
    namespace: string,
    name: string,
  ): Promise<LoadedState | { readonly notManaged: string } | { readonly pausedBy: string } | undefined>;
}

/** The handler name of a hook, as discovery announces it and CAPI calls it (`<hook lower case>/<handler>`). */
export const handlerName = (hook: Hook): string => `cskit-${hook.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`;

export function discoveryResponse(): Record<string, unknown> {
  return {
    apiVersion: HOOKS_API_VERSION,
    kind: 'DiscoveryResponse',
    status: 'Success',
    handlers: HOOKS.map((hook) => ({
      name: handlerName(hook),
      requestHook: { apiVersion: HOOKS_API_VERSION, hook },
      timeoutSeconds: HOOK_TIMEOUT_SECONDS,
      // AfterControlPlaneInitialized only informs (the reconciler is level-based); the blocking hooks must not be
      // skipped when the manager is down, or addons and cloud resources would be left behind.
      failurePolicy: hook === 'AfterControlPlaneInitialized' ? 'Ignore' : 'Fail',
    })),
  };
}

const STEPS_DONE_BY: Partial<Record<Hook, readonly UpgradeStep[]>> = {
  BeforeClusterUpgrade: ['BeforeClusterUpgrade'],
  AfterControlPlaneUpgrade: ['BeforeClusterUpgrade', 'AfterControlPlaneUpgrade'],
  AfterClusterUpgrade: ['BeforeClusterUpgrade', 'AfterControlPlaneUpgrade', 'AfterClusterUpgrade'],
};

const respond = (hook: Hook, status: 'Success' | 'Failure', message: string, retry?: number): HookResponse => ({
  apiVersion: HOOKS_API_VERSION,
  kind: `${hook}Response`,
  status,
  message,
  ...(hook !== 'AfterControlPlaneInitialized' && retry !== undefined ? { retryAfterSeconds: retry } : {}),
});

/** Why an addon is not yet what the hook waits for, from its persisted status (for the answer's message). */
function whyNot(s: AddonStatus | undefined, d: DesiredAddon): string {
  if (!s || s.state === 'Pending') return 'not applied yet';
  if (s.contentHash !== d.hash && s.state !== 'Failed')
    return `not applied at ${d.addon.version} yet${s.version !== d.addon.version ? `, runs ${s.version}` : ''}`;
  if (s.state === 'Applied') return `not healthy yet${s.lastError ? `: ${s.lastError}` : ''}`;
  return s.lastError ? `${s.state}: ${s.lastError}` : s.state;
}

/** The answer to `hook` from persisted state alone (pure). */
export function decideHook(hook: Hook, state: LoadedState): HookResponse {
  const who = `Cluster ${state.cluster.namespace}/${state.cluster.name}`;
  if (hook === 'AfterControlPlaneInitialized') return respond(hook, 'Success', `${who}: addons are installed next`);
  if (hook === 'BeforeClusterDelete') {
    if (state.status?.cleanup?.state === 'Done') return respond(hook, 'Success', state.status.cleanup.message, 0);
    return respond(
      hook,
      'Success',
      `${who}: deleting LoadBalancer Services and provisioned volumes first`,
      RETRY_SECONDS,
    );
  }
  if (state.cluster.optedOut) return respond(hook, 'Success', `${who}: opted out of cskit addons`, 0);
  const steps = STEPS_DONE_BY[hook] ?? [];
  const byName = new Map((state.status?.addons ?? []).map((a) => [a.name, a]));
  const waiting: string[] = [];
  for (const d of state.desired.addons) {
    if (!steps.includes(d.addon.upgrade)) continue;
    if (d.renderError) return respond(hook, 'Failure', `${who}: addon ${d.addon.name}: ${d.renderError}`);
    if (state.cluster.paused.includes(d.addon.name) || state.cluster.paused.includes('*')) continue;
    const s = byName.get(d.addon.name);
    if (!s || s.contentHash !== d.hash || s.state !== 'Ready') waiting.push(`${d.addon.name} (${whyNot(s, d)})`);
  }
  if (waiting.length)
    return respond(hook, 'Success', `${who}: waiting for addons to be healthy: ${waiting.join(', ')}`, RETRY_SECONDS);
  return respond(hook, 'Success', `${who}: addons of ${steps.join(', ')} are healthy`, 0);
}

/** Parses a hook request and answers it; an unknown Cluster or a bad request is a Failure, never a throw. */
export async function answerHook(hook: Hook, request: unknown, source: StateSource): Promise<HookResponse> {
  const md = (request as { cluster?: { metadata?: { name?: unknown; namespace?: unknown } } } | null)?.cluster
    ?.metadata;
  if (typeof md?.name !== 'string' || typeof md.namespace !== 'string')
    return respond(hook, 'Failure', `${hook} request without cluster.metadata.name/namespace`);
  try {
    const state = await source.load(md.namespace, md.name);
    if (!state)
      return respond(hook, 'Failure', `Cluster ${md.namespace}/${md.name} not found in the management cluster`);
    if ('notManaged' in state)
      return respond(hook, 'Success', `Cluster ${md.namespace}/${md.name}: ${state.notManaged}`, 0);
    // Paused (e.g. by clusterctl move): no decision that changes anything; CAPI asks again.
    if ('pausedBy' in state)
      return respond(
        hook,
        'Success',
        `Cluster ${md.namespace}/${md.name} is paused (${state.pausedBy}): the manager leaves it alone until it is ` +
          'unpaused; asking again later',
        RETRY_SECONDS,
      );
    return decideHook(hook, state);
  } catch (e) {
    return respond(hook, 'Failure', `Cluster ${md.namespace}/${md.name}: ${(asPermissionError(e) as Error).message}`);
  }
}
