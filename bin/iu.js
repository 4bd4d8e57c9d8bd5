#!/usr/bin/env node
// The `iu` command. It runs the bundled CLI in dist/cli (written by `npm install` or
// `npm run build`, after tsc), which starts several times faster than the hundred modules
// of dist/src, above all in the VM; it runs those when tsc has written them since the bundle.
import { statSync } from "node:fs";

const mtime = (rel) => statSync(new URL(rel, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundle = "../dist/cli/main.mjs";
const modules = "../dist/src/cli/main.js";
const { run } = await import(mtime(bundle) >= mtime(modules) ? bundle : modules);
await run(process.argv);
