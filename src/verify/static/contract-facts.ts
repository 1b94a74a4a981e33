/**
 * Which Kubernetes minors each Cluster API minor supports as workload clusters, and which Cluster API minors each
 * CAPO (cluster-api-provider-openstack) minor works with: the facts behind `capi/kubernetes-support`
 * (contract-rules.ts). Facts carried over from upstream, each with its source; update them with each new minor.
 *
 * Cluster API states the range in every release's notes ("👌 Kubernetes version support … Workload Cluster"), and the
 * range of a minor widens with its patches (v1.13.3 said v1.30–v1.36, v1.13.6 says v1.30–v1.37); we record the
 * newest patch's statement:
 * - v1.11.1: https://github.com/kubernetes-sigs/cluster-api/releases/tag/v1.11.1 — workload v1.28.x -> v1.34.x
 * - v1.12.11: https://github.com/kubernetes-sigs/cluster-api/releases/tag/v1.12.11 — workload v1.29.x -> v1.36.x
 * - v1.13.6: https://github.com/kubernetes-sigs/cluster-api/releases/tag/v1.13.6 — workload v1.30.x -> v1.37.x
 * - v1.14.4: https://github.com/kubernetes-sigs/cluster-api/releases/tag/v1.14.4 — workload v1.31.x -> v1.37.x
 * The v1beta2 API (what cskit synthesizes) is served from Cluster API v1.11 on; v1beta1 by every 1.x in this table.
 *
 * CAPO publishes no Kubernetes range of its own (its README: "Each version of Cluster API for OpenStack will attempt
 * to support two Kubernetes versions"); per the Cluster API book a provider supports a subset of what the Cluster
 * API it works with supports. Its README's "Compatibility with Cluster API" table (kubernetes-sigs/
 * cluster-api-provider-openstack README.md at v0.14.7): v0.14 >= CAPI v1.12, v0.13 >= CAPI v1.11. Its e2e tests
 * (test/e2e/data/e2e_conf.yaml) run Kubernetes v1.32→v1.33 (v0.13.x) and v1.34→v1.35 (v0.14.x). Both serve
 * infrastructure.cluster.x-k8s.io/v1beta1 only.
 */

/** A Kubernetes minor as [major, minor], e.g. [1, 37]. */
export type Minor = readonly [number, number];

export interface CapiRelease {
  readonly minor: string;
  /** Oldest and newest Kubernetes minor supported for workload clusters. */
  readonly workload: readonly [Minor, Minor];
  /** The cluster.x-k8s.io API versions it serves. */
  readonly serves: readonly string[];
  readonly source: string;
}

export interface CapoRelease {
  readonly minor: string;
  /** The oldest Cluster API minor it works with. */
  readonly capi: string;
  /** Kubernetes minors its e2e tests run (information: CAPO states no range). */
  readonly e2eKubernetes: readonly Minor[];
  readonly source: string;
}

const NOTES = 'https://github.com/kubernetes-sigs/cluster-api/releases/tag/';
const CAPO = 'kubernetes-sigs/cluster-api-provider-openstack README.md "Compatibility with Cluster API", ';

export const CAPI_RELEASES: readonly CapiRelease[] = [
  {
    minor: 'v1.11',
    workload: [
      [1, 28],
      [1, 34],
    ],
    serves: ['v1beta1', 'v1beta2'],
    source: `${NOTES}v1.11.1`,
  },
  {
    minor: 'v1.12',
    workload: [
      [1, 29],
      [1, 36],
    ],
    serves: ['v1beta1', 'v1beta2'],
    source: `${NOTES}v1.12.11`,
  },
  {
    minor: 'v1.13',
    workload: [
      [1, 30],
      [1, 37],
    ],
    serves: ['v1beta1', 'v1beta2'],
    source: `${NOTES}v1.13.6`,
  },
  {
    minor: 'v1.14',
    workload: [
      [1, 31],
      [1, 37],
    ],
    serves: ['v1beta1', 'v1beta2'],
    source: `${NOTES}v1.14.4`,
  },
];

export const CAPO_RELEASES: readonly CapoRelease[] = [
  {
    minor: 'v0.13',
    capi: 'v1.11',
    e2eKubernetes: [
      [1, 32],
      [1, 33],
    ],
    source: `${CAPO}v0.13 >= v1.11`,
  },
  {
    minor: 'v0.14',
    capi: 'v1.12',
    e2eKubernetes: [
      [1, 34],
      [1, 35],
    ],
    source: `${CAPO}v0.14 >= v1.12`,
  },
];

export const compareMinor = (a: Minor, b: Minor): number => a[0] - b[0] || a[1] - b[1];
export const formatMinor = (m: Minor): string => `${m[0]}.${m[1]}`;
const capiMinor = (v: string): Minor => v.slice(1).split('.').map(Number) as unknown as Minor;
/** Compares Cluster API minors such as `v1.12` and `v1.9`. */
export const compareCapi = (a: string, b: string): number => compareMinor(capiMinor(a), capiMinor(b));
