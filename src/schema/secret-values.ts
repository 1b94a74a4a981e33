/**
 * Which values of an object are secrets that no finding may show, in any output format: a Secret's `data` and
 * `stringData`, and the credentials of a kubeconfig (`kind: Config`: its users, where tokens, passwords and client
 * keys live). Findings still name the field and describe the value's type and size (schema/errors.ts `describe`).
 */

const SECRET_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Secret: ['data', 'stringData'],
  Config: ['users'],
};

/** Whether the value at `pointer` (a JSON pointer such as `/data/token`) inside `obj` is secret, or holds secrets. */
export function isSecretValue(obj: unknown, pointer: string): boolean {
  if (!obj || typeof obj !== 'object') return false;
  const fields = SECRET_FIELDS[String((obj as { kind?: unknown }).kind)];
  if (!fields) return false;
  const top = pointer.split('/')[1]?.replace(/~1/g, '/').replace(/~0/g, '~');
  return top !== undefined && fields.includes(top);
}
