#!/usr/bin/env node
// The `iu` command: runs the compiled CLI in dist/ (built by `npm install` through the prepare script).
import { main } from "../dist/src/cli/main.js";

main(process.argv).catch((err) => {
  process.stderr.write(`iu: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(typeof err?.exitCode === "number" ? err.exitCode : 1);
});
