/**
 * Exit codes shared by every command. A FAIL (the thing checked is not compliant) is distinct from an
 * ABORT (the check could not run: bad input, unreachable server, missing permission), as in the SCS
 * standards' own test scripts.
 */
export const EXIT_OK = 0;
export const EXIT_FAIL = 1;
export const EXIT_USAGE = 2;
export const EXIT_ABORT = 3;

/**
 * An error meant for the user: the CLI prints its message (no stack trace) and exits with `exitCode`.
 * The message must say what is wrong, where (file, object, field) and how to fix it.
 */
export class UserError extends Error {
  constructor(
    message: string,
    public readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof Error && (e as Error).name === 'UserError' && typeof (e as UserError).exitCode === 'number';
}
