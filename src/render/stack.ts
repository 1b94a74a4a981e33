import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { AddonInput } from '../model/addon';
import { buildRenderContext, RenderContext } from './context';
import { AddonManifest } from './crs';
import { renderAddonObjects } from './render';

/** A problem with the files `cskit addons` reads; the message says which file and how to fix it. */
export class AddonInputFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AddonInputFileError';
  }
}

/** One entry of dist/<stack>/addons.yaml (written by src/synth/addons.ts). */
export interface AddonIndexEntry {
  readonly name: string;
  readonly order: number;
  readonly version: string;
  readonly phase: string;
  readonly namespace: string;
  readonly description: string;
  readonly dependsOn?: string[];
  readonly file: string;
  readonly images: Record<string, string>;
  readonly inputs: AddonInput[];
}
export interface AddonIndex {
  readonly stack: string;
  readonly kubernetesVersion: string;
  readonly addons: AddonIndexEntry[];
}

/** Parses every YAML document of a file (YAML 1.1, as cdk8s writes it); errors name the file and line. */
export function readYamlDocs(file: string): unknown[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new AddonInputFileError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const docs = parseAllDocuments(text, { version: '1.1' });
  const out: unknown[] = [];
  for (const d of Array.isArray(docs) ? docs : [docs]) {
    if (d.errors.length) {
      const err = d.errors[0];
      throw new AddonInputFileError(
        `${file}: invalid YAML at line ${err.linePos?.[0].line ?? '?'}: ${err.message.split('\n')[0]}`,
      );
    }
    const v = d.toJS();
    if (v !== null && v !== undefined) out.push(v);
  }
  return out;
}

function stackDir(distDir: string, stack: string): string {
  const dir = path.join(distDir, stack);
  if (!fs.existsSync(dir)) {
    const known = fs.existsSync(distDir)
      ? fs
          .readdirSync(distDir)
          .filter((d) => fs.existsSync(path.join(distDir, d, 'cluster-class.yaml')))
          .sort()
      : [];
    throw new AddonInputFileError(
      `stack ${stack} is not in ${distDir}/ (${known.length ? `known: ${known.join(', ')}` : 'nothing synthesized'}); run \`cskit synth\` first or pass --dist`,
    );
  }
  return dir;
}

export function readAddonIndex(distDir: string, stack: string): AddonIndex {
  const file = path.join(stackDir(distDir, stack), 'addons.yaml');
  if (!fs.existsSync(file))
    throw new AddonInputFileError(
      `${file} does not exist: stack ${stack} ships no addons (or was synthesized before addons existed; run \`cskit synth\`)`,
    );
  const [doc] = readYamlDocs(file) as AddonIndex[];
  if (!doc || !Array.isArray(doc.addons))
    throw new AddonInputFileError(`${file}: not an addon index (no addons list); run \`cskit synth\` again`);
  return doc;
}

/** The one Cluster object of a cluster file. */
export function readCluster(file: string): unknown {
  const clusters = readYamlDocs(file).filter((d) => (d as { kind?: string })?.kind === 'Cluster');
  if (clusters.length !== 1) {
    throw new AddonInputFileError(
      `${file}: expected exactly one Cluster object (kind: Cluster), found ${clusters.length}; put one Cluster per file`,
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
  const index = readAddonIndex(distDir, stack);
  const dir = stackDir(distDir, stack);
  const cluster = readCluster(clusterFile);
  const context = buildRenderContext(cluster, readYamlDocs(path.join(dir, 'cluster-class.yaml')), clusterFile);
  if (context.cluster.clusterClass && context.cluster.clusterClass !== stack) {
    throw new AddonInputFileError(
      `${clusterFile}: Cluster ${context.cluster.name} uses ClusterClass ${context.cluster.clusterClass}, not ${stack}; render the stack the Cluster uses (spec.topology.classRef.name)`,
    );
  }
  const problems: string[] = [];
  const manifests: AddonManifest[] = [];
  for (const entry of [...index.addons].sort((a, b) => a.order - b.order)) {
    const objects = readYamlDocs(path.join(dir, entry.file));
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
    throw new AddonInputFileError(
      `cannot render ${stack} for ${clusterFile}:\n  ${problems.join('\n').split('\n').join('\n  ')}`,
    );
  return { index, context, manifests };
}
