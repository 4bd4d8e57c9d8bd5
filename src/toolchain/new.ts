/**
 * `iu new NAME --type T`: scaffolds a program crate from templates/program that builds as
 * is. Files are written without following links (a planted Cargo.toml symlink in an
 * existing directory must not redirect the write).
 */
import { mkdirSync, readFileSync, realpathSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { IuError } from "../errors.js";
import { repoRoot } from "../env/paths.js";
import { hooks } from "../loader/hooks/index.js";
import { lexists, writeFileNoFollow } from "./output.js";

/** `--type` names, one per hook kind: each hook names its template (`src/<type>.rs.tmpl`). */
export const PROGRAM_TYPES: readonly string[] = hooks.flatMap((h) => h.templates);

export function newProgram(path: string, type: string, sdkDir = join(repoRoot, "sdk")): string[] {
  if (!PROGRAM_TYPES.includes(type))
    throw new IuError(`unknown program type "${type}". Use one of: ${PROGRAM_TYPES.join(", ")}`);
  const dir = resolve(path);
  const name = basename(dir);
  if (!/^[a-z][a-z0-9_-]{0,40}$/.test(name))
    throw new IuError(
      `"${name}" is not a usable program name: use lower-case letters, digits, - and _ (at most 41 characters), starting with a letter`,
    );
  if (lexists(join(dir, "Cargo.toml")) || lexists(join(dir, "src")))
    throw new IuError(`${dir} already contains a crate. Choose a new directory.`);
  const tdir = join(repoRoot, "templates", "program");
  const vars: Record<string, string> = { name, sdk: resolve(sdkDir), dir: path, fn: name.replace(/-/g, "_") };
  const fill = (f: string): string =>
    readFileSync(join(tdir, f), "utf8").replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k] ?? "");
  mkdirSync(dir, { recursive: true });
  const base = realpathSync(dir);
  const files: [string, string][] = [
    ["Cargo.toml", fill("Cargo.toml.tmpl")],
    [".gitignore", fill("gitignore.tmpl")],
    [join("src", "lib.rs"), fill(join("src", `${type}.rs.tmpl`))],
  ];
  for (const [f, text] of files) writeFileNoFollow(join(base, f), text, base);
  return files.map(([f]) => join(dir, f));
}
