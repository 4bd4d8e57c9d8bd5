/** Small process helpers shared by the environment modules. */
import { spawn, spawnSync, type SpawnOptions } from "node:child_process";
import { IuError } from "../errors.js";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, capturing its output. Never throws for a non-zero exit. */
export function runCapture(cmd: string, args: string[], opts: SpawnOptions = {}): RunResult {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, ...opts });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new IuError(`${cmd} is not installed (run \`npx iu setup\`).`);
    throw new IuError(`could not run ${cmd}: ${r.error.message}`);
  }
  return { code: r.status ?? 128, stdout: String(r.stdout ?? ""), stderr: String(r.stderr ?? "") };
}

/** Runs a command, throwing an IuError with its stderr when it fails. */
export function runChecked(cmd: string, args: string[], what: string, opts: SpawnOptions = {}): string {
  const r = runCapture(cmd, args, opts);
  if (r.code !== 0) {
    throw new IuError(
      `${what} failed (${cmd} exited ${r.code}):\n${(r.stderr || r.stdout).trim().slice(-4000)}`,
    );
  }
  return r.stdout;
}

/**
 * Runs a long command, handing each output line to `onLine` (stdout and stderr merged).
 * Resolves with the exit code.
 */
export function runLines(
  cmd: string,
  args: string[],
  onLine: (line: string) => void,
  opts: SpawnOptions = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
    let pending = "";
    const feed = (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const l of lines) onLine(l);
    };
    child.stdout?.on("data", feed);
    child.stderr?.on("data", feed);
    child.on("error", (e) => reject(new IuError(`could not run ${cmd}: ${e.message}`)));
    child.on("close", (code, signal) => {
      if (pending) onLine(pending);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}
