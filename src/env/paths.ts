/** Where the project keeps per-user state: caches (kernel builds, Rust `core`) and keys. */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository root: the nearest directory above this file with a package.json (this
 * file is dist/src/env/paths.js, or part of the bundled CLI in dist/cli).
 */
export const repoRoot = ((): string => {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let d = here; ; d = dirname(d)) {
    if (existsSync(join(d, "package.json"))) return d;
    if (dirname(d) === d) throw new Error(`no package.json above ${here}`);
  }
})();

export function cacheDir(...parts: string[]): string {
  const base =
    process.env.IU_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "iu");
  return join(base, ...parts);
}

export function configDir(...parts: string[]): string {
  const base =
    process.env.IU_CONFIG_DIR ?? join(process.env.XDG_CONFIG_HOME ?? join(homedir(), ".config"), "iu");
  return join(base, ...parts);
}
