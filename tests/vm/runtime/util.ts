/**
 * Shared helpers of the runtime-safety tests: the test images of
 * tests/vm/runtime/native/* (built on the host by tests/host/runtime/vm-images.test.ts),
 * the runtime's sysctls and fdinfo counters, the kernel log, packets and /proc/meminfo.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import type { TestContext } from "node:test";
import { IuObject, enableStats, type BpfProgram } from "../../../src/loader/index.js";
import { crateImage, requireInput } from "../../../src/testing/inputs.js";
import { inVm } from "../loader/util.js";

export { bpffsDir, getpid, inVm, skipUnlessVm, sleep } from "../loader/util.js";

/*
 * Native invocations are counted by the kernel's BPF stats, as run_cnt is: on for the
 * whole test process (the fd is never closed), so that every run of it counts.
 */
if (inVm) enableStats();

export const nativeDir = join(repoRoot, "tests", "vm", "runtime", "native");

/** The signed image of a test crate under tests/vm/runtime/native; throws naming it when missing. */
export function image(crate: string): string {
  return requireInput(crateImage(join(nativeDir, crate)), `iu build tests/vm/runtime/native/${crate}`);
}

const budgetPath = "/proc/sys/kernel/iu_time_budget_ms";
const faultLimitPath = "/proc/sys/kernel/iu_fault_limit";

/**
 * The kernel has the runtime (watchdog, program stacks, cleanup of held locks
 * and reservations, counters): its sysctl is there. Tests that would hang or crash the old
 * runtime (endless loops, stack overflows, faults holding a spin lock) skip without it.
 */
export const hasWatchdog = existsSync(budgetPath);
export const needsWatchdog = hasWatchdog
  ? false
  : "needs the kernel runtime (no /proc/sys/kernel/iu_time_budget_ms: the old runtime would hang or crash)";

function sysctl(path: string): { get(): number; set(v: number): void } {
  return {
    get: () => Number(readFileSync(path, "utf8").trim()),
    set: (v: number) => writeFileSync(path, `${v}\n`),
  };
}

/** Runs `f` with kernel.iu_time_budget_ms = `ms`, restoring the old value after. */
export async function withBudget<T>(ms: number, f: () => T | Promise<T>): Promise<T> {
  const s = sysctl(budgetPath);
  const old = s.get();
  s.set(ms);
  try {
    return await f();
  } finally {
    s.set(old);
  }
}

/** Runs `f` with kernel.iu_fault_limit = `n`, restoring the old value after. */
export async function withFaultLimit<T>(n: number, f: () => T | Promise<T>): Promise<T> {
  const s = sysctl(faultLimitPath);
  const old = s.get();
  s.set(n);
  try {
    return await f();
  } finally {
    s.set(old);
  }
}

export const hasFaultLimit = existsSync(faultLimitPath);

/** Every "key:\tvalue" line of /proc/self/fdinfo/FD of a program. */
export function fdinfo(fd: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(`/proc/self/fdinfo/${fd}`, "utf8").split("\n")) {
    const m = /^([\w-]+):\s*(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].trim();
  }
  return out;
}

export interface Counters {
  invocations: number;
  panics: number;
  stops: number;
  disabled: number;
  /** The kernel's own lines (run_cnt needs BPF_ENABLE_STATS). */
  runCnt: number;
  misses: number;
}

/** The runtime's counters of a native program (fdinfo, with BPF stats on), or undefined on the old runtime. */
export function counters(p: BpfProgram): Counters | undefined {
  const f = fdinfo(p.fd);
  if (f.iu_invocations === undefined) return undefined;
  const n = (k: string) => Number(f[k] ?? "NaN");
  return {
    invocations: n("iu_invocations"),
    panics: n("iu_panics"),
    stops: n("iu_stops"),
    disabled: n("iu_disabled"),
    runCnt: n("run_cnt"),
    misses: n("recursion_misses"),
  };
}

/** `after - before` of every counter. */
export function delta(before: Counters, after: Counters): Counters {
  return {
    invocations: after.invocations - before.invocations,
    panics: after.panics - before.panics,
    stops: after.stops - before.stops,
    disabled: after.disabled,
    runCnt: after.runCnt - before.runCnt,
    misses: after.misses - before.misses,
  };
}

let canary: Promise<string | false> | undefined;

/**
 * Whether the watchdog can stop a program looping in its own code (the NMI path), checked
 * once per process with a loop that ends by itself after seconds of work (rt_loop mode 3):
 * false if it was stopped, else why not. A kernel that cannot do it would hang a CPU for
 * good on the endless loops, so tests of those skip with this reason instead.
 */
export function loopStopFailure(): Promise<string | false> {
  canary ??= (async () => {
    if (!hasWatchdog) return "no watchdog";
    await logWindow(1);
    const o = IuObject.open(image("rt_faults")).load({ programs: ["rt_loop"] });
    try {
      return await withBudget(20, () => {
        const f = frame(3);
        f.writeUInt32LE(1 << 14, 4); // 2^24 turns: well over 40 ms even on a fast host, seconds under TCG
        const r = o.program("rt_loop").testRun({ data: f });
        if (r.retval === XDP_ABORTED) return false;
        return (
          `the watchdog does not stop a loop in the program's own code: a bounded loop ran to its end ` +
          `(${(r.duration / 1e6).toFixed(0)} ms with a 20 ms budget, returned ${r.retval}); an endless one would hang the CPU`
        );
      });
    } finally {
      o.close();
    }
  })();
  return canary;
}

/** Skips the test (and returns true) when the watchdog cannot stop loops in program code. */
export async function skipUnlessLoopsStop(t: TestContext): Promise<boolean> {
  const why = await loopStopFailure();
  if (why) t.skip(why);
  return why !== false;
}

/* ---------------------------------------------------------------------------------- */
/* kernel log                                                                           */

let markSeq = 0;

/**
 * A place in the kernel log: writes a unique line to /dev/kmsg; `since()` returns the
 * lines logged after it (dmesg), so a test sees only what its own runs logged.
 */
export class LogMark {
  readonly tag = `iu-runtime-test mark ${process.pid}.${++markSeq}.${Date.now()}`;
  constructor() {
    appendFileSync("/dev/kmsg", `${this.tag}\n`);
  }
  since(): string {
    const log = spawnSync("dmesg", [], { encoding: "utf8", maxBuffer: 64 << 20 }).stdout;
    const i = log.lastIndexOf(this.tag);
    if (i < 0) throw new Error(`kernel log: mark "${this.tag}" not found (log buffer wrapped?)`);
    return log.slice(log.indexOf("\n", i) + 1);
  }
}

/**
 * The runtime rate-limits its fault messages (10 per 5 s in the first runtime). A test that
 * checks for a message calls `logWindow(n)` before causing `n` of them: it waits until the
 * kernel's window has passed when this process may have used `burst` messages of it (and
 * at the start: another test file may just have used it). After many faults at once,
 * `logFlooded()`.
 */
const interval = 5500;
let used = Infinity;
let last = Date.now();
export async function logWindow(messages = 1, burst = 5): Promise<void> {
  if (Date.now() - last > interval) used = 0;
  if (used + messages > burst) {
    await new Promise((r) => setTimeout(r, Math.max(0, last + interval - Date.now())));
    used = 0;
  }
  used += messages;
  last = Date.now();
}

export function logFlooded(): void {
  used = Infinity;
  last = Date.now();
}

/** Fault lines of the kernel log for one program. */
export function faultLines(log: string, prog: string): string[] {
  return log.split("\n").filter((l) => l.includes(`iu: program ${prog} (id `));
}

/** Kernel-health check: no oops, BUG, warning or lockdep report in `log`. */
export function assertHealthy(log: string): void {
  const bad =
    /Oops|BUG:|WARNING:|general protection|Call Trace|double fault|KASAN|possible recursive locking|inconsistent lock state|soft lockup|rcu: INFO/;
  const line = log.split("\n").find((l) => bad.test(l));
  if (line) throw new Error(`kernel log reports a problem: ${line}`);
}

/**
 * Runs `run` and checks that it made program `p` fault `n` times by `kind` (the runtime's
 * iu_stops or iu_panics counter), each with its own kernel-log line (a panic's says
 * "panicked"), and that the kernel logged no problem meanwhile.
 */
export function assertFaults(p: BpfProgram, kind: "stops" | "panics", n: number, run: () => void): void {
  const c0 = counters(p)!;
  const mark = new LogMark();
  run();
  assert.equal(delta(c0, counters(p)!)[kind], n, `iu_${kind}`);
  const log = mark.since();
  const lines = faultLines(log, p.name);
  assert.equal(lines.length, n, log);
  if (kind === "panics") assert.match(lines[0], /panicked/);
  assertHealthy(log);
}

/* ---------------------------------------------------------------------------------- */
/* sources: where the programs panic                                                    */

/** 1-based line of the `// PANIC-SITE: tag` comment in native/CRATE/src/FILE. */
export function panicSite(crate: string, file: string, tag: string): number {
  const lines = readFileSync(join(nativeDir, crate, "src", file), "utf8").split("\n");
  const i = lines.findIndex((l) => l.includes(`// PANIC-SITE: ${tag}`));
  if (i < 0) throw new Error(`no PANIC-SITE: ${tag} in ${crate}/src/${file}`);
  return i + 1;
}

/** Escapes a string for a RegExp. */
export const re = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A regexp for the runtime's panic line of `prog` at `src/FILE:LINE` with message `msg`. */
export function panicLine(prog: string, file: string, line: number, msg: string): RegExp {
  return new RegExp(
    `iu: program ${re(prog)} \\(id \\d+\\) panicked at (\\S*/)?src/${re(file)}:${line}:\\d+: ${re(msg)}`,
  );
}

/* ---------------------------------------------------------------------------------- */
/* packets, per-CPU values, memory                                                      */

/** A 64-byte frame whose first bytes are `head` (the test programs' mode bytes). */
export function frame(...head: number[]): Buffer {
  const b = Buffer.alloc(64);
  head.forEach((v, i) => (b[i] = v));
  return b;
}

export const XDP_ABORTED = 0;
export const XDP_DROP = 1;
export const XDP_PASS = 2;
export const TC_ACT_OK = 0;
export const TC_ACT_SHOT = 2;

export function u32Key(i: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(i);
  return b;
}

export function u64(v: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
}

/** The u64 values of every CPU of a per-CPU map value (8 bytes per CPU). */
export function perCpuU64(value: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i + 8 <= value.length; i += 8) out.push(Number(value.readBigUInt64LE(i)));
  return out;
}

/** Selected /proc/meminfo fields in kB. */
export function meminfo(): { MemAvailable: number; Slab: number; VmallocUsed: number; Percpu: number } {
  const text = readFileSync("/proc/meminfo", "utf8");
  const f = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? "NaN");
  return {
    MemAvailable: f("MemAvailable"),
    Slab: f("Slab"),
    VmallocUsed: f("VmallocUsed"),
    Percpu: f("Percpu"),
  };
}

/** Frees page cache and reclaimable slab so that memory figures compare (best effort). */
export function settleMemory(): void {
  try {
    writeFileSync("/proc/sys/vm/drop_caches", "3\n");
  } catch {
    /* no drop_caches on this config */
  }
}

const kmemleakPath = "/sys/kernel/debug/kmemleak";
export const hasKmemleak = existsSync(kmemleakPath);

/** Forgets the reports so far (`clear`): a later `kmemleakScan` shows only new leaks. */
export function kmemleakClear(): void {
  if (hasKmemleak) writeFileSync(kmemleakPath, "clear\n");
}

/**
 * Scans for leaks (objects must be 5 s old to be reported, so it waits first) and returns
 * the reports (empty when clean or without kmemleak).
 */
export async function kmemleakScan(): Promise<string> {
  if (!hasKmemleak) return "";
  await new Promise((r) => setTimeout(r, 6000));
  writeFileSync(kmemleakPath, "scan\n");
  writeFileSync(kmemleakPath, "scan\n");
  return readFileSync(kmemleakPath, "utf8");
}

const worker = join(repoRoot, "dist", "tests", "vm", "runtime", "worker.js");

/** Starts tests/vm/runtime/worker.ts pinned to `cpu` for `seconds`; resolves with its JSON line. */
export function startWorker(
  cpu: number,
  seconds: number,
  args: string[],
): { pid: number; ready: Promise<void>; go(): void; done: Promise<Record<string, number>> } {
  const child = spawn("taskset", ["-c", String(cpu), process.execPath, worker, ...args], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let out = "";
  let onReady = () => {};
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString("utf8");
    if (/^ready$/m.test(out)) onReady();
  });
  const done = new Promise<Record<string, number>>((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), (seconds + 240) * 1000);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`worker ${args.join(" ")} exited ${code}: ${out}`));
      else resolve(JSON.parse(out.trim().split("\n").pop()!) as Record<string, number>);
    });
  });
  return { pid: child.pid!, ready, go: () => child.stdin.write("go\n"), done };
}
