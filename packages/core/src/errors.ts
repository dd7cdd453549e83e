/**
 * The one error type for a mistake in what a person gave Vigil: command-line arguments, Action inputs, spec,
 * data and feedback files, paths, time windows, configuration. Every entry point reports it the same way, in
 * one line without a stack (the CLI exits 3, the Action fails its step with the message); anything else is an
 * internal error. The message names the bad field or input and says how to fix it.
 *
 * Entry points recognise it with `isUserError`, which also accepts an error made by another copy of this
 * module (two versions of @vigil/core in one install, or a bundle beside a package): the brand is a global
 * symbol, so the check does not rest on class identity nor on a name string anyone could reuse.
 */
const USER_ERROR: unique symbol = Symbol.for('vigil.userError');

export class UserError extends Error {
  override name = 'UserError';
  /** The brand (set in the constructor, not enumerable): tells a user error from any other Error. */
  declare readonly [USER_ERROR]: true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    Object.defineProperty(this, USER_ERROR, { value: true });
  }
}

/** A bad input value or file (data, logs, feedback, a path, a time window); a subclass of UserError. */
export class InputError extends UserError {
  override name = 'InputError';
}

/** True for a UserError (or a subclass), from this copy of the core or another one. */
export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError || (e instanceof Error && (e as Partial<UserError>)[USER_ERROR] === true);
}
