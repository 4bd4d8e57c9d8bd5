/** The sample programs under samples/: every directory with a Cargo.toml, built with `iu build`. */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../env/paths.js";
import { build, type BuildOptions, type BuildResult } from "./build.js";

export function sampleDirs(root = join(repoRoot, "samples")): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, "Cargo.toml")))
    .map((d) => join(root, d.name))
    .sort();
}

/**
 * Builds every sample to its default output (samples/NAME/target/iu/NAME.iu), where the
 * in-VM tests look for them. Sequential: builds share one cargo target directory.
 */
export function buildSamples(opts: Omit<BuildOptions, "out"> = {}): BuildResult[] {
  return sampleDirs().map((d) => build(d, opts));
}
