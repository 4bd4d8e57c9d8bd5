/**
 * Writing into directories the user controls (a crate's target/iu, a new crate) without
 * following links: a symlink planted at `target/iu/NAME.iu` or at `target` must not make
 * the toolchain overwrite whatever it points at. Every component below the base directory
 * is checked with lstat, the data goes to a temporary file created exclusively ('wx') in
 * the destination's directory, and a rename puts it in place (rename replaces a link
 * itself, never its target).
 */
import { randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync, type Stats } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { IuError } from "../errors.js";

function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/** True if `p` exists as anything, a dangling symbolic link included. */
export function lexists(p: string): boolean {
  return lstatOrNull(p) !== null;
}

const linkError = (p: string, what: string): IuError =>
  new IuError(
    `${p} is a symbolic link; the toolchain does not write ${what} through links. Remove it and run the command again.`,
  );

/** Creates `dir` below `base` one component at a time, refusing any component that is a symlink or not a directory. */
export function mkdirNoFollow(base: string, dir: string): void {
  const rel = relative(base, dir);
  if (rel.startsWith("..") || resolve(base, rel) !== resolve(dir))
    throw new IuError(`${dir} is not inside ${base}`);
  let cur = base;
  for (const part of rel ? rel.split(sep) : []) {
    cur = join(cur, part);
    let st = lstatOrNull(cur);
    if (!st) {
      mkdirSync(cur);
      st = lstatSync(cur);
    }
    if (st.isSymbolicLink()) throw linkError(cur, "outputs");
    if (!st.isDirectory())
      throw new IuError(`${cur} is not a directory; remove it and run the command again`);
  }
}

/**
 * Writes `data` to `file` without following links. When `file` lies inside `base`
 * (the crate directory), every directory between them is created or checked; the
 * destination itself must not be a link or anything but a regular file.
 */
export function writeFileNoFollow(file: string, data: string | Uint8Array, base?: string): void {
  const abs = resolve(file);
  const dir = dirname(abs);
  if (base && (abs + sep).startsWith(resolve(base) + sep)) mkdirNoFollow(resolve(base), dir);
  else mkdirSync(dir, { recursive: true });
  const st = lstatOrNull(abs);
  if (st?.isSymbolicLink()) throw linkError(abs, "outputs");
  if (st && !st.isFile()) throw new IuError(`${abs} exists and is not a regular file; remove it`);
  const tmp = join(dir, `.${basename(abs)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeFileSync(tmp, data, { flag: "wx", mode: 0o644 });
    renameSync(tmp, abs);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
