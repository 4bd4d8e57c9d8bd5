/**
 * Writes the bundled CLI that bin/iu.js runs: dist/cli/main.mjs and its chunks, from the
 * modules tsc wrote to dist/src. Node reads a few files instead of a hundred, which is
 * most of the CLI's start-up in the VM, where every file is read over 9p under emulation.
 * Commands import their modules when they run, and stay separate chunks (--splitting).
 */
import { build } from "esbuild";
import { join } from "node:path";
import { repoRoot } from "../env/paths.js";

await build({
  entryPoints: [join(repoRoot, "dist/src/cli/main.js")],
  outdir: join(repoRoot, "dist/cli"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outExtension: { ".js": ".mjs" },
  chunkNames: "[name]-[hash]",
  // koffi is a native addon found at run time; vega is large and only the plot needs it
  external: ["koffi", "vega", "vega-lite"],
  // bundled CommonJS packages (commander, cli-progress) call require() for node: modules
  banner: {
    js: "import { createRequire as __iuRequire } from 'node:module'; const require = __iuRequire(import.meta.url);",
  },
  // smaller sources compile faster (identifiers kept, so stacks stay readable)
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
});
