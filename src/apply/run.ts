import { ApiStatusError, ApplyClient, ResourceInfo } from '../kube/apply-types';
import { KObject, KubeError } from '../kube/types';
import {
  FIELD_MANAGER,
  GroupKind,
  PARENT_FIELD_MANAGER,
  ParentRef,
  applySetId,
  gkString,
  groupOf,
  parentObject,
  readParent,
  unionGks,
  versionOf,
} from './applyset';
import { CAPI_GROUP, classConditions, classReconciled, isClusterClass, templateRefs } from './capi';
import { maskSecrets, sameContent, sameSpec, toYaml, unifiedDiff } from './diff';
import { ApplyAbort, describeFailure } from './errors';
import { mapLimit } from '../util/limit';
import { Manifest } from './manifests';
import { LEVELS, Plan, PlannedObject, bundleKeysOf, buildPlan, crdResources, gvkKey, objectKey } from './plan';
import { candidate, selectPrune } from './prune';

/**
 * `cskit apply`, step by step, against the ApplyClient interface: resolve kinds (preflight), read the ApplySet,
 * refuse changed immutable classes, then (dry run) preview or (real run) record the superset in the parent, apply
 * level by level, prune, shrink the parent to what is left, and wait for classes to be reconciled.
 */
export type Action = 'created' | 'configured' | 'unchanged' | 'pruned' | 'kept' | 'failed' | 'skipped';

export interface ObjectResult {
  readonly key: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly action: Action;
  readonly source?: string;
  readonly message?: string;
  /** Unified diff live → result (with --diff). */
  readonly diff?: string;
}

export interface ClassStatus {
  readonly name: string;
  readonly namespace: string;
  readonly reconciled: boolean;
  readonly conditions: Array<{ type: string; status: string; reason?: string; message?: string }>;
}

export interface ApplyReport {
  readonly applySet: { name: string; namespace: string; id: string };
  readonly dryRun: boolean;
  readonly objects: ObjectResult[];
  readonly classes: ClassStatus[];
  readonly counts: Record<Action, number>;
  /** Objects created, configured or pruned (or that would be, in a dry run). */
  readonly changed: number;
  readonly ok: boolean;
  readonly warnings: string[];
}

export interface ApplyRunOptions {
  readonly namespace: string;
  /** Name of the ApplySet parent Secret (in `namespace`). */
  readonly applySet: string;
  /** `cskit/<version>`. */
  readonly tooling: string;
  /** --dry-run=server: nothing is written. */
  readonly dryRun?: boolean;
  /** --diff: a dry run that also renders diffs. */
  readonly diff?: boolean;
  readonly prune?: boolean;
  readonly force?: boolean;
  readonly wait?: boolean;
  readonly timeoutMs?: number;
  /** Objects applied at once within a level (default 8). */
  readonly concurrency?: number;
  /**
   * How the real run avoids writes: `apply` sends every object (a no-op apply is not written by the server) and
   * tells unchanged from changed by resourceVersion; `dry-run-first` dry-runs everything and applies the changed
   * objects only. bench/apply.ts measures both; `apply` is the default.
   */
  readonly strategy?: 'apply' | 'dry-run-first';
  readonly log?: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly pollMs?: number;
}

const SECRET: ResourceInfo = { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true };
const NAMESPACE: ResourceInfo = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  namespaced: false,
};
const CRD: ResourceInfo = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  namespaced: false,
};

/** Resolves every kind of the input; refuses to start, listing every kind that is missing, Cluster API first. */
export async function resolveResources(
  client: ApplyClient,
  manifests: readonly Manifest[],
): Promise<Map<string, ResourceInfo>> {
  const resources = crdResources(manifests);
  const wanted = new Map<string, Manifest>();
  for (const m of manifests) {
    const k = gvkKey(String(m.obj.apiVersion), String(m.obj.kind));
    if (!resources.has(k) && !wanted.has(k)) wanted.set(k, m);
  }
  const missing: string[] = [];
  await mapLimit([...wanted.values()], 8, async (m) => {
    const apiVersion = String(m.obj.apiVersion);
    const group = groupOf(apiVersion);
    const r = await client.resource(group, String(m.obj.kind), versionOf(apiVersion));
    if (r) resources.set(gvkKey(apiVersion, String(m.obj.kind)), r);
    else missing.push(await whyMissing(client, m));
  });
  if (missing.length) {
    missing.sort((a, b) => Number(b.startsWith('Cluster API')) - Number(a.startsWith('Cluster API')));
    throw new ApplyAbort(`${[...new Set(missing)].join('\n')}\nnothing was applied`);
  }
  return resources;
}

async function whyMissing(client: ApplyClient, m: Manifest): Promise<string> {
  const apiVersion = String(m.obj.apiVersion);
  const group = groupOf(apiVersion);
  const version = versionOf(apiVersion);
  const versions = await client.groupVersions(group);
  if (group === CAPI_GROUP) {
    if (!versions)
      return (
        `Cluster API ≥ 1.11 not installed on this cluster: the API group ${CAPI_GROUP} is not served by ` +
        `${client.server}; install Cluster API (clusterctl init) and apply again`
      );
    if (!versions.includes(version)) {
      return (
        `Cluster API ≥ 1.11 not installed on this cluster: ${CAPI_GROUP} serves ${versions.join(', ')} ` +
        `but ${m.source} uses ${version}; ` +
        (version === 'v1beta2'
          ? 'upgrade Cluster API to ≥ 1.11, or synthesize the stack for v1beta1'
          : 'synthesize the stack for v1beta2')
      );
    }
    return (
      `Cluster API ≥ 1.11 not installed on this cluster: ${m.obj.kind} (${apiVersion}) ` +
      `is not served by ${client.server}`
    );
  }
  const served = versions ? ` (the group serves ${versions.join(', ')})` : '';
  const role = group.endsWith(`.${CAPI_GROUP}`) ? group.slice(0, -CAPI_GROUP.length - 1) : undefined;
  const flag =
    role === 'infrastructure'
      ? '--infrastructure PROVIDER'
      : role === 'bootstrap'
        ? '--bootstrap kubeadm'
        : role === 'controlplane'
          ? '--control-plane kubeadm'
          : undefined;
  const hint = role
    ? `; install the Cluster API provider that defines it${flag ? ` (clusterctl init ${flag})` : ''}`
    : '; install its CRD or fix apiVersion/kind';
  return `${m.obj.kind} (${apiVersion}) from ${m.source} is not served by ${client.server}${served}${hint}`;
}

const emptyCounts = (): Record<Action, number> => ({
  created: 0,
  configured: 0,
  unchanged: 0,
  pruned: 0,
  kept: 0,
  failed: 0,
  skipped: 0,
});

const result = (o: PlannedObject, action: Action, extra: Partial<ObjectResult> = {}): ObjectResult => ({
  key: o.key,
  kind: o.gk.kind,
  name: o.name,
  namespace: o.namespace,
  action,
  source: o.source,
  ...extra,
});

export async function runApply(
  client: ApplyClient,
  manifests: readonly Manifest[],
  opts: ApplyRunOptions,
): Promise<ApplyReport> {
  const log = opts.log ?? (() => undefined);
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const concurrency = opts.concurrency ?? 8;
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const dryRun = !!(opts.dryRun || opts.diff);
  const ref: ParentRef = { name: opts.applySet, namespace: opts.namespace };
  const id = applySetId(ref.name, ref.namespace);
  const warnings: string[] = [];

  const resources = await resolveResources(client, manifests);
  const plan = buildPlan(manifests, resources, { namespace: opts.namespace, applySetId: id });
  const state = readParent(ref, await client.get(SECRET, ref.name, ref.namespace));
  const nsLive = await client.get(NAMESPACE, opts.namespace);
  const nsPlanned = plan.objects.some(
    (o) => o.gk.group === '' && o.gk.kind === 'Namespace' && o.name === opts.namespace,
  );
  if (!nsLive && !nsPlanned) {
    throw new ApplyAbort(
      `namespace "${opts.namespace}" does not exist on ${client.server}: ` +
        `create it (kubectl create namespace ${opts.namespace}) or pass --namespace NAME`,
    );
  }

  // Full objects only where they are compared (dry runs, immutable kinds, classes for prune); else metadata suffices.
  const fullKinds = new Set(plan.objects.filter((o) => o.immutable || isClusterClass(o.gk)).map((o) => gkString(o.gk)));
  const needFull = (gk: GroupKind) =>
    dryRun || opts.strategy === 'dry-run-first' || fullKinds.has(gkString(gk)) || isClusterClass(gk);
  const members = await listMembers(client, plan, state.groupKinds, state.namespaces, id, warnings, needFull);
  log(`ApplySet ${ref.namespace}/${ref.name}: ${members.size} live members, ${plan.objects.length} objects to apply`);
  const liveOf = async (o: PlannedObject): Promise<KObject | undefined> =>
    members.get(o.key) ?? client.get(o.resource, o.name, o.namespace).catch(() => undefined);

  const checked = await refuseChangedImmutables(client, plan, liveOf, opts.force ?? false, concurrency);

  const results = new Map<string, ObjectResult>();
  const failed = () => [...results.values()].some((r) => r.action === 'failed');

  // Dry run (and, for dry-run-first, the look-ahead that decides what to send).
  let preview: Map<string, ObjectResult> | undefined;
  if (dryRun || opts.strategy === 'dry-run-first') {
    preview = new Map(checked);
    const rs = await mapLimit(
      plan.objects.filter((o) => !checked.has(o.key) || opts.diff),
      concurrency,
      (o) => previewObject(client, plan, o, liveOf, opts),
    );
    for (const r of rs) preview.set(r.key, r);
  } else preview = checked;
  if (dryRun) {
    for (const [k, r] of preview!) results.set(k, r);
    if (opts.prune) {
      for (const r of await pruneSelection(client, plan, members, true, concurrency, warnings)) results.set(r.key, r);
    }
    return report(ref, id, true, plan, results, [], warnings);
  }

  // Real run. The parent lives in the target namespace: if this input creates that namespace, that comes first.
  if (!nsLive) {
    const nsObj = plan.objects.find(
      (o) => o.gk.kind === 'Namespace' && o.gk.group === '' && o.name === opts.namespace,
    )!;
    results.set(nsObj.key, await applyObject(client, nsObj, members, opts));
    if (failed()) return report(ref, id, false, plan, results, [], warnings);
  }
  // Superset first (as kubectl does): killed at any later point, the parent still names every kind that has members.
  await client.apply(
    SECRET,
    parentObject(ref, opts.tooling, unionGks(state.groupKinds, plan.groupKinds), [
      ...state.namespaces,
      ...plan.namespaces,
    ]),
    { fieldManager: PARENT_FIELD_MANAGER, force: true },
  );

  await applyInOrder(client, plan, members, results, preview, opts, { log, sleep, timeoutMs, concurrency });

  if (opts.prune && !failed()) {
    const pruned = await pruneSelection(client, plan, members, false, concurrency, warnings);
    for (const r of pruned) results.set(r.key, r);
    // What stays tracked: the input, and members kept or not deleted.
    const left = pruned.filter((r) => r.action !== 'pruned');
    const parentKinds: GroupKind[] = unionGks(
      plan.groupKinds,
      left
        .map((r) => members.get(r.key)!)
        .filter(Boolean)
        .map((o) => ({ group: groupOf(String(o.apiVersion)), kind: String(o.kind) })),
    );
    const parentNamespaces: string[] = [...plan.namespaces, ...left.flatMap((r) => (r.namespace ? [r.namespace] : []))];
    if (!pruned.some((r) => r.action === 'failed')) {
      await client.apply(SECRET, parentObject(ref, opts.tooling, parentKinds, parentNamespaces), {
        fieldManager: PARENT_FIELD_MANAGER,
        force: true,
      });
    }
  } else if (opts.prune) {
    warnings.push('prune skipped: some objects failed to apply');
  }

  const classes: ClassStatus[] = [];
  if (opts.wait && !failed()) {
    const ccs = plan.objects.filter((x) => isClusterClass(x.gk));
    classes.push(
      ...(await mapLimit(ccs, concurrency, async (o) => {
        log(`waiting for ClusterClass ${o.namespace}/${o.name} to be reconciled (observedGeneration, VariablesReady)`);
        let last: KObject | undefined;
        const ok = await pollUntil(
          async () => (last = await client.get(o.resource, o.name, o.namespace)),
          (cc) => !!cc && classReconciled(cc),
          timeoutMs,
          opts.pollMs ?? 500,
          sleep,
        );
        const status: ClassStatus = {
          name: o.name,
          namespace: o.namespace!,
          reconciled: ok,
          conditions: last ? classConditions(last) : [],
        };
        if (!ok) {
          // Paused is the one condition whose good state is False.
          const bad = status.conditions
            .filter((c) => (c.type === 'Paused' ? c.status === 'True' : c.status !== 'True'))
            .map((c) => `${c.type}=${c.status}${c.message ? ` (${c.message})` : ''}`);
          const observed = last?.status?.observedGeneration;
          if (observed === undefined || Number(observed) < Number(last?.metadata?.generation)) {
            bad.push(`status.observedGeneration ${observed ?? 'unset'}, generation ${last?.metadata?.generation}`);
          }
          results.set(
            o.key,
            result(o, 'failed', {
              message:
                `applied, but not reconciled after ${Math.round(timeoutMs / 1000)} s: ${bad.join('; ')}; ` +
                'is the Cluster API controller running (with the ClusterTopology feature gate)? Its logs say more',
            }),
          );
        }
        return status;
      })),
    );
  }
  return report(ref, id, false, plan, results, classes, warnings);
}

/**
 * Applies every object once what it depends on is in place: CRDs (applied and Established) and Namespaces before
 * everything else, a ClusterClass after the templates it refers to, Clusters after classes. Objects wait for their
 * own dependencies only, so ClusterClasses go out while unrelated objects are still being applied; when something
 * fails, what depends on it is skipped (never a ClusterClass without its templates) and the rest carries on.
 */
async function applyInOrder(
  client: ApplyClient,
  plan: Plan,
  members: ReadonlyMap<string, KObject>,
  results: Map<string, ObjectResult>,
  preview: Map<string, ObjectResult> | undefined,
  opts: ApplyRunOptions,
  env: { log: (l: string) => void; sleep: (ms: number) => Promise<void>; timeoutMs: number; concurrency: number },
): Promise<void> {
  const keysAt = (pred: (level: number) => boolean) => plan.objects.filter((o) => pred(o.level)).map((o) => o.key);
  const inPlan = new Set(plan.objects.map((o) => o.key));
  const basics = keysAt((l) => l <= 1);
  const deps = new Map<string, string[]>();
  const referenced = new Set<string>();
  for (const o of plan.objects) {
    let d: string[];
    if (o.level === 0) d = [];
    else if (o.level === 1) d = keysAt((l) => l === 0);
    else if (o.level === 2) d = basics;
    else if (o.level === 3) {
      // A class goes out after its templates and its addon bundle: a manager never sees a class without its addons.
      const refs = [
        ...templateRefs(o.body).map((r) =>
          objectKey({ group: groupOf(r.apiVersion), kind: r.kind }, r.name, o.namespace),
        ),
        ...bundleKeysOf(plan.objects, o),
      ].filter((k) => inPlan.has(k));
      refs.forEach((k) => referenced.add(k));
      d = [...basics, ...refs];
    } else d = keysAt((l) => l < o.level);
    deps.set(o.key, d);
  }
  // Queue order (dependencies always earlier, so waiting workers never starve): CRDs, Namespaces, the templates
  // classes use, the classes, other objects, Clusters.
  const rank = (o: PlannedObject) =>
    o.level <= 1 ? o.level : o.level === 2 ? (referenced.has(o.key) ? 2 : 4) : o.level === 3 ? 3 : 5;
  const queue = plan.objects.filter((o) => !results.has(o.key)).sort((a, b) => rank(a) - rank(b));
  const settled = new Map<string, { promise: Promise<boolean>; resolve: (ok: boolean) => void }>();
  for (const o of plan.objects) {
    let resolve!: (ok: boolean) => void;
    const promise = new Promise<boolean>((r) => {
      resolve = r;
    });
    settled.set(o.key, { promise, resolve });
    const prior = results.get(o.key);
    if (prior) resolve(prior.action !== 'failed' && prior.action !== 'skipped');
  }
  const started = new Set<number>();
  await mapLimit(queue, env.concurrency, async (o) => {
    const d = deps.get(o.key)!;
    const oks = await Promise.all(d.map((k) => settled.get(k)!.promise));
    let r: ObjectResult;
    const bad = d.find((_, i) => !oks[i]);
    if (bad) r = result(o, 'skipped', { message: `not applied: ${bad} failed` });
    else {
      if (!started.has(o.level)) {
        started.add(o.level);
        env.log(`applying ${LEVELS[o.level]}`);
      }
      // An object the server said would not change is not sent again, if cskit already owns it (else the apply
      // is what makes cskit a manager of its fields).
      const p = preview?.get(o.key);
      r =
        p && p.action === 'unchanged' && ownedByUs(members.get(o.key))
          ? p
          : await applyObject(client, o, members, opts);
      if (o.level === 0 && r.action !== 'failed') {
        env.log(`waiting for CustomResourceDefinition ${o.name} to be Established`);
        const ok = await pollUntil(
          () => client.get(CRD, o.name),
          (crd) =>
            (crd?.status?.conditions ?? []).some(
              (c: { type?: unknown; status?: unknown }) => c.type === 'Established' && c.status === 'True',
            ),
          env.timeoutMs,
          opts.pollMs ?? 250,
          env.sleep,
        );
        if (!ok)
          r = result(o, 'failed', {
            message: `not Established after ${Math.round(env.timeoutMs / 1000)} s (see its status.conditions)`,
          });
      }
    }
    results.set(o.key, r);
    settled.get(o.key)!.resolve(r.action !== 'failed' && r.action !== 'skipped');
    return r;
  });
}

async function pollUntil<T>(
  get: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs: number,
  pollMs: number,
  sleep: (ms: number) => Promise<void>,
): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (done(await get())) return true;
    } catch (e) {
      if (!(e instanceof KubeError) || e.kind === 'forbidden' || e.kind === 'unauthorized') throw e;
    }
    if (Date.now() >= until) return false;
    await sleep(pollMs);
  }
}

/** Live members of the ApplySet, by object key, over every kind and namespace the parent or the input names. */
async function listMembers(
  client: ApplyClient,
  plan: Plan,
  parentKinds: readonly GroupKind[],
  parentNamespaces: readonly string[],
  id: string,
  warnings: string[],
  needFull: (gk: GroupKind) => boolean,
): Promise<Map<string, KObject>> {
  const byGk = new Map<string, ResourceInfo>();
  for (const o of plan.objects) byGk.set(gkString(o.gk), o.resource);
  const scopes: Array<{ res: ResourceInfo; namespace?: string }> = [];
  const namespaces = [...new Set([...parentNamespaces, ...plan.namespaces])];
  for (const gk of unionGks(parentKinds, plan.groupKinds)) {
    const res = byGk.get(gkString(gk)) ?? (await client.resource(gk.group, gk.kind));
    if (!res) {
      warnings.push(
        `${gkString(gk)} is in the ApplySet but no longer served; its members (if any) cannot be listed or pruned`,
      );
      continue;
    }
    if (res.namespaced) for (const ns of namespaces) scopes.push({ res, namespace: ns });
    else scopes.push({ res });
  }
  const members = new Map<string, KObject>();
  await mapLimit(scopes, 8, async ({ res, namespace }) => {
    let items: KObject[];
    try {
      items = await client.list(res, {
        namespace,
        labelSelector: `applyset.kubernetes.io/part-of=${id}`,
        metadataOnly: !needFull({ group: res.group, kind: res.kind }),
      });
    } catch (e) {
      // A kind whose CRD is in the input but not installed yet has no members.
      if (e instanceof ApiStatusError && e.status === 404) return;
      throw e;
    }
    for (const obj of items)
      members.set(
        objectKey(
          { group: res.group, kind: res.kind },
          String(obj.metadata?.name),
          res.namespaced ? obj.metadata?.namespace : undefined,
        ),
        obj,
      );
  });
  return members;
}

/** A released ClusterClass or template that exists with a different spec is refused before anything is written. */
const ownedByUs = (live: KObject | undefined): boolean =>
  Array.isArray(live?.metadata?.managedFields) &&
  (live!.metadata!.managedFields as { manager?: unknown; operation?: unknown }[]).some(
    (m) => m?.manager === FIELD_MANAGER && m?.operation === 'Apply',
  );

/**
 * Refuses (throws) when a released class or template would change; returns the ones the server said would stay
 * exactly as they are, so they need not be sent again.
 */
async function refuseChangedImmutables(
  client: ApplyClient,
  plan: Plan,
  liveOf: (o: PlannedObject) => Promise<KObject | undefined>,
  force: boolean,
  concurrency: number,
): Promise<Map<string, ObjectResult>> {
  const unchanged = new Map<string, ObjectResult>();
  const refused = (
    await mapLimit(
      plan.objects.filter((o) => o.immutable),
      concurrency,
      async (o) => {
        const live = await liveOf(o);
        if (!live) return undefined;
        let would: KObject;
        try {
          would = (await client.apply(o.resource, o.body, { fieldManager: FIELD_MANAGER, force, dryRun: true })).object;
        } catch {
          return undefined; // the real apply reports it
        }
        if (sameContent(live, would)) unchanged.set(o.key, result(o, 'unchanged'));
        if (sameSpec(live, would)) return undefined;
        const d = unifiedDiff(toYaml({ spec: live.spec }), toYaml({ spec: would.spec }), 'live', 'input')
          .split('\n')
          .slice(2, 22)
          .filter(Boolean)
          .map((l) => `    ${l}`)
          .join('\n');
        return `${o.key} (${o.source}) exists with a different spec:\n${d}`;
      },
    )
  ).filter((x): x is string => !!x);
  if (refused.length) {
    throw new ApplyAbort(
      `${refused.join('\n')}\nreleased ClusterClasses, their templates and addon bundles are immutable: ` +
        'changing one in place would silently change ' +
        'every Cluster using it. Bump the stack version instead (cskit bump, then synth) ' +
        'and move Clusters to the new class by changing ' +
        'spec.topology.classRef.name. Nothing was applied.',
    );
  }
  return unchanged;
}

async function previewObject(
  client: ApplyClient,
  plan: Plan,
  o: PlannedObject,
  liveOf: (o: PlannedObject) => Promise<KObject | undefined>,
  opts: ApplyRunOptions,
): Promise<ObjectResult> {
  const live = await liveOf(o);
  try {
    const r = await client.apply(o.resource, o.body, { fieldManager: FIELD_MANAGER, force: opts.force, dryRun: true });
    const action: Action = !live ? 'created' : sameContent(live, r.object) ? 'unchanged' : 'configured';
    const [shownLive, shownNext] = maskSecrets(live, r.object);
    const diff =
      opts.diff && action !== 'unchanged'
        ? unifiedDiff(toYaml(shownLive), toYaml(shownNext), `live/${o.key}`, `cskit/${o.key}`)
        : undefined;
    return result(o, action, diff ? { diff } : {});
  } catch (e) {
    // Objects in a namespace, or of a kind, that this input creates cannot be checked by the server yet.
    const dependsOn = plan.objects.find(
      (x) =>
        (x.gk.kind === 'Namespace' && x.gk.group === '' && x.name === o.namespace) ||
        (x.gk.kind === 'CustomResourceDefinition' &&
          x.body.spec?.group === o.gk.group &&
          x.body.spec?.names?.kind === o.gk.kind),
    );
    if (e instanceof ApiStatusError && e.status === 404 && dependsOn && !live) {
      const diff = opts.diff
        ? unifiedDiff('', toYaml(maskSecrets(undefined, o.body)[1]), '/dev/null', `cskit/${o.key}`)
        : undefined;
      return result(o, 'created', {
        message: `not checked by the server: needs ${dependsOn.key} of this input first`,
        ...(diff ? { diff } : {}),
      });
    }
    return result(o, 'failed', { message: describeFailure(e) });
  }
}

async function applyObject(
  client: ApplyClient,
  o: PlannedObject,
  members: ReadonlyMap<string, KObject>,
  opts: ApplyRunOptions,
): Promise<ObjectResult> {
  const before = members.get(o.key)?.metadata?.resourceVersion;
  try {
    const r = await client.apply(o.resource, o.body, {
      fieldManager: FIELD_MANAGER,
      force: opts.force,
      metadataOnly: true,
    });
    const action: Action = r.created
      ? 'created'
      : before !== undefined && before === r.object.metadata?.resourceVersion
        ? 'unchanged'
        : 'configured';
    return result(o, action);
  } catch (e) {
    return result(o, 'failed', { message: describeFailure(e) });
  }
}

/** Members not in the input: deleted (or, in a dry run, reported) unless selectPrune keeps them. */
async function pruneSelection(
  client: ApplyClient,
  plan: Plan,
  members: ReadonlyMap<string, KObject>,
  dryRun: boolean,
  concurrency: number,
  warnings: string[],
): Promise<ObjectResult[]> {
  const inPlan = new Set(plan.objects.map((o) => o.key));
  const candidates = [...members.entries()].filter(([k]) => !inPlan.has(k)).map(([, obj]) => candidate(obj));
  if (candidates.length === 0) return [];
  let clusters: KObject[] = [];
  const clusterRes = await client.resource(CAPI_GROUP, 'Cluster');
  if (clusterRes) clusters = await client.list(clusterRes, {});
  else if (candidates.some((c) => isClusterClass(c.gk)))
    warnings.push('Cluster API Clusters are not served: no ClusterClass is in use');
  const decision = selectPrune(candidates, {
    clusters,
    appliedClasses: plan.objects.filter((o) => isClusterClass(o.gk)).map((o) => o.body),
  });
  const out: ObjectResult[] = decision.keep.map((k) => ({
    key: k.key,
    kind: k.gk.kind,
    name: String(k.obj.metadata?.name),
    namespace: k.obj.metadata?.namespace,
    action: 'kept' as const,
    message: k.reason,
  }));
  const resources = new Map(plan.objects.map((o) => [gkString(o.gk), o.resource] as const));
  out.push(
    ...(await mapLimit(decision.remove, concurrency, async (c) => {
      const base = {
        key: c.key,
        kind: c.gk.kind,
        name: String(c.obj.metadata?.name),
        namespace: c.obj.metadata?.namespace,
      };
      try {
        const res = resources.get(gkString(c.gk)) ?? (await client.resource(c.gk.group, c.gk.kind));
        if (!res) throw new Error(`${gkString(c.gk)} is no longer served`);
        await client.delete(res, base.name, res.namespaced ? base.namespace : undefined, { dryRun });
        return { ...base, action: 'pruned' as const, ...(dryRun ? { message: 'would be pruned' } : {}) };
      } catch (e) {
        return { ...base, action: 'failed' as const, message: `prune failed: ${describeFailure(e)}` };
      }
    })),
  );
  return out;
}

function report(
  ref: ParentRef,
  id: string,
  dryRun: boolean,
  plan: Plan,
  results: Map<string, ObjectResult>,
  classes: ClassStatus[],
  warnings: string[],
): ApplyReport {
  const order = new Map(plan.objects.map((o, i) => [o.key, o.level * 100_000 + i]));
  const objects = [...results.values()].sort(
    (a, b) => (order.get(a.key) ?? 1e9) - (order.get(b.key) ?? 1e9) || a.key.localeCompare(b.key),
  );
  for (const o of plan.objects) if (!results.has(o.key)) objects.push(result(o, 'skipped', { message: 'not applied' }));
  const counts = emptyCounts();
  for (const r of objects) counts[r.action]++;
  return {
    applySet: { name: ref.name, namespace: ref.namespace, id },
    dryRun,
    objects,
    classes,
    counts,
    changed: counts.created + counts.configured + counts.pruned,
    ok: counts.failed === 0 && counts.skipped === 0,
    warnings,
  };
}
