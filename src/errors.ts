/**
 * One error type for everything the user can get wrong or the machine can lack.
 * The message is a short paragraph: what failed, why, and what to do about it.
 */
export class IuError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "IuError";
  }
}
