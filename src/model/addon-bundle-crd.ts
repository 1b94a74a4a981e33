/**
 * The AddonBundle CustomResourceDefinition, written as our own TypeScript object: `cskit apply` installs it with
 * every stack folder that has a bundle, and the schema registry (src/schema/registry.ts) validates bundles with its
 * openAPIV3Schema, so the API server, `cskit verify` and the manager's reader judge a bundle by the same rules.
 *
 * Namespaced, so a bundle lives next to its ClusterClass (apply puts both in --namespace) and `clusterctl move`
 * can take it along (src/model/crd.ts: every object of the kind moves, like CAPI's own ClusterClasses).
 */
import { ADDON_PHASES, ADDON_UPGRADE_PHASES, HEALTH_CHECK_TYPES } from './addon';
import { KObject } from './object';
import { BUNDLE_GROUP, BUNDLE_KIND, BUNDLE_PLURAL, BUNDLE_VERSION } from './addon-bundle';
import { namespacedCrd } from './crd';

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const str = (extra: Record<string, unknown> = {}) => ({ type: 'string', ...extra });
const strings = { type: 'array', items: { type: 'string' } };

const healthCheck = {
  type: 'object',
  required: ['type', 'apiVersion', 'kind', 'name'],
  properties: {
    type: str({ enum: [...HEALTH_CHECK_TYPES] }),
    apiVersion: str({ minLength: 1 }),
    kind: str({ minLength: 1 }),
    name: str({ minLength: 1 }),
    namespace: str(),
  },
};

const input = {
  type: 'object',
  required: ['path', 'type'],
  properties: {
    path: str({ minLength: 1 }),
    type: str({ enum: ['string', 'integer', 'number', 'boolean'] }),
    description: str(),
  },
};

/** A templated manifest: any Kubernetes object (its string leaves may hold `{{path}}`), kept as written. */
const manifest = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata'],
  'x-kubernetes-preserve-unknown-fields': true,
  properties: {
    apiVersion: str({ minLength: 1 }),
    kind: str({ minLength: 1 }),
    metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};

const addon = {
  type: 'object',
  required: ['name', 'order', 'version', 'phase', 'upgrade', 'namespace', 'manifests'],
  properties: {
    name: str({ pattern: DNS_LABEL, maxLength: 63 }),
    order: { type: 'integer', minimum: 1 },
    version: str({ minLength: 1 }),
    phase: str({ enum: [...ADDON_PHASES] }),
    upgrade: str({ enum: [...ADDON_UPGRADE_PHASES] }),
    namespace: str({ pattern: DNS_LABEL, maxLength: 63 }),
    dependsOn: strings,
    inputs: { type: 'array', items: input },
    healthChecks: { type: 'array', items: healthCheck },
    manifests: { type: 'array', items: manifest },
  },
};

export const BUNDLE_SCHEMA = {
  type: 'object',
  description:
    "A released class's addons for the cskit addon manager (docs/addons.md). " +
    'Immutable: a change is a new class version.',
  required: ['spec'],
  properties: {
    apiVersion: str(),
    kind: str(),
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      // No stack version field: the class name carries it, and the content hash maps the name to a neutral one.
      required: ['class', 'stack', 'kubernetesVersion', 'part', 'parts', 'addons'],
      properties: {
        class: str({ pattern: DNS_LABEL, maxLength: 63 }),
        stack: str({ pattern: DNS_LABEL }),
        kubernetesVersion: str({ pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$' }),
        part: { type: 'integer', minimum: 1 },
        parts: { type: 'integer', minimum: 1 },
        addons: { type: 'array', items: addon },
      },
    },
  },
};

/** The CRD object; apply sends it at the CustomResourceDefinitions level. */
export function bundleCrd(): KObject {
  return namespacedCrd({
    group: BUNDLE_GROUP,
    version: BUNDLE_VERSION,
    kind: BUNDLE_KIND,
    plural: BUNDLE_PLURAL,
    singular: 'addonbundle',
    openAPIV3Schema: BUNDLE_SCHEMA,
    printerColumns: [
      { name: 'Class', type: 'string', jsonPath: '.spec.class' },
      { name: 'Kubernetes', type: 'string', jsonPath: '.spec.kubernetesVersion' },
      { name: 'Part', type: 'integer', jsonPath: '.spec.part' },
      { name: 'Parts', type: 'integer', jsonPath: '.spec.parts' },
    ],
  });
}
