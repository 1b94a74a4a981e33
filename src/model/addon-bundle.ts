/**
 * The addon bundle: how a stack's addons reach the management cluster. One AddonBundle object (or `<class>-<n>`
 * parts when the addons do not fit one object) per released class, next to the ClusterClass, holding the templated
 * manifests exactly as dist/<stack>/addons/ has them (Handlebars in string leaves), their order, install phase,
 * upgrade phase and health checks. The manager reads only these objects: no source tree, no network at run time.
 * This file holds the names and shapes every side shares (synth writes them, apply ships them, verify and the
 * manager read them).
 */
import { AddonHealthCheck, AddonInput, AddonPhase, AddonUpgradePhase } from './addon';
import { KObject } from './object';

export const BUNDLE_GROUP = 'addons.cskit.io';
export const BUNDLE_VERSION = 'v1alpha1';
export const BUNDLE_API_VERSION = `${BUNDLE_GROUP}/${BUNDLE_VERSION}`;
export const BUNDLE_KIND = 'AddonBundle';
export const BUNDLE_PLURAL = 'addonbundles';
/** Every part of a class's bundle carries it: the manager lists a class's parts with this label selector. */
export const CLASS_LABEL = `${BUNDLE_GROUP}/class`;
/** clusterctl move takes objects labelled so (on the object or its CRD) along to the new management cluster. */
export const MOVE_LABEL = 'clusterctl.cluster.x-k8s.io/move';
/** clusterctl move only discovers kinds whose CRD carries this label. */
export const CLUSTERCTL_LABEL = 'clusterctl.cluster.x-k8s.io';

/**
 * The most JSON one part may hold. The API server refuses objects over ~1.5 MiB (etcd's request limit) and
 * ConfigMap-like objects are held to 1 MiB by convention; 768 KiB leaves room for metadata, labels and
 * managedFields that the server adds.
 */
export const MAX_PART_BYTES = 768 * 1024;

/** One addon as the manager uses it: what to apply (templated), in which order and phase, and how to wait for it. */
export interface BundledAddon {
  readonly name: string;
  /** 1-based install order within the stack. */
  readonly order: number;
  /** Upstream release. */
  readonly version: string;
  readonly phase: AddonPhase;
  readonly upgrade: AddonUpgradePhase;
  readonly namespace: string;
  readonly dependsOn: readonly string[];
  /** The per-cluster inputs the renderer checks (src/render/render.ts renderAddonObjects). */
  readonly inputs: readonly AddonInput[];
  readonly healthChecks: readonly AddonHealthCheck[];
  /** The addon's objects in apply order, string leaves still holding `{{path}}` expressions. */
  readonly manifests: readonly KObject[];
}

/** A class's whole bundle, joined from its parts. */
export interface AddonBundle {
  /** The ClusterClass name, e.g. `docker-scs-1-36-v2`. */
  readonly class: string;
  /** `<provider>-<stack>`, e.g. `docker-scs`. */
  readonly stack: string;
  readonly kubernetesVersion: string;
  /** In install order. */
  readonly addons: readonly BundledAddon[];
}

/** `<class>` when the bundle is one object, else `<class>-<n>` for part n (from 1). */
export function bundlePartName(className: string, part: number, parts: number): string {
  return parts === 1 ? className : `${className}-${part}`;
}
