/**
 * Names follow the SCS cluster stacks so CSO users can switch: `<provider>-<stack>-<maj>-<min>-v<N>`.
 * CSO splits names on `-`, so provider and stack names must not contain dashes.
 */
const PART = /^[a-z][a-z0-9]*$/;
const STACK_VERSION = /^v(0|[1-9][0-9]*)$/;
const NAME = /^([a-z][a-z0-9]*)-([a-z][a-z0-9]*)-(\d+)-(\d+)-(v(?:0|[1-9][0-9]*))$/;

export interface StackName {
  readonly provider: string;
  readonly stack: string;
  readonly major: number;
  readonly minor: number;
  /** `v1`, `v2`, … */
  readonly version: string;
}

export function validateNamePart(kind: 'provider' | 'stack', value: string): string | undefined {
  if (PART.test(value)) return undefined;
  return (
    `invalid ${kind} name "${value}": use lower-case letters and digits only, starting with a letter ` +
    '(no dashes: CSO and cskit split stack names on "-")'
  );
}

export function validateStackVersion(value: string): string | undefined {
  return STACK_VERSION.test(value) ? undefined : `invalid stack version "${value}", expecting v<N> such as v1`;
}

/** `openstack`, `scs`, `1.36.4` or `1.36`, `v2` → `openstack-scs-1-36-v2`. */
export function stackName(provider: string, stack: string, kubernetesVersion: string, version: string): string {
  for (const err of [
    validateNamePart('provider', provider),
    validateNamePart('stack', stack),
    validateStackVersion(version),
  ]) {
    if (err) throw new Error(err);
  }
  const { major, minor } = parseMinor(kubernetesVersion);
  return `${provider}-${stack}-${major}-${minor}-${version}`;
}

export function parseStackName(name: string): StackName | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  return { provider: m[1], stack: m[2], major: Number(m[3]), minor: Number(m[4]), version: m[5] };
}

/** The key of a stack definition: `<provider>-<stack>`, e.g. `openstack-scs` (also its folder in classes/). */
export function stackId(provider: string, stack: string): string {
  return `${provider}-${stack}`;
}

/** `1.36.4`, `v1.36.4` or `1.36` → `{ major: 1, minor: 36 }`. */
export function parseMinor(version: string): { major: number; minor: number } {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(version);
  if (!m) throw new Error(`invalid Kubernetes version "${version}", expecting MAJOR.MINOR[.PATCH] such as 1.36.4`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/** `1.36.4` → `1.36`. */
export function minorOf(version: string): string {
  const { major, minor } = parseMinor(version);
  return `${major}.${minor}`;
}

/** Orders `MAJOR.MINOR` strings numerically (`1.9` before `1.10`). */
export function compareMinor(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/** Template names referenced by a class: `<class>-control-plane`, `<class>-cluster`, `<class>-<worker class>`. */
export const templateNames = {
  cluster: (cls: string) => `${cls}-cluster`,
  controlPlane: (cls: string) => `${cls}-control-plane`,
  worker: (cls: string, workerClass: string) => `${cls}-${workerClass}`,
};
