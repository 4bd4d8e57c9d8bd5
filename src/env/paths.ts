/** Where the project keeps per-user state: caches (kernel builds, Rust `core`) and keys. */
import { homedir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is dist/src/env/paths.js or src/env/paths.ts). */
export const repoRoot = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  ...(import.meta.url.includes("/dist/") ? [".."] : []),
);

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
