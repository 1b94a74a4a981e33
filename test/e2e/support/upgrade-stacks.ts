/**
 * The stack versions the manager's upgrade and rebase e2e tests move Clusters between, built through the real synth
 * path (`synthesize` with a test lock and test definitions) into a dist folder `cskit apply` takes. The shipped 1.37
 * stacks reuse the 1.36 addon releases, so upgrading to them could change nothing; here the next version changes one
 * addon of each upgrade step and drops one object, so every step of the upgrade has something to move:
 *
 * | addon | upgrade step | current → next |
 * |---|---|---|
 * | cilium | BeforeClusterUpgrade | release `<v>` → `<v>-next` (DaemonSet and Deployment roll) |
 * | openstack-ccm | AfterControlPlaneUpgrade | `<v>` → `<v>-next` (DaemonSet rolls) |
 * | metrics-server | AfterClusterUpgrade | `<v>` → `<v>-next`; RoleBinding `metrics-server-auth-reader` dropped |
 * | dev-storage | AfterClusterUpgrade | unchanged |
 *
 * The `-next` versions are the tests' own (no claim about upstream releases; kwok never pulls an image); the
 * definitions are the real ones otherwise.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { cilium, devStorage, metricsServer, openstackCcm } from '../../../addons';
import { dockerScs } from '../../../classes/docker-scs';
import { AddonDefinition, AddonRelease } from '../../../src/model/addon';
import { LockFile } from '../../../src/model/lock';
import { StackContext, StackDefinition } from '../../../src/model/stack';
import { synthesize, writeStacks } from '../../../src/synth/synth';

export const STACK_ID = 'docker-upg';
export const FROM = { className: 'docker-upg-1-36-v1', version: 'v1.36.5' };
/** Same Kubernetes version, next stack version: a rebase (no hook fires). */
export const REBASE_TO = { className: 'docker-upg-1-36-v2', version: 'v1.36.5' };
/** Next stack version and next Kubernetes minor: an upgrade through every hook. */
export const UPGRADE_TO = { className: 'docker-upg-1-37-v2', version: 'v1.37.2' };
/** The object the next version no longer has (kind, namespace, name). */
export const DROPPED = { kind: 'RoleBinding', namespace: 'kube-system', name: 'metrics-server-auth-reader' };

/** A definition whose build removes construct children of the real one (by construct id). */
const without = (def: AddonDefinition, ids: readonly string[]): AddonDefinition => ({
  ...def,
  build(scope: Construct, ctx: StackContext) {
    def.build(scope, ctx);
    for (const id of ids)
      if (!scope.node.tryRemoveChild(id)) throw new Error(`addon ${def.name} has no construct "${id}" to remove`);
  },
});

/**
 * The same definition with every release's version and image tags suffixed `-next`: in the releases (what the bundle
 * and status report) and in the images of the workloads it builds (each build reads its own module's releases, so
 * the built objects are patched, as a release bump changes them).
 */
const next = (def: AddonDefinition): AddonDefinition => {
  const bump = (r: AddonRelease): AddonRelease => ({
    version: `${r.version}-next`,
    images: Object.fromEntries(Object.entries(r.images).map(([k, v]) => [k, `${v}-next`])),
  });
  return {
    ...def,
    releases: Object.fromEntries(Object.entries(def.releases).map(([m, r]) => [m, bump(r)])),
    build(scope: Construct, ctx: StackContext) {
      def.build(scope, ctx);
      for (const o of scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
        const pod = (o.toJson() as { spec?: { template?: { spec?: Record<string, unknown> } } }).spec?.template?.spec;
        for (const list of ['initContainers', 'containers'])
          ((pod?.[list] ?? []) as Array<{ image: string }>).forEach((c, i) =>
            o.addJsonPatch(JsonPatch.replace(`/spec/template/spec/${list}/${i}/image`, `${c.image}-next`)),
          );
      }
    },
  };
};

const current: AddonDefinition[] = [cilium, openstackCcm, metricsServer, devStorage];
const upcoming: AddonDefinition[] = [
  next(cilium),
  next(openstackCcm),
  without(next(metricsServer), ['auth-reader']),
  devStorage,
];

const stack = (addons: AddonDefinition[]): StackDefinition => ({
  provider: dockerScs.provider,
  stack: 'upg',
  description: 'docker-scs with the upgrade tests’ addons',
  buildClass: dockerScs.buildClass,
  nodeImage: dockerScs.nodeImage,
  addons,
});

const lock = (minors: Record<string, [string, string]>): LockFile => ({
  lockVersion: 1,
  stacks: {
    [STACK_ID]: Object.fromEntries(
      Object.entries(minors).map(([m, [kubernetesVersion, version]]) => [m, { kubernetesVersion, version, hash: '' }]),
    ),
  },
});

/** Synthesizes the current (1.36 v1) and next (1.36 v2, 1.37 v2) versions into `outdir/<class name>/`. */
export function synthUpgradeStacks(outdir: string): string[] {
  const built = [
    ...synthesize(lock({ '1.36': ['1.36.5', 'v1'] }), [stack(current)], { checkLock: false }).stacks,
    ...synthesize(lock({ '1.36': ['1.36.5', 'v2'], '1.37': ['1.37.2', 'v2'] }), [stack(upcoming)], {
      checkLock: false,
    }).stacks,
  ];
  writeStacks(built, outdir);
  return built.map((s) => s.ctx.name);
}
