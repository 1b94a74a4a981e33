/**
 * Checks the Cluster a render reads against the Cluster API schema of its apiVersion (the CRD schemas bundled for
 * `cskit verify`, with their precompiled validators), before any field is used: a wrongly typed field (`classRef` as a
 * string, `topology.variables` as a map, `namespace: 5`) would otherwise be skipped silently and the render would
 * go on with defaults, or skip the check that the Cluster uses this stack.
 */
import { stripNulls } from '../schema/convert';
import { toProblems } from '../schema/errors';
import { SchemaRegistry, sharedRegistry } from '../schema/registry';

/** What is wrong with a Cluster object, one line per field (`spec.topology.classRef: expected object, found …`). */
export function clusterSchemaProblems(
  cluster: Record<string, unknown>,
  registry: SchemaRegistry = sharedRegistry(),
): string[] {
  const apiVersion = cluster.apiVersion;
  const known = registry.versionsOf('cluster.x-k8s.io/v1beta2', 'Cluster');
  if (typeof apiVersion !== 'string' || !registry.has(apiVersion, 'Cluster')) {
    return [
      `apiVersion: expected one of ${known.join(', ')} (Cluster API Cluster), found ${
        apiVersion === undefined ? 'nothing' : JSON.stringify(apiVersion)
      }`,
    ];
  }
  const validate = registry.validator(apiVersion, 'Cluster');
  if (!validate) return [];
  // The apiserver drops null fields (`creationTimestamp: null`) before validating; so do we.
  const data = stripNulls(cluster);
  if (validate(data)) return [];
  return toProblems(validate.errors ?? [], data).map(
    (p) =>
      `${p.path || '(the object)'}: expected ${p.expected}, found ${p.found}` +
      (p.suggestion ? ` (did you mean "${p.suggestion}"?)` : ''),
  );
}
