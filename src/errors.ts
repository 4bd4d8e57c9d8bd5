/**
 * One error type for everything the user can get wrong or the machine can lack.
 * The message is a short paragraph: what failed, why, and what to do about it; `cause`
 * keeps the error underneath (the CLI prints it too).
 */
export class IuError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "IuError";
  }
}
