/**
 * The bundle types the manager works on are wt/bundle's: THE AddonBundle/BundledAddon (src/model/addon-bundle.ts) and
 * THE upgrade phases (src/model/addon.ts). Re-exported under the manager's words so its modules read one place.
 */
export type { AddonBundle, BundledAddon as ManagedAddon } from '../model/addon-bundle';
export { ADDON_UPGRADE_PHASES as UPGRADE_STEPS } from '../model/addon';
export type { AddonUpgradePhase as UpgradeStep } from '../model/addon';
