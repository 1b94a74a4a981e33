import { AddonDefinition } from '../src/model/addon';
import { cilium } from './cilium';
import { cinderCsi } from './cinder-csi';
import { devStorage } from './dev-storage';
import { metricsServer } from './metrics-server';
import { openstackCcm } from './openstack-ccm';

export { cilium, cinderCsi, devStorage, metricsServer, openstackCcm };

/** Addons of every OpenStack (CAPO) cluster: CNI, CCM, Cinder CSI with the SCS default StorageClass, metrics-server. */
export const openstackAddons: AddonDefinition[] = [cilium, openstackCcm, cinderCsi, metricsServer];
/** Addons of the Docker (CAPD) development stack: no CCM, no failure-safe storage (see docs/addons.md). */
export const dockerAddons: AddonDefinition[] = [cilium, devStorage, metricsServer];
