/**
 * Small helpers for kubeadm settings in CAPI v1beta2 form, where extra args are lists of {name, value}
 * (v1beta1 used maps; src/synth/v1beta1.ts converts).
 */
export interface Arg {
  readonly name: string;
  readonly value: string;
}

/** `{ 'bind-address': '0.0.0.0' }` → `[{ name: 'bind-address', value: '0.0.0.0' }]`, in the order written. */
export function args(map: Readonly<Record<string, string>>): Arg[] {
  return Object.entries(map).map(([name, value]) => ({ name, value }));
}

/**
 * A patch value template that appends one extra arg to a v1beta2 list. Kept in exactly this form so the
 * v1beta1 conversion can turn it back into a map key (`.../extraArgs/<name>`).
 */
export function argTemplate(name: string, goValue: string): string {
  return `{"name": "${name}", "value": ${goValue}}`;
}

/** Matches what argTemplate writes: [1] = arg name, [2] = the Go template of the value. */
export const ARG_TEMPLATE = /^\{"name": "([A-Za-z0-9-]+)", "value": (.*)\}$/s;

/** Kubelet args every node of a stack sets (the same for init and join). */
export function nodeRegistration(kubeletArgs: Readonly<Record<string, string>>, name?: string) {
  return { name, kubeletExtraArgs: args(kubeletArgs) };
}
