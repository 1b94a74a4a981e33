import { Construct } from 'constructs';
import { ClusterClassConstruct } from '../../src/constructs/cluster-class';
import { StackContext, StackDefinition } from '../../src/model/stack';
import { openstackAddons } from '../../addons';
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
  addons: openstackAddons,
};
