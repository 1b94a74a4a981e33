import { AddonDefinition } from '../src/model/addon';

// Placeholder created by the lead so the class definitions compile; the addons work (issue 5) owns this file
// and fills the lists.
export const openstackAddons: AddonDefinition[] = [];
export const dockerAddons: AddonDefinition[] = [];
