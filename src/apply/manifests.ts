import * as fs from 'fs';
import * as path from 'path';
import { CORE_SCHEMA, YAMLException, loadAll } from 'js-yaml';
import { bundleCrd } from '../bundle/crd';
import { BUNDLE_FILE } from '../bundle/types';
import { KObject } from '../kube/types';
import { parseStackName } from '../model/naming';

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

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export const STACK_FILE = 'cluster-class.yaml';
/** Where the AddonBundle CRD that apply adds comes from, for messages. */
export const BUNDLE_CRD_SOURCE = 'cskit (AddonBundle CRD, src/bundle/crd.ts)';

/** A synthesized stack folder: it has cluster-class.yaml and metadata.yaml. */
export function isStackDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, STACK_FILE)) && fs.existsSync(path.join(dir, 'metadata.yaml'));
}

function filesOf(p: string): { files: string[]; stack?: string; bundle?: boolean } {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st)
    throw new InputError(
      `${p}: no such file or directory; give dist/<stack> folders, folders of manifests or YAML files`,
    );
  if (st.isFile()) return { files: [p] };
  if (isStackDir(p)) {
    const bundle = path.join(p, BUNDLE_FILE);
    return {
      files: [path.join(p, STACK_FILE), ...(fs.existsSync(bundle) ? [bundle] : [])],
      stack: path.basename(path.resolve(p)),
      bundle: fs.existsSync(bundle),
    };
  }
  const files = fs
    .readdirSync(p, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => path.join(p, e.name))
    .sort();
  if (files.length === 0)
    throw new InputError(`${p}: no *.yaml, *.yml or *.json files in this folder (sub-folders are not read)`);
  return { files };
}

/**
 * Parses one file's documents; every document must be a Kubernetes object. Empty documents are skipped. js-yaml
 * with the YAML 1.2 core schema (what the `yaml` package writes dist/ with, and no timestamp or merge-key
 * surprises), because it parses a 500-object input several times faster.
 */
export function parseManifests(file: string, text: string): Manifest[] {
  let docs: unknown[];
  try {
    docs = loadAll(text, undefined, { schema: CORE_SCHEMA, filename: file });
  } catch (e) {
    const err = e as YAMLException;
    const line = err.mark ? ` (line ${err.mark.line + 1}, column ${err.mark.column + 1})` : '';
    const doc = err.mark ? text.slice(0, err.mark.position).split(/^---/m).length : 1;
    throw new InputError(`${file}#${doc}: invalid YAML${line}: ${err.reason ?? err.message.split('\n')[0]}`);
  }
  const out: Manifest[] = [];
  docs.forEach((value: any, i) => {
    const where = `${file}#${i + 1}`;
    if (value === null || value === undefined) return;
    for (const [j, obj] of (isList(value) ? value.items : [value]).entries()) {
      const at = isList(value) ? `${where} items[${j}]` : where;
      checkObject(obj, at);
      out.push({ obj, source: at });
    }
  });
  return out;
}

const isList = (v: any): v is { items: unknown[] } =>
  typeof v === 'object' && v && /List$/.test(String(v.kind ?? '')) && Array.isArray(v.items);

function checkObject(obj: any, where: string): asserts obj is KObject {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
    throw new InputError(
      `${where}: not a Kubernetes object (expecting a mapping with apiVersion, kind, metadata.name)`,
    );
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
    const { files, stack, bundle } = filesOf(p);
    bundles ||= !!bundle;
    if (stack) stacks.push(stack);
    for (const f of files) {
      let text: string;
      try {
        text = fs.readFileSync(f, 'utf8');
      } catch (e) {
        throw new InputError(`${f}: cannot read (${(e as NodeJS.ErrnoException).code})`);
      }
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
