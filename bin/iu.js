#!/usr/bin/env node
// The `iu` command: runs the compiled CLI in dist/ (built by `npm install` through the prepare script).
import { main } from "../dist/src/cli/main.js";
import { IuError } from "../dist/src/errors.js";

/** An IuError is the tool's own word: its message. Anything else is a bug: its stack. Then the causes. */
function describe(err) {
  if (!(err instanceof Error)) return String(err);
  let text = err instanceof IuError ? err.message : (err.stack ?? err.message);
  for (let c = err.cause, depth = 0; c !== undefined && depth < 8; c = c?.cause, depth++)
    text += `\ncaused by: ${c instanceof Error ? (c instanceof IuError ? c.message : (c.stack ?? c.message)) : String(c)}`;
  return text;
}

main(process.argv).catch((err) => {
  process.stderr.write(`iu: ${describe(err)}\n`);
  process.exit(typeof err?.exitCode === "number" ? err.exitCode : 1);
});
