import { checkClusterClass } from '../model/class-rules';
import { KObject } from '../model/object';

/**
 * Checks a stack version's rendered objects for the definition mistakes Cluster API would reject (or that
 * would break a release), before anything is written. Each problem names the object and the field.
 */

export function objectLabel(o: KObject): string {
  return `${o.kind ?? '<no kind>'} ${o.metadata?.name ?? '<no name>'}`;
}

export function validateStackObjects(objects: readonly KObject[]): string[] {
  const errs: string[] = [];
  objects.forEach((o, i) => {
    if (!o.apiVersion || !/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/.test(o.apiVersion))
      errs.push(`object #${i} (${objectLabel(o)}): apiVersion: invalid "${o.apiVersion}", expecting GROUP/VERSION`);
    if (!o.kind) errs.push(`object #${i}: kind: missing`);
    if (!o.metadata?.name) errs.push(`object #${i} (${objectLabel(o)}): metadata.name: missing; set an explicit name`);
  });
  for (const cc of objects.filter((o) => o.kind === 'ClusterClass')) {
    errs.push(...checkClusterClass(cc, objects).map((p) => `${objectLabel(cc)}: ${p.path}: ${p.message}`));
  }
  return errs;
}

/** Class names must be unique across everything one synth produces (two definitions may not collide). */
export function duplicateNames(names: readonly { name: string; source: string }[]): string[] {
  const seen = new Map<string, string>();
  const errs: string[] = [];
  for (const { name, source } of names) {
    const first = seen.get(name);
    if (first)
      errs.push(
        `duplicate ClusterClass name "${name}" from ${first} and ${source}; ` +
          'give the stacks different provider or stack names',
      );
    else seen.set(name, source);
  }
  return errs;
}
