/**
 * dist/<stack>/addons.yaml, the addon index: one type for its writer (synth) and its readers (`addons list/render`,
 * the manager). The reader checks every field, because the index names files that are read and written: a `file`
 * that leaves the stack folder or a `name` that is not a DNS label is an input error, never followed.
 */
import { ADDON_PHASES, AddonInput, AddonInputType } from '../model/addon';
import { unsafeRelativePath } from '../util/atomic-write';
import { InputError } from '../util/errors';
import { ADDONS_DIR } from './layout';

export const ADDON_INDEX_API_VERSION = 'cskit.io/v1alpha1';
export const ADDON_INDEX_KIND = 'AddonIndex';

/** One addon of a stack version, in install order. */
export interface AddonIndexEntry {
  readonly name: string;
  /** 1-based install order. */
  readonly order: number;
  /** Upstream version SCS ships. */
  readonly version: string;
  readonly phase: string;
  readonly namespace: string;
  readonly description: string;
  readonly dependsOn?: readonly string[];
  /** `addons/NN-<name>.yaml`, relative to the stack folder. */
  readonly file: string;
  readonly images: Readonly<Record<string, string>>;
  readonly inputs: readonly AddonInput[];
}

export interface AddonIndex {
  readonly apiVersion: typeof ADDON_INDEX_API_VERSION;
  readonly kind: typeof ADDON_INDEX_KIND;
  /** The stack version, e.g. `openstack-scs-1-36-v1`. */
  readonly stack: string;
  /** Kubernetes patch version without `v`. */
  readonly kubernetesVersion: string;
  readonly addons: readonly AddonIndexEntry[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const INPUT_TYPES: readonly AddonInputType[] = ['string', 'integer', 'number', 'boolean'];
type Mapping = Record<string, unknown>;
const isMapping = (v: unknown): v is Mapping => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Checks a parsed addons.yaml document and returns it typed; every problem names the file and the field. `file`
 * entries must be relative paths inside the stack's addons/ folder.
 */
export function parseAddonIndex(value: unknown, file: string): AddonIndex {
  const fix = 'run `cskit synth` again to rewrite it';
  if (!isMapping(value))
    throw new InputError(`${file}: not an addon index (expecting a mapping with kind: AddonIndex); ${fix}`);
  const problems: string[] = [];
  const str = (v: unknown, at: string, re?: RegExp, want = 'a string'): v is string => {
    if (typeof v === 'string' && v !== '' && (!re || re.test(v))) return true;
    problems.push(`${at}: expecting ${want}, found ${JSON.stringify(v) ?? 'nothing'}`);
    return false;
  };
  if (value.apiVersion !== ADDON_INDEX_API_VERSION || value.kind !== ADDON_INDEX_KIND)
    problems.push(
      `apiVersion/kind: expecting ${ADDON_INDEX_API_VERSION} ${ADDON_INDEX_KIND}, ` +
        `found ${JSON.stringify(value.apiVersion)} ${JSON.stringify(value.kind)}`,
    );
  str(value.stack, 'stack');
  str(value.kubernetesVersion, 'kubernetesVersion', /^\d+\.\d+\.\d+$/, 'a patch version such as 1.36.4');
  if (!Array.isArray(value.addons)) problems.push('addons: expecting a list');
  const orders = new Set<number>();
  const names = new Set<string>();
  (Array.isArray(value.addons) ? value.addons : []).forEach((a: unknown, i) => {
    const at = `addons[${i}]`;
    if (!isMapping(a)) return problems.push(`${at}: expecting a mapping`);
    if (str(a.name, `${at}.name`, DNS_LABEL, 'a DNS label such as cilium')) {
      if (names.has(a.name)) problems.push(`${at}.name: ${a.name} is listed twice`);
      names.add(a.name);
    }
    if (typeof a.order !== 'number' || !Number.isInteger(a.order) || a.order < 1 || a.order > 99)
      problems.push(`${at}.order: expecting a whole number from 1 to 99, found ${JSON.stringify(a.order)}`);
    else if (orders.has(a.order)) problems.push(`${at}.order: ${a.order} is used twice`);
    else orders.add(a.order);
    str(a.version, `${at}.version`);
    str(a.phase, `${at}.phase`, new RegExp(`^(${ADDON_PHASES.join('|')})$`), `one of ${ADDON_PHASES.join(', ')}`);
    str(a.namespace, `${at}.namespace`, DNS_LABEL, 'a namespace name');
    if (typeof a.description !== 'string') problems.push(`${at}.description: expecting a string`);
    if (a.dependsOn !== undefined && (!Array.isArray(a.dependsOn) || a.dependsOn.some((d) => typeof d !== 'string')))
      problems.push(`${at}.dependsOn: expecting a list of addon names`);
    if (str(a.file, `${at}.file`)) {
      const why = unsafeRelativePath(a.file);
      if (why) problems.push(`${at}.file: "${a.file}" ${why}; addon files stay inside the stack folder`);
      else if (!a.file.startsWith(`${ADDONS_DIR}/`) || !/\.ya?ml$/.test(a.file))
        problems.push(`${at}.file: "${a.file}" is not a YAML file in ${ADDONS_DIR}/`);
    }
    if (!isMapping(a.images) || Object.values(a.images).some((x) => typeof x !== 'string'))
      problems.push(`${at}.images: expecting a mapping of role to image reference`);
    if (!Array.isArray(a.inputs)) problems.push(`${at}.inputs: expecting a list (may be empty)`);
    else
      a.inputs.forEach((inp: unknown, j) => {
        const ai = `${at}.inputs[${j}]`;
        if (!isMapping(inp)) return problems.push(`${ai}: expecting a mapping with path, type, description`);
        str(inp.path, `${ai}.path`, /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/, 'a dotted path such as cluster.name');
        str(inp.type, `${ai}.type`, new RegExp(`^(${INPUT_TYPES.join('|')})$`), `one of ${INPUT_TYPES.join(', ')}`);
      });
  });
  if (problems.length) throw new InputError(`${file}: ${problems.join('; ')}; ${fix}`);
  return value as unknown as AddonIndex;
}
