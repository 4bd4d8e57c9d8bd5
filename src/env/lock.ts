/** A cross-process lock (a directory holding the owner's pid) so that two builds never share a tree. */
import { mkdirSync, readFileSync, rmSync, writeFileSync, mkdirSync as mkdir } from "node:fs";
import { dirname, join } from "node:path";
import { IuError } from "../errors.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function withLock<T>(
  path: string,
  what: string,
  fn: () => Promise<T>,
  waitMs = 60 * 60 * 1000,
): Promise<T> {
  mkdir(dirname(path), { recursive: true });
  const start = Date.now();
  let told = false;
  for (;;) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, "pid"), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let owner = 0;
      try {
        owner = Number(readFileSync(join(path, "pid"), "utf8"));
      } catch {
        /* the owner is between mkdir and writing its pid */
      }
      if (owner && !alive(owner)) {
        rmSync(path, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - start > waitMs)
        throw new IuError(`timed out waiting for ${what} (lock ${path}, pid ${owner}).`);
      if (!told) {
        process.stderr.write(`iu: waiting for ${what} in another process (pid ${owner || "?"})\n`);
        told = true;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}
