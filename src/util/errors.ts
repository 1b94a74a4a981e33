/** PLACEHOLDER until the lead's src/util/errors.ts lands on main (then main's version replaces this file). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
