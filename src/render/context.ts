import { InputError as ClusterInputError } from '../util/errors';
import { kubernetesVersionError } from '../k8s-versions/version';
import { clusterSchemaProblems } from './cluster-schema';

/** What an addon template can see for one Cluster; paths are what `{{…}}` expressions and inputs use. */
export interface RenderContext {
  readonly cluster: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
    readonly annotations: Record<string, string>;
    /** spec.topology.version, e.g. `v1.36.4`. */
    readonly version?: string;
    readonly clusterClass?: string;
    readonly podCIDRs?: string;
    readonly serviceCIDRs?: string;
    readonly serviceDomain?: string;
  };
  readonly controlPlaneEndpoint?: { readonly host?: string; readonly port?: number };
  /** ClusterClass topology variables: schema defaults, overridden by the Cluster's spec.topology.variables. */
  readonly variables: Record<string, unknown>;
}

/** A Cluster (or ClusterClass) that cannot be rendered for is bad input: the one InputError (exit 2). */
export { InputError as ClusterInputError } from '../util/errors';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const strMap = (v: unknown): Record<string, string> =>
  isObj(v)
    ? (Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<string, string>)
    : {};
const cidrs = (v: unknown): string | undefined => {
  const blocks = isObj(v) ? v.cidrBlocks : undefined;
  return Array.isArray(blocks) && blocks.length ? blocks.join(',') : undefined;
};

/** Defaults of every ClusterClass variable that declares one (v1beta2 and v1beta1 have the same shape here). */
export function classVariableDefaults(classObjects: readonly unknown[]): Record<string, unknown> {
  const cc = classObjects.find((o) => isObj(o) && o.kind === 'ClusterClass') as Obj | undefined;
  if (!cc) throw new ClusterInputError('no ClusterClass object found in cluster-class.yaml; run `cskit synth` again');
  const out: Record<string, unknown> = {};
  const vars = isObj(cc.spec) && Array.isArray(cc.spec.variables) ? cc.spec.variables : [];
  for (const v of vars) {
    if (!isObj(v) || typeof v.name !== 'string') continue;
    const schema = isObj(v.schema) && isObj(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : undefined;
    if (schema && schema.default !== undefined) out[v.name] = schema.default;
  }
  return out;
}

/** Builds the context for `cluster` (a parsed Cluster object) from the file `where`. */
export function buildRenderContext(cluster: unknown, classObjects: readonly unknown[], where: string): RenderContext {
  if (!isObj(cluster) || cluster.kind !== 'Cluster') {
    throw new ClusterInputError(
      `${where}: expected a Cluster object (kind: Cluster), found ` +
        `${isObj(cluster) ? `kind ${JSON.stringify(cluster.kind)}` : 'no object'}`,
    );
  }
  // Every field below is read by type: a field of the wrong type must be an error here, not silently ignored.
  const problems = clusterSchemaProblems(cluster);
  if (problems.length) {
    const name =
      isObj(cluster.metadata) && typeof cluster.metadata.name === 'string' ? ` ${cluster.metadata.name}` : '';
    throw new ClusterInputError(
      `${where}: Cluster${name} does not match the Cluster API schema${
        typeof cluster.apiVersion === 'string' ? ` of ${cluster.apiVersion}` : ''
      }; fix:\n  ` + problems.join('\n  '),
    );
  }
  const md = isObj(cluster.metadata) ? cluster.metadata : {};
  if (typeof md.name !== 'string' || !md.name)
    throw new ClusterInputError(`${where}: Cluster has no metadata.name; set it`);
  const spec = isObj(cluster.spec) ? cluster.spec : {};
  const topology = isObj(spec.topology) ? spec.topology : {};
  const net = isObj(spec.clusterNetwork) ? spec.clusterNetwork : {};
  // Cluster API's webhook refuses a topology version that is not a semantic version; templates print it as given.
  const badVersion = typeof topology.version === 'string' ? kubernetesVersionError(topology.version) : undefined;
  if (badVersion) throw new ClusterInputError(`${where}: spec.topology.version: ${badVersion}`);
  const variables = { ...classVariableDefaults(classObjects) };
  const tv = Array.isArray(topology.variables) ? topology.variables : [];
  tv.forEach((v, i) => {
    if (!isObj(v) || typeof v.name !== 'string')
      throw new ClusterInputError(`${where}: spec.topology.variables[${i}] needs a name and a value`);
    variables[v.name] = v.value;
  });
  const cls = isObj(topology.classRef) ? topology.classRef.name : topology.class;
  const cpe = isObj(spec.controlPlaneEndpoint) ? spec.controlPlaneEndpoint : undefined;
  return {
    cluster: {
      name: md.name,
      namespace: typeof md.namespace === 'string' ? md.namespace : 'default',
      labels: strMap(md.labels),
      annotations: strMap(md.annotations),
      version: typeof topology.version === 'string' ? topology.version : undefined,
      clusterClass: typeof cls === 'string' ? cls : undefined,
      podCIDRs: cidrs(net.pods),
      serviceCIDRs: cidrs(net.services),
      serviceDomain: typeof net.serviceDomain === 'string' ? net.serviceDomain : undefined,
    },
    controlPlaneEndpoint: cpe
      ? {
          host: typeof cpe.host === 'string' && cpe.host ? cpe.host : undefined,
          port: typeof cpe.port === 'number' ? cpe.port : undefined,
        }
      : undefined,
    variables,
  };
}
