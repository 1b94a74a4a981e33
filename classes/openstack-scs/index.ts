import { Construct } from 'constructs';
import { ClusterClassConstruct } from '../../src/constructs/cluster-class';
import { StackContext, StackDefinition } from '../../src/model/stack';
import { patches } from './patches';
import { openstackTemplates } from './templates';
import { variables } from './variables';

/** OpenStack (CAPO) cluster stack with the SCS `scs2` variables and the addons SCS requires. */
export const openstackScs: StackDefinition = {
  provider: 'openstack',
  stack: 'scs',
  description:
    'OpenStack (CAPO) cluster stack with the SCS scs2 variables, Cilium, Cinder CSI, OpenStack CCM and metrics-server',
  buildClass(scope: Construct, ctx: StackContext) {
    const t = openstackTemplates(scope, ctx.name);
    new ClusterClassConstruct(scope, 'cluster-class', {
      name: ctx.name,
      infrastructure: t.infrastructure,
      controlPlane: t.controlPlane,
      controlPlaneMachine: t.controlPlaneMachine,
      workers: [{ class: 'default-worker', bootstrap: t.workerBootstrap, infrastructure: t.workerMachine }],
      variables,
      patches,
    });
  },
  // The default image name the imageName/imageAddVersion defaults produce for this version.
  nodeImage: (ctx) => `ubuntu-capi-image-v${ctx.kubernetesVersion}`,
  // Loaded on first use: the addon definitions bring cdk8s-plus-27 (100–300 ms to load), which a build without
  // addons never needs (bench:synth's like-for-like comparison with the SCS cluster-class chart).
  get addons() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../../addons') as typeof import('../../addons')).openstackAddons;
  },
};
