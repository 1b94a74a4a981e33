/**
 * scs-0211 on a live cluster: exactly one default StorageClass with a network-backed provisioner, then a probe
 * that proves it: a PVC with no storageClassName (so the DefaultStorageClass admission picks the default),
 * ReadWriteOnce, 1Gi, mounted by a pod; watched until Bound and Running; the bound PV checked (RWO, claimRef, not
 * local/hostPath, not pinned to a node). The probe namespace is always deleted, also on error, timeout or signal.
 */

import { randomBytes } from 'crypto';
import { Finding } from '../../k8s-versions/policy';
import { ClusterClient, KObject, KubeError, TimeoutError } from '../../kube/types';
import {
  BETA_DEFAULT_CLASS_ANNOTATION,
  DEFAULT_CLASS_ANNOTATION,
  classifyProvisioner,
  isDefaultClass,
} from '../provisioners';
import { DEFAULT_VERSIONS, StandardVersions, propertySeverity } from '../standards';
import { CheckResult, resultOf } from './result';

export const PROBE_LABEL = 'cskit.io/probe';
export const PROBE_LABEL_VALUE = 'scs-0211';

export interface ProbeOptions {
  /** Probe namespaces are `<prefix>-<random>`. @default 'cskit-probe' */
  readonly namespacePrefix: string;
  /** Image of the probe pod. */
  readonly image: string;
  /** For the whole probe (PVC bound, pod running). */
  readonly timeoutMs: number;
  /** Registers a cleanup to run on SIGINT/SIGTERM; returns the function that unregisters it. */
  readonly onInterrupt?: (cleanup: () => Promise<void>) => () => void;
  readonly log?: (line: string) => void;
  /** The version of scs-0211 to judge by (default: v1, the stable one). */
  readonly standards?: StandardVersions;
}

export const DEFAULT_PROBE_IMAGE = 'registry.k8s.io/pause:3.10';

/** scs-0211 for the cluster behind `client`: the default StorageClass's fields, then the probe. */
export async function checkDefaultStorageClass(client: ClusterClient, opts: ProbeOptions): Promise<CheckResult> {
  const started = Date.now();
  const findings: Finding[] = [];
  // Earlier probe namespaces still Terminating mean namespace deletion is stalled here: worth saying every run.
  const [classes, stuck] = await Promise.all([
    client.list('storage.k8s.io/v1', 'StorageClass'),
    stuckProbes(client).catch(() => [] as Finding[]),
  ]);
  const versions = opts.standards ?? DEFAULT_VERSIONS;
  const required = propertySeverity(versions); // v1 requires the properties, the v2 draft recommends them
  const done = () => resultOf('scs-0211', versions, [...findings, ...stuck], started);
  const defaults = classes.filter(isDefaultClass);
  if (defaults.length === 0) {
    findings.push({
      severity: 'error',
      code: 'no-default',
      message:
        `no default StorageClass among ${classes.length} ` +
        `(${classes.map((c) => c.metadata!.name).join(', ') || 'none'}); annotate exactly one with ` +
        `${DEFAULT_CLASS_ANNOTATION}: "true"`,
    });
    return done();
  }
  if (defaults.length > 1) {
    findings.push({
      severity: 'error',
      code: 'multiple-defaults',
      message:
        `${defaults.length} default StorageClasses (${defaults.map((c) => c.metadata!.name).join(', ')}); ` +
        `exactly one must be default`,
      evidence: { defaults: defaults.map((c) => c.metadata!.name) },
    });
    return done();
  }
  const sc = defaults[0];
  const name = sc.metadata!.name!;
  const provisioner = String(sc.provisioner);
  const kind = classifyProvisioner(provisioner);
  const evidence = {
    storageClass: name,
    provisioner,
    reclaimPolicy: sc.reclaimPolicy ?? 'Delete',
    volumeBindingMode: sc.volumeBindingMode ?? 'Immediate',
    allowVolumeExpansion: !!sc.allowVolumeExpansion,
  };
  if (
    sc.metadata?.annotations?.[BETA_DEFAULT_CLASS_ANNOTATION] === 'true' &&
    sc.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] !== 'true'
  ) {
    findings.push({
      severity: 'warning',
      code: 'beta-annotation',
      message:
        `StorageClass ${name} is default only through the deprecated ${BETA_DEFAULT_CLASS_ANNOTATION}; ` +
        `use ${DEFAULT_CLASS_ANNOTATION}`,
    });
  }
  if (kind === 'node-local' && required === 'error') {
    findings.push({
      severity: 'error',
      code: 'node-local-provisioner',
      message:
        `default StorageClass ${name} uses ${provisioner}, which provisions node-local storage; volumes ` +
        `must survive the loss of a node`,
      evidence,
    });
    return done();
  }
  if (kind === 'node-local')
    findings.push({
      severity: 'warning',
      code: 'node-local-provisioner',
      message:
        `default StorageClass ${name} uses ${provisioner}, which provisions node-local storage; ` +
        `scs-0211 ${versions['scs-0211']} recommends volumes that survive the loss of a node`,
      evidence,
    });
  else if (kind === 'unknown')
    findings.push({
      severity: 'warning',
      code: 'unknown-provisioner',
      message:
        `default StorageClass ${name} uses ${provisioner}, which cskit does not know as network-backed; ` +
        `the probe below checks what it can`,
      evidence,
    });
  else
    findings.push({
      severity: 'info',
      code: 'default-class',
      message:
        `default StorageClass ${name} (${provisioner}, network-backed; reclaimPolicy ` +
        `${evidence.reclaimPolicy}, volumeBindingMode ${evidence.volumeBindingMode}, volume expansion ` +
        `${evidence.allowVolumeExpansion ? 'allowed' : 'not allowed'})`,
      evidence,
    });
  findings.push(...(await probe(client, sc, opts)));
  return done();
}

async function probe(client: ClusterClient, sc: KObject, opts: ProbeOptions): Promise<Finding[]> {
  const scName = sc.metadata!.name!;
  const log = opts.log ?? (() => undefined);
  const ns = `${opts.namespacePrefix}-${randomBytes(3).toString('hex')}`;
  const deadline = Date.now() + opts.timeoutMs;
  const left = () => Math.max(1000, deadline - Date.now());
  const findings: Finding[] = [];
  let volume: string | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= removeProbe(client, ns, volume, String(sc.reclaimPolicy ?? 'Delete')).then((f) => {
      findings.push(...f);
      const lingering = f.some((x) => x.code === 'probe-not-deleted' || x.code === 'volume-not-deleted');
      const outcome = lingering
        ? 'not everything in it is gone yet: see the warnings'
        : `pod, claim${volume ? ' and volume' : ''} gone; the namespace controller removes the empty namespace`;
      log(`deleted probe namespace ${ns} (${outcome})`);
    }));
  const unregister = opts.onInterrupt?.(cleanup);
  try {
    await client.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { [PROBE_LABEL]: PROBE_LABEL_VALUE, 'app.kubernetes.io/managed-by': 'cskit' } },
    });
    log(`created probe namespace ${ns}`);
    await client.create({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'cskit-probe', namespace: ns },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    await createPod(
      client,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'cskit-probe', namespace: ns },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          // The probe holds no state: a short grace period lets it go in seconds, not half a minute.
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'probe', image: opts.image, volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'cskit-probe' } }],
        },
      },
      left,
    );
    const pvc = await client
      .watchUntil('v1', 'PersistentVolumeClaim', { namespace: ns, name: 'cskit-probe', timeoutMs: left() }, (_t, o) =>
        o.status?.phase === 'Bound' ? o : undefined,
      )
      .catch(async (e) => {
        throw await explain(client, ns, 'PersistentVolumeClaim', 'cskit-probe', 'Bound', e);
      });
    volume = pvc.spec.volumeName;
    log(`PVC ${ns}/cskit-probe bound to ${pvc.spec.volumeName}`);
    if (pvc.spec.storageClassName !== scName) {
      findings.push({
        severity: 'error',
        code: 'not-default-class',
        message:
          `the probe PVC without storageClassName got class ${pvc.spec.storageClassName ?? 'none'}, not ` +
          `the default ${scName}`,
      });
    }
    await client
      .watchUntil('v1', 'Pod', { namespace: ns, name: 'cskit-probe', timeoutMs: left() }, (_t, o) => {
        if (o.status?.phase === 'Failed')
          throw new KubeError(
            'invalid',
            `probe pod failed: ${o.status?.message ?? o.status?.reason ?? 'no reason given'}`,
          );
        return ['Running', 'Succeeded'].includes(o.status?.phase) ? o : undefined;
      })
      .catch(async (e) => {
        throw await explain(client, ns, 'Pod', 'cskit-probe', 'Running', e);
      });
    log(`pod ${ns}/cskit-probe running with the volume mounted`);
    findings.push(...checkVolume(await client.get('v1', 'PersistentVolume', pvc.spec.volumeName), pvc, opts.standards));
  } catch (e) {
    if (
      e instanceof KubeError &&
      (e.kind === 'forbidden' || e.kind === 'unauthorized' || e.kind === 'unreachable' || e.kind === 'config')
    )
      throw e;
    findings.push({
      severity: 'error',
      code: 'probe-failed',
      message: `probe with the default StorageClass ${scName} failed: ${(e as Error).message}`,
    });
  } finally {
    await cleanup().catch((e) =>
      findings.push({
        severity: 'warning',
        code: 'cleanup',
        message:
          `could not delete probe namespace ${ns}: ${(e as Error).message}; run \`cskit verify cluster ` +
          `--cleanup\``,
      }),
    );
    unregister?.();
  }
  return findings;
}

/**
 * Creates the probe pod without waiting for the namespace's default ServiceAccount first: the ServiceAccount
 * admission plugin looks it up even with automountServiceAccountToken false, but it retries the default account
 * itself for about a second, and the controller creates it within milliseconds of the namespace. Only if the
 * admission gives up ("error looking up service account") do we wait for the account and try once more.
 */
async function createPod(client: ClusterClient, pod: KObject, left: () => number): Promise<void> {
  try {
    await client.create(pod);
  } catch (e) {
    if (!(e instanceof KubeError && e.kind === 'forbidden' && /error looking up service account/.test(e.message)))
      throw e;
    await client.watchUntil(
      'v1',
      'ServiceAccount',
      { namespace: pod.metadata!.namespace, name: 'default', timeoutMs: left() },
      () => true,
    );
    await client.create(pod);
  }
}

/** Node labels that name one node: an affinity on them pins a volume to that node's lifecycle. */
const NODE_KEYS = new Set(['kubernetes.io/hostname']);
/** Topology keys of a zone (or region): a volume there survives the loss of any one node. */
const ZONE_KEYS = new Set([
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'topology.cinder.csi.openstack.org/zone',
]);

interface SelectorTerm {
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
  matchFields?: Array<{ key: string; operator: string; values?: string[] }>;
}

/**
 * How a PV's required node affinity binds it: `node` when every term (they are ORed) restricts it to named nodes
 * (kubernetes.io/hostname or the node's metadata.name, operator In), `zone` when the terms only use zone/region keys,
 * `other` for keys we cannot place (reported, not judged), undefined without an affinity.
 */
export function affinityScope(pv: KObject): 'node' | 'zone' | 'other' | undefined {
  const terms: SelectorTerm[] | undefined = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  if (!pv.spec?.nodeAffinity?.required) return undefined;
  const pins = (t: SelectorTerm) =>
    (t.matchExpressions ?? []).some((e) => NODE_KEYS.has(e.key) && e.operator === 'In') ||
    (t.matchFields ?? []).some((e) => e.key === 'metadata.name' && e.operator === 'In');
  if (terms?.length && terms.every(pins)) return 'node';
  const keys = (terms ?? []).flatMap((t) =>
    [...(t.matchExpressions ?? []), ...(t.matchFields ?? [])].map((e) => e.key),
  );
  return keys.length && keys.every((k) => ZONE_KEYS.has(k)) ? 'zone' : 'other';
}

/** What the bound PV says about the default class: RWO, bound to our claim, not node-local, not node-pinned. */
export function checkVolume(
  pv: KObject | undefined,
  pvc: KObject,
  versions: StandardVersions = DEFAULT_VERSIONS,
): Finding[] {
  const required = propertySeverity(versions);
  if (!pv)
    return [
      {
        severity: 'error',
        code: 'pv-missing',
        message: `PersistentVolume ${pvc.spec.volumeName} bound to the probe PVC cannot be read`,
      },
    ];
  const out: Finding[] = [];
  const name = pv.metadata!.name;
  const evidence = {
    persistentVolume: name,
    accessModes: pv.spec.accessModes,
    source: Object.keys(pv.spec).find((k) =>
      [
        'csi',
        'local',
        'hostPath',
        'nfs',
        'cinder',
        'rbd',
        'awsElasticBlockStore',
        'gcePersistentDisk',
        'azureDisk',
      ].includes(k),
    ),
  };
  if (!(pv.spec.accessModes ?? []).includes('ReadWriteOnce'))
    out.push({
      severity: required,
      code: 'no-rwo',
      message: `PV ${name} does not support ReadWriteOnce (${(pv.spec.accessModes ?? []).join(', ')})`,
      evidence,
    });
  const ref = pv.spec.claimRef ?? {};
  if (
    ref.name !== pvc.metadata!.name ||
    ref.namespace !== pvc.metadata!.namespace ||
    (ref.uid && ref.uid !== pvc.metadata!.uid)
  ) {
    out.push({
      severity: 'error',
      code: 'claim-mismatch',
      message: `PV ${name} claimRef ${ref.namespace}/${ref.name} does not match the probe PVC`,
      evidence,
    });
  }
  if (pv.spec.local || pv.spec.hostPath)
    out.push({
      severity: required,
      code: 'node-local-volume',
      message: `PV ${name} is a ${pv.spec.local ? 'local' : 'hostPath'} volume: it lives and dies with one node`,
      evidence,
    });
  const scope = affinityScope(pv);
  const terms = JSON.stringify(pv.spec.nodeAffinity?.required?.nodeSelectorTerms);
  if (scope === 'node')
    out.push({
      severity: required,
      code: 'node-bound',
      message:
        `PV ${name} is pinned to one node (${terms}): its data lives and dies with that node, which ` +
        `scs-0211 ${versions['scs-0211']} ${required === 'error' ? 'forbids' : 'recommends against'}`,
      evidence,
    });
  else if (scope === 'other')
    out.push({
      severity: 'warning',
      code: 'node-affinity',
      message:
        `PV ${name} has a node affinity on keys cskit cannot place (${terms}): ` +
        'check that its data survives the loss of a node',
      evidence,
    });
  else if (scope === 'zone')
    out.push({
      severity: 'info',
      code: 'zone-bound',
      message: `PV ${name} is bound to a zone (${terms}); it survives the loss of any one node`,
      evidence,
    });
  if (out.every((f) => f.severity !== 'error'))
    out.push({
      severity: 'info',
      code: 'probe-passed',
      message:
        `probe PVC bound to PV ${name} (ReadWriteOnce, ${evidence.source ?? 'unknown'} volume) and ` +
        `mounted by a running pod`,
      evidence,
    });
  return out;
}

/** A timeout, with the object's phase and its latest events, so the user sees why it did not get there. */
async function explain(
  client: ClusterClient,
  ns: string,
  kind: string,
  name: string,
  wanted: string,
  e: unknown,
): Promise<Error> {
  if (!(e instanceof KubeError) || e.kind !== 'timeout') return e as Error;
  const [obj, events] = await Promise.all([
    client.get('v1', kind, name, ns).catch(() => undefined),
    client.list('v1', 'Event', { namespace: ns }).catch(() => [] as KObject[]),
  ]);
  const mine = events
    .filter((ev) => {
      const about = ev.involvedObject as { name?: unknown; kind?: unknown } | undefined;
      return about?.name === name && about?.kind === kind;
    })
    .sort((a, b) =>
      String(a.lastTimestamp ?? a.eventTime ?? '').localeCompare(String(b.lastTimestamp ?? b.eventTime ?? '')),
    )
    .slice(-3)
    .map((ev) => `${ev.reason}: ${ev.message}`);
  return new Error(
    `${kind} ${ns}/${name} not ${wanted}: ${e.message} (phase ` +
      `${obj?.status?.phase ?? 'unknown'}${mine.length ? `; events: ${mine.join(' | ')}` : '; no events'})`,
  );
}

/** How long cleanup may wait for the probe's pod, claim and volume to go, after the probe's own timeout. */
export const CLEANUP_TIMEOUT_MS = 60_000;

/**
 * Removes the probe: pod (no grace: it holds nothing), claim and namespace are deleted at once, then we wait until
 * the pod and the claim are gone, and the bound volume too when the class deletes volumes (so no cloud volume is
 * left behind), with the namespace Terminating. We do NOT wait for the namespace object itself to disappear:
 * kube-controller-manager's namespace controller only looks at a deleted namespace after a fixed 5 s
 * (namespaceDeletionGracePeriod, a constant, not a flag), so waiting for it would add 5 s to every run on every
 * cluster while the namespace is already empty. What could still keep an empty namespace from going is reported
 * instead: an unavailable aggregated API (now), or probe namespaces Terminating for long (at the next run).
 */
async function removeProbe(
  client: ClusterClient,
  ns: string,
  volume: string | undefined,
  reclaimPolicy: string,
): Promise<Finding[]> {
  const timeoutMs = CLEANUP_TIMEOUT_MS;
  const findings: Finding[] = [];
  // The claim goes milliseconds after the pod, and the volume milliseconds after the claim: their watches are
  // running before anything is deleted, so each deletion is seen as it happens. The pod (grace period 0) is gone
  // when its delete returns.
  let stop = false;
  const watching = (kind: string, name: string, namespace?: string) => {
    let live!: () => void;
    const started = new Promise<void>((r) => {
      live = r;
    });
    const gone = waitGone(client, kind, name, namespace, timeoutMs, () => stop, live);
    return {
      gone,
      ready: Promise.race([
        started,
        gone.then(
          () => undefined,
          () => undefined,
        ),
      ]),
    };
  };
  const claim = watching('PersistentVolumeClaim', 'cskit-probe', ns);
  const vol = volume && reclaimPolicy === 'Delete' ? watching('PersistentVolume', volume) : undefined;
  const claimGone = claim.gone;
  const volumeGone = vol ? vol.gone.catch(() => false) : Promise.resolve(true);
  await Promise.all([claim.ready, vol?.ready]);
  let stalled: string[];
  try {
    [stalled] = await Promise.all([
      unavailableApis(client),
      client.delete('v1', 'Pod', 'cskit-probe', ns, { gracePeriodSeconds: 0 }),
      client.delete('v1', 'PersistentVolumeClaim', 'cskit-probe', ns),
      client.delete('v1', 'Namespace', ns),
    ]);
    const [podGone, claimWentAway] = await Promise.all([
      waitGone(client, 'Pod', 'cskit-probe', ns, timeoutMs),
      claimGone,
    ]);
    const left = [podGone ? '' : 'pod', claimWentAway ? '' : 'claim'].filter(Boolean);
    if (left.length) {
      findings.push({
        severity: 'warning',
        code: 'probe-not-deleted',
        message:
          `the probe's ${left.join(' and ')} in ${ns} ${left.length > 1 ? 'are' : 'is'} still there ` +
          `${timeoutMs / 1000} s after being deleted; check their finalizers and events, then \`cskit verify ` +
          `cluster --cleanup\``,
        evidence: { namespace: ns, left },
      });
    }
  } catch (e) {
    // Nothing may outlive the cleanup: end the watches (within a slice) before reporting the failure.
    stop = true;
    await Promise.allSettled([claimGone, volumeGone]);
    throw e;
  }
  if (volume && reclaimPolicy === 'Delete') {
    if (!(await volumeGone)) {
      findings.push({
        severity: 'warning',
        code: 'volume-not-deleted',
        message:
          `PV ${volume} of the deleted probe claim is still there after ${timeoutMs / 1000} s although ` +
          `its class deletes volumes; check the provisioner (CSI driver) logs`,
      });
    }
  } else if (volume) {
    findings.push({
      severity: 'warning',
      code: 'volume-retained',
      message:
        `PV ${volume} of the probe stays (Released) because the default class has reclaimPolicy ` +
        `${reclaimPolicy}; delete it and its backing volume by hand`,
    });
  }
  if (stalled.length) {
    findings.push({
      severity: 'warning',
      code: 'namespace-deletion-stalls',
      message:
        `probe namespace ${ns} cannot finish terminating while ${stalled.join(', ')} ` +
        `${stalled.length > 1 ? 'are' : 'is'} unavailable: the namespace controller needs every API to be ` +
        `discoverable; fix or delete ${stalled.length > 1 ? 'those APIServices' : 'that APIService'}, then ` +
        `\`cskit verify cluster --cleanup\``,
      evidence: { namespace: ns, apiServices: stalled },
    });
  }
  return findings;
}

/**
 * Resolves true once the object is gone, false at the timeout or when `stop` says so (checked between slices);
 * `live` is called once a watch has shown the object, from when on its deletion cannot be missed. As a watch
 * starts without a resourceVersion, an object deleted between our read and the watch's start sends no event, so
 * the object is read again after each one-second watch slice.
 */
async function waitGone(
  client: ClusterClient,
  kind: string,
  name: string,
  ns: string | undefined,
  timeoutMs: number,
  stop = () => false,
  live = () => undefined as void,
): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && !stop()) {
    if (!(await client.get('v1', kind, name, ns))) return true;
    try {
      return await client.watchUntil(
        'v1',
        kind,
        { namespace: ns, name, timeoutMs: Math.max(1, Math.min(1000, until - Date.now())) },
        (t) => {
          if (t === 'DELETED') return true;
          live();
          return undefined;
        },
      );
    } catch (e) {
      if (!(e instanceof KubeError && e.kind === 'timeout')) throw e;
    }
  }
  return !(await client.get('v1', kind, name, ns));
}

/**
 * APIServices that are not Available: while one is, API discovery is incomplete and the namespace controller
 * leaves every deleted namespace Terminating (NamespaceDeletionDiscoveryFailure). Best effort: without permission
 * to list APIServices this says nothing.
 */
async function unavailableApis(client: ClusterClient): Promise<string[]> {
  const services = await client.list('apiregistration.k8s.io/v1', 'APIService').catch(() => [] as KObject[]);
  return services
    .filter((a) =>
      (a.status?.conditions ?? []).some(
        (c: { type: string; status: string }) => c.type === 'Available' && c.status !== 'True',
      ),
    )
    .map((a) => a.metadata!.name!);
}

/** How long a probe namespace may be Terminating before a later run reports it as stuck. */
export const STUCK_AFTER_MS = 60_000;

/** Probe namespaces of earlier runs that have been Terminating for long, each with the namespace's own reasons. */
export async function stuckProbes(client: ClusterClient, now = Date.now()): Promise<Finding[]> {
  const ours = await client.list('v1', 'Namespace', { labelSelector: `${PROBE_LABEL}=${PROBE_LABEL_VALUE}` });
  return ours
    .filter((n) => n.metadata?.deletionTimestamp && now - Date.parse(n.metadata.deletionTimestamp) > STUCK_AFTER_MS)
    .map((n) => ({
      severity: 'warning' as const,
      code: 'stuck-probe-namespace',
      message:
        `probe namespace ${n.metadata!.name} of an earlier run has been Terminating since ` +
        `${n.metadata!.deletionTimestamp}${reasons(n)}; namespace deletion is stalled on this cluster: fix the ` +
        `cause, then \`cskit verify cluster --cleanup\``,
      evidence: { namespace: n.metadata!.name, conditions: n.status?.conditions ?? [] },
    }));
}

const reasons = (ns: KObject | undefined) => {
  const conditions = (ns?.status?.conditions ?? []) as { type: string; status: string; message?: string }[];
  const why = conditions.filter((c) => c.status === 'True' && c.message).map((c) => `${c.type}: ${c.message}`);
  return why.length ? ` (${why.join('; ')})` : '';
};

export async function deleteNamespace(client: ClusterClient, ns: string, timeoutMs: number): Promise<void> {
  // A namespace already Terminating answers a delete with 409 ("the system is ensuring all content is removed"): fine.
  await client.delete('v1', 'Namespace', ns).catch((e) => {
    if (!(e instanceof KubeError && e.kind === 'conflict')) throw e;
  });
  if (!(await client.get('v1', 'Namespace', ns))) return;
  try {
    await client.watchUntil('v1', 'Namespace', { name: ns, timeoutMs }, (t) => (t === 'DELETED' ? true : undefined));
  } catch (e) {
    if (!(e instanceof KubeError && e.kind === 'timeout')) throw e;
    // Gone between our read and the watch's start (no event then): not a failure.
    const still = await client.get('v1', 'Namespace', ns);
    if (!still) return;
    // Why the namespace controller cannot finish, from the Namespace's conditions (e.g. a dead aggregated API).
    throw new TimeoutError(
      `${e.message}${reasons(still)}; fix the cause, then run \`cskit verify cluster --cleanup\` again`,
    );
  }
}

/**
 * Deletes probe namespaces left by interrupted runs (found by label) and waits until every probe namespace is gone,
 * also those already Terminating (a finished probe's, for a few seconds); returns the names it deleted.
 */
export async function cleanupProbes(client: ClusterClient, timeoutMs = 120_000): Promise<string[]> {
  const left = await client.list('v1', 'Namespace', { labelSelector: `${PROBE_LABEL}=${PROBE_LABEL_VALUE}` });
  await Promise.all(left.map((n) => deleteNamespace(client, n.metadata!.name!, timeoutMs)));
  return left.filter((n) => !n.metadata?.deletionTimestamp).map((n) => n.metadata!.name!);
}
