import { existsSync, realpathSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { IuError } from "../errors.js";

/** The real path of a program crate's directory, or an IuError that says what is wrong. */
export function crateDirOf(dir: string): string {
  const abs = resolve(dir);
  if (!existsSync(abs))
    throw new IuError(`${dir}: no such directory. Create a program with: iu new NAME --type xdp`);
  if (!statSync(abs).isDirectory())
    throw new IuError(`${dir} is not a directory: give the program crate's directory`);
  return realpathSync(abs);
}
