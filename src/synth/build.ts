import { App, Chart } from 'cdk8s';
import { stackContentHash } from '../model/content-hash';
import { CLUSTER_CLASS_FILE, METADATA_FILE } from '../dist/layout';
import { LockEntry } from '../model/lock';
import { minorOf, stackId, stackName } from '../model/naming';
import { KObject } from '../model/object';
import { CapiApiVersion, StackContext, StackDefinition } from '../model/stack';
import type { OutputFile } from './addons';
import { metadataYaml } from './metadata';
import { toV1Beta1 } from './v1beta1';
import { stringifyYaml } from './yaml-writer';
import { validateStackObjects } from './validate';

export interface BuildOptions {
  /** @default 'v1beta2' */
  readonly capiApiVersion?: CapiApiVersion;
  /**
   * false: the class, its templates and metadata.yaml only, every class check included, no addons (what the SCS
   * cluster-class chart renders; bench:synth compares it with `helm template`). No lock hash then: it covers the
   * addons. @default true
   */
  readonly addons?: boolean;
}

/** One stack version, built in memory: its context, class objects and every file of dist/<name>/. */
export interface StackOutput {
  readonly ctx: StackContext;
  readonly classObjects: KObject[];
  readonly files: OutputFile[];
  /**
   * The content hash the lock records (stackContentHash of the v1beta2 form, whatever `files` holds); undefined
   * when the addons were not built (`addons: false`), as the lock's hash covers them.
   */
  readonly contentHash: string | undefined;
}

/** A broken stack definition: the message names the stack, the object and the field. */
export class StackDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackDefinitionError';
  }
}

export function stackContext(
  def: StackDefinition,
  entry: Pick<LockEntry, 'kubernetesVersion' | 'version'>,
): StackContext {
  return {
    id: stackId(def.provider, def.stack),
    provider: def.provider,
    stack: def.stack,
    name: stackName(def.provider, def.stack, entry.kubernetesVersion, entry.version),
    kubernetesVersion: entry.kubernetesVersion,
    minor: minorOf(entry.kubernetesVersion),
    version: entry.version,
  };
}

/**
 * The addon builder, loaded on first use: it brings the renderer (handlebars) along, and a build without addons
 * (`addons: false`) should not pay for it.
 */
function addonsModule(): typeof import('./addons') {
  return require('./addons') as typeof import('./addons'); // eslint-disable-line @typescript-eslint/no-require-imports
}

/** Builds one stack version purely (nothing is written): the class chart, metadata and addons. */
export function buildStack(
  def: StackDefinition,
  entry: Pick<LockEntry, 'kubernetesVersion' | 'version'>,
  opts: BuildOptions = {},
): StackOutput {
  let ctx: StackContext;
  try {
    ctx = stackContext(def, entry);
  } catch (e) {
    throw new StackDefinitionError(`stack definition ${def.provider}-${def.stack}: ${(e as Error).message}`);
  }
  const where = `${ctx.id} ${ctx.minor} (${ctx.name})`;
  let objects: KObject[];
  try {
    // outdir is never written: we serialize the chart ourselves to control the layout.
    const app = new App({ outdir: '.cskit-unused' });
    const chart = new Chart(app, 'cluster-class', { disableResourceNameHashes: true });
    def.buildClass(chart, ctx);
    objects = chart.toJson();
  } catch (e) {
    throw new StackDefinitionError(`${where}: building the class failed: ${(e as Error).message}`);
  }
  const errs = validateStackObjects(objects);
  if (errs.length) throw new StackDefinitionError(`${where}:\n  ${errs.join('\n  ')}`);
  // The lock hashes the v1beta2 form: keep its text when the output is converted.
  const v1beta2Class = stringifyYaml(...objects);
  if (opts.capiApiVersion === 'v1beta1') objects = toV1Beta1(objects);

  let addonFiles: OutputFile[] = [];
  if (opts.addons !== false) {
    try {
      addonFiles = addonsModule().synthesizeAddons(def, ctx);
    } catch (e) {
      throw new StackDefinitionError(`${where}: building the addons failed: ${(e as Error).message}`);
    }
  }
  const rest: OutputFile[] = [{ path: METADATA_FILE, content: metadataYaml(def, ctx) }, ...addonFiles];
  const classFile = { path: CLUSTER_CLASS_FILE, content: v1beta2Class };
  const contentHash = opts.addons === false ? undefined : stackContentHash(ctx.name, [classFile, ...rest])!;
  const files: OutputFile[] = [
    opts.capiApiVersion === 'v1beta1' ? { ...classFile, content: stringifyYaml(...objects) } : classFile,
    ...rest,
  ];
  return { ctx, classObjects: objects, files, contentHash };
}
