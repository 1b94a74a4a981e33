/**
 * Reads what `cskit addons list/render` need from a synthesized stack (through src/dist, the one reader of the
 * dist/ layout) and the Cluster file, and renders the stack's addons for that Cluster.
 */
import * as path from 'path';
import { AddonIndex } from '../dist/addon-index';
import { ADDON_INDEX_FILE, CLUSTER_CLASS_FILE, stackDirIn } from '../dist/layout';
import { StackDir, readStackDir } from '../dist/stack-dir';
import { InputError } from '../util/errors';
import { readYamlFile } from '../util/yaml';
import { buildRenderContext, RenderContext } from './context';
import { AddonManifest } from './crs';
import { renderAddonObjects } from './render';

/** The stack folder of `stack` in `distDir`, read and checked; it must ship addons (an addons.yaml). */
function readAddonStack(distDir: string, stack: string): StackDir & { addonIndex: AddonIndex } {
  const dir = readStackDir(stackDirIn(distDir, stack));
  if (!dir.addonIndex)
    throw new InputError(
      `${path.join(dir.dir, ADDON_INDEX_FILE)} does not exist: stack ${stack} ships no addons ` +
        '(or was synthesized before addons existed; run `cskit synth`)',
    );
  return dir as StackDir & { addonIndex: AddonIndex };
}

/** dist/<stack>/addons.yaml, checked (src/dist/addon-index.ts). */
export function readAddonIndex(distDir: string, stack: string): AddonIndex {
  return readAddonStack(distDir, stack).addonIndex;
}

/** The one Cluster object of a cluster file. */
export function readCluster(file: string): unknown {
  const clusters = readYamlFile(file, 'cluster')
    .map((d) => d.value)
    .filter((d) => (d as { kind?: string })?.kind === 'Cluster');
  if (clusters.length !== 1) {
    throw new InputError(
      `${file}: expected exactly one Cluster object (kind: Cluster), found ${clusters.length}; ` +
        'put one Cluster per file',
    );
  }
  return clusters[0];
}

export interface RenderedStack {
  readonly index: AddonIndex;
  readonly context: RenderContext;
  readonly manifests: AddonManifest[];
}

/**
 * Renders a synthesized stack's addons for one Cluster: context from the Cluster file and the stack's
 * ClusterClass variable defaults, every declared input checked, every string leaf rendered.
 */
export function renderStack(distDir: string, stack: string, clusterFile: string): RenderedStack {
  const dir = readAddonStack(distDir, stack);
  const index = dir.addonIndex;
  const cluster = readCluster(clusterFile);
  const context = buildRenderContext(
    cluster,
    dir.objects.filter((o) => o.path === CLUSTER_CLASS_FILE).map((o) => o.obj),
    clusterFile,
  );
  if (context.cluster.clusterClass && context.cluster.clusterClass !== stack) {
    throw new InputError(
      `${clusterFile}: Cluster ${context.cluster.name} uses ClusterClass ${context.cluster.clusterClass}, ` +
        `not ${stack}; render the stack the Cluster uses (spec.topology.classRef.name)`,
    );
  }
  const problems: string[] = [];
  const manifests: AddonManifest[] = [];
  for (const entry of [...index.addons].sort((a, b) => a.order - b.order)) {
    // Only objects of the files read from the stack folder: an index entry cannot make us open another path.
    const objects = dir.objects.filter((o) => o.path === entry.file).map((o) => o.obj);
    try {
      manifests.push({
        order: entry.order,
        addon: entry.name,
        objects: renderAddonObjects(entry.name, entry.inputs ?? [], objects, context),
      });
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (problems.length)
    throw new InputError(
      `cannot render ${stack} for ${clusterFile}:\n  ${problems.join('\n').split('\n').join('\n  ')}`,
    );
  return { index, context, manifests };
}
