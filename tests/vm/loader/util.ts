/** Shared helpers of the loader's in-VM tests (run as root inside `iu vm run`). */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { repoRoot } from "../../../src/env/paths.js";
import { compileEbpf } from "../../../src/toolchain/ebpf.js";

export const inVm =
  process.getuid?.() === 0 && existsSync("/sys/fs/bpf") && existsSync("/sys/kernel/tracing/trace_pipe");
/** Reason to skip when not in the VM (these tests need root, bpffs and tracefs). */
export const skipUnlessVm = inVm ? false : "needs the VM (root, bpffs, tracefs): run through iu test-all";

/** A fresh directory on bpffs. */
export function bpffsDir(prefix: string): string {
  mkdirSync("/sys/fs/bpf", { recursive: true });
  return mkdtempSync(join("/sys/fs/bpf", `${prefix}-`));
}

/** Runs the CLI as the README shows it in the guest (`npx iu ARGS`); its output and status. */
export function iu(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync("npx", ["iu", ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 300_000 /* a bound for a loaded host, not an expectation */,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI running in the background (`npx iu ARGS`), its output collected as it arrives. */
export interface IuChild {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Its exit status, when it has exited. */
  closed: Promise<number | null>;
  /** Waits until `re` matches stderr (what the CLI says when it is ready), at most `ms`. */
  ready(re: RegExp, ms?: number): Promise<void>;
}

export function iuSpawn(...args: string[]): IuChild {
  const child = spawn("npx", ["iu", ...args], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  const c: IuChild = {
    child,
    stdout: "",
    stderr: "",
    closed: new Promise((r) => child.on("close", (code) => r(code))),
    async ready(re, ms = 60_000) {
      for (let t = 0; t < ms && !re.test(c.stderr); t += 100) await sleep(100);
      assert.match(c.stderr, re, `iu ${args.join(" ")}: not ready after ${ms} ms`);
    },
  };
  child.stdout?.on("data", (d: Buffer) => (c.stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (c.stderr += d.toString()));
  return c;
}

export function iuJson<T = unknown>(...args: string[]): T {
  const r = iu(...args, "--json");
  if (r.status !== 0) throw new Error(`iu ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** The real getpid(2) system call (fires syscalls/sys_enter_getpid and __x64_sys_getpid). */
export { getpid } from "../../../src/loader/sys.js";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** bpftool, if installed, with JSON output. */
export function bpftool(...args: string[]): unknown {
  const r = spawnSync("bpftool", ["-j", ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`bpftool ${args.join(" ")}: ${r.stderr || r.stdout}`);
  return JSON.parse(r.stdout);
}

/** Compiles a fixture with clang for the bpf target; returns the object path. */
export function compileFixture(name: string): string {
  const out = join(mkdtempSync(join(tmpdir(), "iu-bpf-")), `${name}.o`);
  return compileEbpf(join(repoRoot, "tests", "fixtures", "bpf", `${name}.c`), out);
}
