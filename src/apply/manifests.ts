import * as fs from 'fs';
import * as path from 'path';
import { bundleCrd } from '../model/addon-bundle-crd';
import { ADDON_BUNDLE_FILE, CLUSTER_CLASS_FILE, METADATA_FILE, isStackDir } from '../dist/layout';
import { StackDir, readStackDir } from '../dist/stack-dir';
import { parseStackName } from '../model/naming';
import { KObject } from '../model/object';
import { InputError } from '../util/errors';
import { parseYaml, readTextFile } from '../util/yaml';

/**
 * Reads what `cskit apply` is given: synthesized stack folders (dist/<stack>/, of which cluster-class.yaml and
 * addon-bundle.yaml go to the management cluster, with the AddonBundle CRD: metadata.yaml is CSO metadata, and
 * addons/ are per-workload-cluster templates that reach the management cluster inside the bundle),
 * plain folders of manifests (every *.yaml, *.yml, *.json directly inside) and single files.
 */
export interface Manifest {
  readonly obj: KObject;
  /** `file#doc` for messages (doc counts from 1). */
  readonly source: string;
}

export interface InputSet {
  readonly manifests: Manifest[];
  /** Names of the stack folders among the inputs (e.g. openstack-scs-1-36-v1). */
  readonly stacks: string[];
}

/** Where the AddonBundle CRD that apply adds comes from, for messages. */
export const BUNDLE_CRD_SOURCE = 'cskit (AddonBundle CRD, src/model/addon-bundle-crd.ts)';

/**
 * One input path: a stack folder (its cluster-class.yaml and addon-bundle.yaml), a plain folder (its *.yaml/*.yml/
 * *.json) or a file.
 */
function filesOf(p: string): { files: string[]; stack?: StackDir } {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(p, { throwIfNoEntry: false });
  } catch (e) {
    throw new InputError(`${p}: cannot read (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  if (!st)
    throw new InputError(
      `${p}: no such file or directory; give dist/<stack> folders, folders of manifests or YAML files`,
    );
  if (st.isFile()) return { files: [p] };
  if (!st.isDirectory())
    throw new InputError(
      `${p}: not a regular file or folder; give dist/<stack> folders, folders of manifests or YAML files`,
    );
  if (isStackDir(p)) {
    // Read through the one stack-folder reader (metadata.yaml checked), objects parsed below as manifests.
    const stack = readStackDir(p, { read: 'class' });
    if (!stack.files.some((f) => f.path === CLUSTER_CLASS_FILE))
      throw new InputError(
        `${p}: a stack folder (it has ${METADATA_FILE}) without ${CLUSTER_CLASS_FILE}; ` +
          'synthesize it with `cskit synth`',
      );
    // The class and, when the stack ships addons, its AddonBundle (src/bundle/) go to the management cluster.
    const bundle = stack.files.some((f) => f.path === ADDON_BUNDLE_FILE) ? [path.join(p, ADDON_BUNDLE_FILE)] : [];
    return { files: [path.join(p, CLUSTER_CLASS_FILE), ...bundle], stack };
  }
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(p, { withFileTypes: true });
  } catch (e) {
    throw new InputError(`${p}: cannot list the folder (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  const files = entries
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => path.join(p, e.name))
    .sort();
  if (files.length === 0)
    throw new InputError(`${p}: no *.yaml, *.yml or *.json files in this folder (sub-folders are not read)`);
  return { files };
}

/**
 * Parses one file's documents with the one YAML reader (src/util/yaml.ts, YAML 1.1 as cdk8s writes and kubectl
 * reads); every document must be a Kubernetes object. Empty documents are skipped.
 */
export function parseManifests(file: string, text: string): Manifest[] {
  const out: Manifest[] = [];
  for (const { value, index } of parseYaml(text, file, 'manifest')) {
    const where = `${file}#${index}`;
    if (value === null || value === undefined) continue;
    for (const [j, obj] of (isList(value) ? value.items : [value]).entries()) {
      const at = isList(value) ? `${where} items[${j}]` : where;
      checkObject(obj, at);
      out.push({ obj, source: at });
    }
  }
  return out;
}

const isList = (v: unknown): v is { items: unknown[] } =>
  typeof v === 'object' &&
  v !== null &&
  /List$/.test(String((v as KObject).kind ?? '')) &&
  Array.isArray((v as { items?: unknown }).items);

function checkObject(value: unknown, where: string): asserts value is KObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InputError(
      `${where}: not a Kubernetes object (expecting a mapping with apiVersion, kind, metadata.name)`,
    );
  const obj = value as KObject;
  if (typeof obj.apiVersion !== 'string' || !/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(obj.apiVersion)) {
    throw new InputError(
      `${where}: invalid apiVersion ${JSON.stringify(obj.apiVersion)}, expecting GROUP/VERSION or v1`,
    );
  }
  if (typeof obj.kind !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(obj.kind))
    throw new InputError(`${where}: invalid kind ${JSON.stringify(obj.kind)}`);
  if (typeof obj.metadata?.name !== 'string' || !obj.metadata.name) {
    throw new InputError(
      `${where}: ${obj.kind} has no metadata.name (generateName is not supported: apply needs stable names)`,
    );
  }
}

export function loadInputs(paths: readonly string[]): InputSet {
  if (paths.length === 0)
    throw new InputError('nothing to apply: give dist/<stack> folders, folders of manifests or YAML files');
  const manifests: Manifest[] = [];
  const stacks: string[] = [];
  let bundles = false;
  for (const p of paths) {
    const { files, stack } = filesOf(p);
    if (stack) stacks.push(stack.name);
    bundles ||= !!stack?.files.some((f) => f.path === ADDON_BUNDLE_FILE);
    for (const f of files) {
      const text = stack?.files.find((x) => path.join(p, x.path) === f)?.content ?? readTextFile(f, 'manifest');
      manifests.push(...parseManifests(f, text));
    }
  }
  // Bundles need their CRD: it comes from cskit itself (one definition, whichever stack folders are given).
  if (bundles) manifests.unshift({ obj: bundleCrd(), source: BUNDLE_CRD_SOURCE });
  if (manifests.length === 0) throw new InputError(`nothing to apply: ${paths.join(', ')} contain no objects`);
  return { manifests, stacks };
}

/**
 * The default ApplySet name: `cskit-<provider>-<stack>` when every input is a stack folder of one family (so a
 * new class version of openstack-scs prunes older openstack-scs classes, never docker-scs ones), else `cskit`.
 */
export function defaultApplySetName(stacks: readonly string[], allStacks: boolean): string {
  const families = new Set(
    stacks.map((s) => {
      const n = parseStackName(s);
      return n ? `${n.provider}-${n.stack}` : undefined;
    }),
  );
  if (allStacks && families.size === 1 && !families.has(undefined)) return `cskit-${[...families][0]}`;
  return 'cskit';
}
