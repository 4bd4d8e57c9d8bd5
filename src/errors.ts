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

/**
 * The whole text of an error for a report: its message, then each cause's, nothing cut.
 * With `stacks`, an error that is not an IuError (a bug, not the user's mistake) shows its stack.
 */
export function errorText(e: unknown, opts: { stacks?: boolean } = {}): string {
  const one = (x: unknown) =>
    !(x instanceof Error)
      ? String(x)
      : opts.stacks && !(x instanceof IuError)
        ? (x.stack ?? x.message)
        : x.message;
  let text = one(e);
  let c = e instanceof Error ? e.cause : undefined;
  for (let depth = 0; c !== undefined && depth < 8; depth++) {
    text += `\ncaused by: ${one(c)}`;
    c = c instanceof Error ? c.cause : undefined;
  }
  return text;
}
