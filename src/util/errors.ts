/**
 * The one error type for bad input: a file, flag or object the user gave that cskit cannot use. Every room throws it
 * (readers, renderers, planners); the CLI maps it to exit 2 and prints only its message, so the message must say
 * what is wrong, where (file:line:column, object, field) and how to fix it — and never carry a secret value.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** True for an InputError from any copy of this module (jest may load src/ and lib/ side by side). */
export function isInputError(e: unknown): e is InputError {
  return e instanceof Error && e.name === 'InputError';
}
