import { ApiStatusError } from '../kube/apply-types';

/**
 * Apply refused to start (nothing was written): Cluster API missing, an immutable class changed, an ApplySet of
 * another tool. The CLI turns it into a user error.
 */
export class ApplyAbort extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApplyAbort';
  }
}

/** The managers named in a 409 apply conflict (`conflict with "kubectl" using v1: .data.a`). */
export function conflictManagers(e: ApiStatusError): string[] {
  const texts = [e.message, ...e.causes.map((c) => c.message ?? '')];
  return [...new Set(texts.flatMap((t) => [...t.matchAll(/conflicts? with "([^"]+)"/g)].map((m) => m[1])))];
}

/** One line (plus indented field lines) that says what failed and how to fix it. */
export function describeFailure(e: unknown): string {
  if (!(e instanceof ApiStatusError)) return e instanceof Error ? e.message : String(e);
  if (e.status === 409 && (e.reason === 'Conflict' || e.causes.some((c) => c.reason === 'FieldManagerConflict'))) {
    const managers = conflictManagers(e);
    const fields = e.causes.map((c) => c.field).filter(Boolean);
    if (managers.length) {
      const owned = !fields.length
        ? 'fields are'
        : `field${fields.length > 1 ? 's' : ''} ${fields.join(', ')} ${fields.length > 1 ? 'are' : 'is'}`;
      return (
        `conflict: ${owned} ` +
        `owned by field manager ${managers.map((m) => `"${m}"`).join(', ')}; re-run with --force-conflicts to ` +
        `take them over ` +
        '(the other tool may set them back), or leave these fields out of the input'
      );
    }
  }
  if ((e.status === 422 || e.status === 400) && e.causes.length) {
    const lines = e.causes.map((c) => `    ${c.field ? `${c.field}: ` : ''}${c.message ?? c.reason ?? ''}`);
    return (
      `rejected by the server (HTTP ${e.status}${e.reason ? ` ${e.reason}` : ''}), fix these ` +
      `fields:\n${lines.join('\n')}`
    );
  }
  if (e.status === 422 || e.status === 400)
    return `rejected by the server (HTTP ${e.status}${e.reason ? ` ${e.reason}` : ''}): ${e.message}`;
  if (e.status === 403) return `${e.message}; the kubeconfig's user needs get/list/patch/delete on this resource`;
  return e.message;
}
