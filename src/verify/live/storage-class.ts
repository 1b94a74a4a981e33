import { randomBytes } from 'crypto';
import { Finding } from '../../k8s-versions/policy';
import { ClusterClient, KObject, KubeError } from '../../kube/types';
import { BETA_DEFAULT_CLASS_ANNOTATION, DEFAULT_CLASS_ANNOTATION, classifyProvisioner, isDefaultClass } from '../provisioners';
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
}

export const DEFAULT_PROBE_IMAGE = 'registry.k8s.io/pause:3.10';

/**
 * scs-0211 on a live cluster: exactly one default StorageClass with a network-backed provisioner, then a probe
 * that proves it: a PVC with no storageClassName (so the DefaultStorageClass admission picks the default),
 * ReadWriteOnce, 1Gi, mounted by a pod; watched until Bound and Running; the bound PV checked (RWO, claimRef, not
 * local/hostPath, not pinned to a node). The probe namespace is always deleted, also on error, timeout or signal.
 */
export async function checkDefaultStorageClass(client: ClusterClient, opts: ProbeOptions): Promise<CheckResult> {
  const started = Date.now();
  const findings: Finding[] = [];
  const done = () => resultOf('scs-0211', 'default-storage-class-check', findings, started);
  const classes = await client.list('storage.k8s.io/v1', 'StorageClass');
  const defaults = classes.filter(isDefaultClass);
  if (defaults.length === 0) {
    findings.push({ severity: 'error', code: 'no-default', message: `no default StorageClass among ${classes.length} (${classes.map((c) => c.metadata!.name).join(', ') || 'none'}); annotate exactly one with ${DEFAULT_CLASS_ANNOTATION}: "true"` });
    return done();
  }
  if (defaults.length > 1) {
    findings.push({ severity: 'error', code: 'multiple-defaults', message: `${defaults.length} default StorageClasses (${defaults.map((c) => c.metadata!.name).join(', ')}); exactly one must be default`, evidence: { defaults: defaults.map((c) => c.metadata!.name) } });
    return done();
  }
  const sc = defaults[0];
  const name = sc.metadata!.name!;
  const provisioner = String(sc.provisioner);
  const kind = classifyProvisioner(provisioner);
  const evidence = { storageClass: name, provisioner, reclaimPolicy: sc.reclaimPolicy ?? 'Delete', volumeBindingMode: sc.volumeBindingMode ?? 'Immediate', allowVolumeExpansion: !!sc.allowVolumeExpansion };
  if (sc.metadata?.annotations?.[BETA_DEFAULT_CLASS_ANNOTATION] === 'true' && sc.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] !== 'true') {
    findings.push({ severity: 'warning', code: 'beta-annotation', message: `StorageClass ${name} is default only through the deprecated ${BETA_DEFAULT_CLASS_ANNOTATION}; use ${DEFAULT_CLASS_ANNOTATION}` });
  }
  if (kind === 'node-local') {
    findings.push({ severity: 'error', code: 'node-local-provisioner', message: `default StorageClass ${name} uses ${provisioner}, which provisions node-local storage; volumes must survive the loss of a node`, evidence });
    return done();
  }
  if (kind === 'unknown') findings.push({ severity: 'warning', code: 'unknown-provisioner', message: `default StorageClass ${name} uses ${provisioner}, which cskit does not know as network-backed; the probe below checks what it can`, evidence });
  else findings.push({ severity: 'info', code: 'default-class', message: `default StorageClass ${name} (${provisioner}, network-backed; reclaimPolicy ${evidence.reclaimPolicy}, volumeBindingMode ${evidence.volumeBindingMode}, volume expansion ${evidence.allowVolumeExpansion ? 'allowed' : 'not allowed'})`, evidence });
  findings.push(...await probe(client, name, opts));
  return done();
}

async function probe(client: ClusterClient, scName: string, opts: ProbeOptions): Promise<Finding[]> {
  const log = opts.log ?? (() => undefined);
  const ns = `${opts.namespacePrefix}-${randomBytes(3).toString('hex')}`;
  const deadline = Date.now() + opts.timeoutMs;
  const left = () => Math.max(1000, deadline - Date.now());
  let cleaned: Promise<void> | undefined;
  const cleanup = () => (cleaned ??= deleteProbe(client, ns).then(() => log(`deleted probe namespace ${ns}`)));
  const unregister = opts.onInterrupt?.(cleanup);
  const findings: Finding[] = [];
  try {
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { [PROBE_LABEL]: PROBE_LABEL_VALUE, 'app.kubernetes.io/managed-by': 'cskit' } } });
    log(`created probe namespace ${ns}`);
    // Pods need the namespace's default ServiceAccount, which a controller creates moments later.
    await client.watchUntil('v1', 'ServiceAccount', { namespace: ns, name: 'default', timeoutMs: left() }, () => true);
    await client.create({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: { name: 'cskit-probe', namespace: ns },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    await client.create({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'cskit-probe', namespace: ns },
      spec: {
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        // The probe holds no state: a short grace period lets its namespace go away in seconds, not half a minute.
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'probe', image: opts.image, volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'cskit-probe' } }],
      },
    });
    const pvc = await client.watchUntil('v1', 'PersistentVolumeClaim', { namespace: ns, name: 'cskit-probe', timeoutMs: left() },
      (_t, o) => (o.status?.phase === 'Bound' ? o : undefined)).catch(async (e) => { throw await explain(client, ns, 'PersistentVolumeClaim', 'cskit-probe', 'Bound', e); });
    log(`PVC ${ns}/cskit-probe bound to ${pvc.spec.volumeName}`);
    if (pvc.spec.storageClassName !== scName) {
      findings.push({ severity: 'error', code: 'not-default-class', message: `the probe PVC without storageClassName got class ${pvc.spec.storageClassName ?? 'none'}, not the default ${scName}` });
    }
    await client.watchUntil('v1', 'Pod', { namespace: ns, name: 'cskit-probe', timeoutMs: left() }, (_t, o) => {
      if (o.status?.phase === 'Failed') throw new KubeError('invalid', `probe pod failed: ${o.status?.message ?? o.status?.reason ?? 'no reason given'}`);
      return ['Running', 'Succeeded'].includes(o.status?.phase) ? o : undefined;
    }).catch(async (e) => { throw await explain(client, ns, 'Pod', 'cskit-probe', 'Running', e); });
    log(`pod ${ns}/cskit-probe running with the volume mounted`);
    findings.push(...checkVolume(await client.get('v1', 'PersistentVolume', pvc.spec.volumeName), pvc));
  } catch (e) {
    if (e instanceof KubeError && (e.kind === 'forbidden' || e.kind === 'unauthorized' || e.kind === 'unreachable' || e.kind === 'config')) throw e;
    findings.push({ severity: 'error', code: 'probe-failed', message: `probe with the default StorageClass ${scName} failed: ${(e as Error).message}` });
  } finally {
    await cleanup().catch((e) => findings.push({ severity: 'warning', code: 'cleanup', message: `could not delete probe namespace ${ns}: ${(e as Error).message}; run \`cskit verify cluster --cleanup\`` }));
    unregister?.();
  }
  return findings;
}

/** What the bound PV says about the default class: RWO, bound to our claim, not node-local, not node-pinned. */
export function checkVolume(pv: KObject | undefined, pvc: KObject): Finding[] {
  if (!pv) return [{ severity: 'error', code: 'pv-missing', message: `PersistentVolume ${pvc.spec.volumeName} bound to the probe PVC cannot be read` }];
  const out: Finding[] = [];
  const name = pv.metadata!.name;
  const evidence = { persistentVolume: name, accessModes: pv.spec.accessModes, source: Object.keys(pv.spec).find((k) => ['csi', 'local', 'hostPath', 'nfs', 'cinder', 'rbd', 'awsElasticBlockStore', 'gcePersistentDisk', 'azureDisk'].includes(k)) };
  if (!(pv.spec.accessModes ?? []).includes('ReadWriteOnce')) out.push({ severity: 'error', code: 'no-rwo', message: `PV ${name} does not support ReadWriteOnce (${(pv.spec.accessModes ?? []).join(', ')})`, evidence });
  const ref = pv.spec.claimRef ?? {};
  if (ref.name !== pvc.metadata!.name || ref.namespace !== pvc.metadata!.namespace || (ref.uid && ref.uid !== pvc.metadata!.uid)) {
    out.push({ severity: 'error', code: 'claim-mismatch', message: `PV ${name} claimRef ${ref.namespace}/${ref.name} does not match the probe PVC`, evidence });
  }
  if (pv.spec.local || pv.spec.hostPath) out.push({ severity: 'error', code: 'node-local-volume', message: `PV ${name} is a ${pv.spec.local ? 'local' : 'hostPath'} volume: it lives and dies with one node`, evidence });
  if (pv.spec.nodeAffinity?.required) out.push({ severity: 'warning', code: 'node-bound', message: `PV ${name} has a node affinity (${JSON.stringify(pv.spec.nodeAffinity.required.nodeSelectorTerms)}): its data is tied to part of the cluster`, evidence });
  if (out.every((f) => f.severity !== 'error')) out.push({ severity: 'info', code: 'probe-passed', message: `probe PVC bound to PV ${name} (ReadWriteOnce, ${evidence.source ?? 'unknown'} volume) and mounted by a running pod`, evidence });
  return out;
}

/** A timeout, with the object's phase and its latest events, so the user sees why it did not get there. */
async function explain(client: ClusterClient, ns: string, kind: string, name: string, wanted: string, e: unknown): Promise<Error> {
  if (!(e instanceof KubeError) || e.kind !== 'timeout') return e as Error;
  const obj = await client.get('v1', kind, name, ns).catch(() => undefined);
  const events = await client.list('v1', 'Event', { namespace: ns }).catch(() => [] as KObject[]);
  const mine = events.filter((ev: any) => ev.involvedObject?.name === name && ev.involvedObject?.kind === kind)
    .sort((a, b) => String(a.lastTimestamp ?? a.eventTime ?? '').localeCompare(String(b.lastTimestamp ?? b.eventTime ?? '')))
    .slice(-3).map((ev) => `${ev.reason}: ${ev.message}`);
  return new Error(`${kind} ${ns}/${name} not ${wanted}: ${e.message} (phase ${obj?.status?.phase ?? 'unknown'}${mine.length ? `; events: ${mine.join(' | ')}` : '; no events'})`);
}

/**
 * Deletes the probe's pod (no grace: it holds nothing) and claim before the namespace, so the namespace
 * controller finds it empty: seconds instead of its backoff over still-terminating content.
 */
async function deleteProbe(client: ClusterClient, ns: string): Promise<void> {
  const gone = (kind: string) => client.get('v1', kind, 'cskit-probe', ns).then((o) => !o);
  await client.delete('v1', 'Pod', 'cskit-probe', ns, { gracePeriodSeconds: 0 }).catch(() => undefined);
  await client.delete('v1', 'PersistentVolumeClaim', 'cskit-probe', ns).catch(() => undefined);
  for (let i = 0; i < 100 && !((await gone('Pod')) && (await gone('PersistentVolumeClaim'))); i++) await new Promise((r) => setTimeout(r, 100));
  await deleteNamespace(client, ns, 120_000);
}

export async function deleteNamespace(client: ClusterClient, ns: string, timeoutMs: number): Promise<void> {
  await client.delete('v1', 'Namespace', ns);
  if (!(await client.get('v1', 'Namespace', ns))) return;
  try {
    await client.watchUntil('v1', 'Namespace', { name: ns, timeoutMs }, (t) => (t === 'DELETED' ? true : undefined));
  } catch (e) {
    throw new Error(`${(e as Error).message}${await stuckBecause(client, ns)}`);
  }
}

/** Why the namespace controller cannot finish, from the Namespace's conditions (e.g. a dead aggregated API). */
async function stuckBecause(client: ClusterClient, ns: string): Promise<string> {
  const live = await client.get('v1', 'Namespace', ns).catch(() => undefined);
  const conditions = (live?.status?.conditions ?? []) as { type: string; status: string; message?: string }[];
  const why = conditions.filter((c) => c.status === 'True' && c.message).map((c) => `${c.type}: ${c.message}`);
  return why.length ? ` (${why.join('; ')})` : '';
}

/** Deletes probe namespaces left by interrupted runs (found by label); returns their names. */
export async function cleanupProbes(client: ClusterClient, timeoutMs = 120_000): Promise<string[]> {
  const left = await client.list('v1', 'Namespace', { labelSelector: `${PROBE_LABEL}=${PROBE_LABEL_VALUE}` });
  const names = left.map((n) => n.metadata!.name!);
  await Promise.all(names.map((n) => deleteNamespace(client, n, timeoutMs)));
  return names;
}
