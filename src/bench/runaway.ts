/**
 * The watchdog's stop latency: an XDP program that never returns (bench/runaway) is
 * test-run once with `kernel.iu_time_budget_ms` = N; the kernel's test-run duration minus
 * the budget is the time from the end of the budget to the hook getting control back.
 * Native only (the verifier refuses an unbounded loop). It needs the kernel's watchdog:
 * without the sysctl the stage is skipped before anything is loaded, because on a kernel
 * without the watchdog the program would never return.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../env/paths.js";
import { errorText, IuError } from "../errors.js";
import { IuObject, progStats } from "../loader/index.js";
import { benchPacket } from "./workloads.js";
import { median } from "./stats.js";
import type { CanaryResult, RunawayConfig, RunawayPoint, RunawayResult } from "./types.js";

export const RUNAWAY_DIR = join(repoRoot, "bench", "runaway");
export const runawayImagePath = (): string => join(RUNAWAY_DIR, "target", "iu", "bench_runaway.iu");
/** The two programs: a loop in the program's own text, and a loop around a helper call. */
export const RUNAWAY_PROGRAMS = ["runaway_spin", "runaway_helper"] as const;
/**
 * Before an endless program runs, the same loop bounded (`runaway_canary`): tens of
 * budgets long, so a working watchdog stops it, and it ends by itself (`XDP_PASS`) if the
 * watchdog does not, instead of hanging the VM. Iterations per loop kind.
 */
export const CANARY = {
  runaway_spin: { mode: 1, iterations: 30_000_000 },
  runaway_helper: { mode: 2, iterations: 5_000_000 },
};

/** The canary's input: byte 0 the loop kind, bytes 4..8 the iterations. */
export function canaryPacket(mode: number, iterations: number): Buffer {
  const b = Buffer.alloc(64);
  b[0] = mode;
  b.writeUInt32LE(iterations, 4);
  return b;
}

export const BUDGET_SYSCTL = "/proc/sys/kernel/iu_time_budget_ms";
export const FAULT_LIMIT_SYSCTL = "/proc/sys/kernel/iu_fault_limit";
const XDP_ABORTED = 0;

/**
 * vCPUs of the stop-latency boot: 1, as the rest of the bench. On one CPU the watchdog's
 * NMI comes from the CPU's own timer interrupt and arrives while that interrupt runs over
 * the program; the kernel stops the program through the interrupt's saved registers then
 * (since 2026-11-27 06:43; before, a loop in program text was not stopped on one CPU or
 * under icount, which this stage found, and its canary kept it from hanging the VM).
 */
export const RUNAWAY_SMP = 1;

export function runawaySettings(quick: boolean): { budgetsMs: number[]; reps: number } {
  return { budgetsMs: [5, 20], reps: quick ? 3 : 7 };
}

export function hasWatchdog(): boolean {
  return existsSync(BUDGET_SYSCTL);
}

function readSysctl(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Guest side. Never loads the image when the kernel has no watchdog. */
export function runRunaway(cfg: RunawayConfig, log: (s: string) => void): RunawayResult {
  if (!hasWatchdog())
    return {
      points: [],
      skipped: `this kernel has no watchdog (${BUDGET_SYSCTL} is missing): a program that never returns would hang it`,
    };
  const budgetBefore = readSysctl(BUDGET_SYSCTL)!;
  const limitBefore = readSysctl(FAULT_LIMIT_SYSCTL);
  const points: RunawayPoint[] = [];
  // Keep running however often it is stopped (0 = never disable).
  if (limitBefore !== undefined) writeFileSync(FAULT_LIMIT_SYSCTL, "0");
  const obj = IuObject.open(cfg.image).load();
  const canaries: CanaryResult[] = [];
  try {
    const packet = benchPacket(64);
    const canaryBudget = Math.min(...cfg.budgetsMs);
    writeFileSync(BUDGET_SYSCTL, String(canaryBudget));
    for (const name of RUNAWAY_PROGRAMS) {
      const c = CANARY[name];
      const r = obj
        .program("runaway_canary")
        .testRun({ data: canaryPacket(c.mode, c.iterations), repeat: 1 });
      canaries.push({
        program: name,
        budgetMs: canaryBudget,
        retval: r.retval,
        durationNs: r.duration,
        stopped: r.retval === XDP_ABORTED,
      });
      log(`runaway canary for ${name}: retval ${r.retval} after ${r.duration} ns`);
    }
    for (const budgetMs of cfg.budgetsMs) {
      writeFileSync(BUDGET_SYSCTL, String(budgetMs));
      for (const name of RUNAWAY_PROGRAMS) {
        const canary = canaries.find((c) => c.program === name)!;
        if (!canary.stopped) {
          points.push({
            program: name,
            budgetMs,
            durations: [],
            ...latencies([], budgetMs),
            syscallNs: [],
            retvals: [],
            stopsCounted: false,
            error: `not run: the watchdog did not stop its bounded canary (returned ${canary.retval} after ${(canary.durationNs / 1e6).toFixed(1)} ms with a ${canary.budgetMs} ms budget), so the endless loop would hang the VM`,
          });
          continue;
        }
        const prog = obj.program(name);
        const p: RunawayPoint = {
          program: name,
          budgetMs,
          durations: [],
          latencyNs: NaN,
          minLatencyNs: NaN,
          maxLatencyNs: NaN,
          syscallNs: [],
          retvals: [],
          stopsCounted: false,
        };
        try {
          const before = progStats(prog.fd).stops;
          for (let r = 0; r < cfg.reps; r++) {
            const t0 = process.hrtime.bigint();
            const res = prog.testRun({ data: packet, repeat: 1 });
            p.syscallNs.push(Number(process.hrtime.bigint() - t0));
            p.durations.push(res.duration);
            p.retvals.push(res.retval);
          }
          const after = progStats(prog.fd).stops;
          p.stopsCounted = before !== null && after !== null && after - before === cfg.reps;
          Object.assign(p, latencies(p.durations, budgetMs));
        } catch (e) {
          p.error = errorText(e);
        }
        log(
          `runaway ${name} budget ${budgetMs} ms: durations ${p.durations.join("/")} ns, retval ${p.retvals.join("/")}${p.error ? ` (${p.error})` : ""}`,
        );
        points.push(p);
      }
    }
  } finally {
    obj.close();
    writeFileSync(BUDGET_SYSCTL, budgetBefore);
    if (limitBefore !== undefined) writeFileSync(FAULT_LIMIT_SYSCTL, limitBefore);
  }
  return { points, canaries, cpus: cpus().length };
}

/** Latency = duration - budget (ns): median, min, max. */
export function latencies(
  durations: number[],
  budgetMs: number,
): Pick<RunawayPoint, "latencyNs" | "minLatencyNs" | "maxLatencyNs"> {
  const l = durations.map((d) => d - budgetMs * 1e6);
  if (l.length === 0) return { latencyNs: NaN, minLatencyNs: NaN, maxLatencyNs: NaN };
  return { latencyNs: median(l), minLatencyNs: Math.min(...l), maxLatencyNs: Math.max(...l) };
}

/** Host side: checks the image was built (by prepareAll / iu build). */
export function requireRunawayImage(): string {
  const img = runawayImagePath();
  if (!existsSync(img)) throw new IuError(`${img} is missing: run iu bench --build-only`);
  return img;
}
