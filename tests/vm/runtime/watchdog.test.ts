// Runtime safety: the watchdog. A program that loops forever is stopped once it
// has run longer than kernel.iu_time_budget_ms, returns the hook's default and is logged
// "program NAME (id N) stopped: ran longer than the time budget of N ms":
// - XDP through BPF_PROG_TEST_RUN (looping in its own code, and looping through a helper
//   call), within twice the budget by the kernel's own duration;
// - a kprobe on update_process_times, which the timer tick calls in hard interrupt
//   context with interrupts disabled: the program loops once on one CPU (it disarms itself
//   first), the other CPU's watchdog stops it, the CPU goes on ticking.
// Programs: tests/vm/runtime/native/rt_faults (src/spin.rs), rt_kprobe.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { IuObject } from "../../../src/loader/index.js";
import {
  LogMark,
  XDP_ABORTED,
  XDP_PASS,
  assertHealthy,
  counters,
  delta,
  faultLines,
  frame,
  image,
  logFlooded,
  logWindow,
  loopStopFailure,
  needsWatchdog,
  perCpuU64,
  skipUnlessVm,
  skipUnlessLoopsStop,
  sleep,
  u32Key,
  u64,
  withBudget,
} from "./util.js";

const BUDGET_MS = 20;
const stopLine = (prog: string, id: number, ms: number) =>
  new RegExp(`iu: program ${prog} \\(id ${id}\\) stopped: ran longer than the time budget of ${ms} ms`);

let obj: IuObject | undefined;
function loops(): IuObject {
  obj ??= IuObject.open(image("rt_faults")).load({ programs: ["rt_loop"] });
  return obj;
}
after(() => obj?.close());

test("the budget sysctl: default 10 ms, range 1..100", { skip: skipUnlessVm || needsWatchdog }, () => {
  const path = "/proc/sys/kernel/iu_time_budget_ms";
  const old = readFileSync(path, "utf8").trim();
  assert.equal(old, "10", "default budget (unless a test left it changed)");
  for (const bad of ["0", "101", "-1"]) {
    const r = spawnSync("sh", ["-c", `echo ${bad} > ${path}`], { encoding: "utf8" });
    assert.notEqual(r.status, 0, `writing ${bad} is refused`);
    assert.equal(readFileSync(path, "utf8").trim(), old, `value unchanged after writing ${bad}`);
  }
});

test(
  "canary: a loop in the program's own code that would end after seconds is stopped (the NMI path)",
  { skip: skipUnlessVm || needsWatchdog },
  async () => {
    const why = await loopStopFailure();
    assert.equal(why, false);
  },
);

for (const [mode, how] of [
  [1, "in its own code"],
  [2, "calling a helper every turn"],
] as const) {
  test(
    `XDP looping forever ${how} returns XDP_ABORTED within 2x the budget (${BUDGET_MS} ms)`,
    { skip: skipUnlessVm || needsWatchdog },
    async (t) => {
      if (mode === 1 && (await skipUnlessLoopsStop(t))) return;
      const p = loops().program("rt_loop");
      await logWindow(1);
      await withBudget(BUDGET_MS, () => {
        const c0 = counters(p);
        const mark = new LogMark();
        const t0 = process.hrtime.bigint();
        const r = p.testRun({ data: frame(mode) });
        const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
        const ms = r.duration / 1e6;
        console.log(
          `rt_loop mode ${mode}: stopped after ${ms.toFixed(2)} ms (kernel), ${wallMs.toFixed(1)} ms wall`,
        );
        assert.equal(r.retval, XDP_ABORTED);
        assert.ok(ms <= 2 * BUDGET_MS, `test-run duration ${ms} ms > 2 x ${BUDGET_MS} ms`);
        assert.ok(ms >= BUDGET_MS - 1, `stopped after ${ms} ms, before the budget of ${BUDGET_MS} ms`);
        const log = mark.since();
        const lines = faultLines(log, "rt_loop");
        assert.equal(lines.length, 1, log);
        assert.match(lines[0], stopLine("rt_loop", p.id, BUDGET_MS));
        assertHealthy(log);
        const c1 = counters(p);
        assert.ok(c0 && c1, "fdinfo has the iu_* counters");
        assert.equal(delta(c0, c1).stops, 1, "iu_stops");
        assert.equal(delta(c0, c1).panics, 0, "iu_panics");
        assert.equal(delta(c0, c1).invocations, 1, "iu_invocations");
        assert.equal(p.testRun({ data: frame(0) }).retval, XDP_PASS, "runs normally afterwards");
      });
    },
  );
}

test(
  "10 stops (helper loop) in one test run (repeat): mean duration within 2x the budget, each counted",
  {
    skip: skipUnlessVm || needsWatchdog,
  },
  async () => {
    const p = loops().program("rt_loop");
    await withBudget(BUDGET_MS, () => {
      const c0 = counters(p)!;
      const r = p.testRun({ data: frame(2), repeat: 10 });
      logFlooded();
      assert.equal(r.retval, XDP_ABORTED);
      assert.ok(r.duration / 1e6 <= 2 * BUDGET_MS, `mean ${r.duration / 1e6} ms`);
      assert.equal(delta(c0, counters(p)!).stops, 10);
    });
  },
);

test(
  "a new budget takes effect at once: 100 ms, then 5 ms, then 100 ms again (helper loop)",
  { skip: skipUnlessVm || needsWatchdog },
  async () => {
    const p = loops().program("rt_loop");
    const stop = (ms: number) => {
      const d = p.testRun({ data: frame(2) }).duration / 1e6;
      logFlooded();
      console.log(`budget ${ms} ms: stopped after ${d.toFixed(2)} ms`);
      return d;
    };
    await withBudget(100, async () => {
      stop(100); // the watchdog's timers now tick every 25 ms
      // The new budget re-arms them: the stop does not wait for a 25 ms tick of the old one.
      const short = await withBudget(5, () => stop(5));
      assert.ok(short >= 4 && short < 25, `budget 5 ms after 100 ms: stopped after ${short} ms`);
      const long = stop(100);
      assert.ok(long >= 99 && long < 200, `budget 100 ms after 5 ms: stopped after ${long} ms`);
    });
  },
);

test(
  "a kprobe looping in the timer interrupt (IRQs off) is stopped on each CPU; the CPU keeps ticking",
  { skip: skipUnlessVm || needsWatchdog },
  async (t) => {
    if (await skipUnlessLoopsStop(t)) return;
    const kp = IuObject.open(image("rt_kprobe")).load();
    try {
      const p = kp.program("rt_irqloop");
      const ctl = kp.map("CTL");
      const get = (i: number) => Number(ctl.lookup(u32Key(i))!.readBigUInt64LE());
      const ticks = () => perCpuU64(kp.map("TICKS").lookup(u32Key(0))!);
      kp.attach(); // kprobe:update_process_times (fails if kprobes cannot attach there)
      await sleep(200);
      assert.ok(
        ticks().filter((n) => n > 0).length >= 2,
        `update_process_times fires on both CPUs: ${ticks()}`,
      );
      await logWindow(2);
      await withBudget(BUDGET_MS, async () => {
        for (const cpu of [0, 1]) {
          const c0 = counters(p);
          const mark = new LogMark();
          ctl.update(u32Key(2), u64(0));
          ctl.update(u32Key(3), u64(0));
          ctl.update(u32Key(1), u64(cpu));
          ctl.update(u32Key(0), u64(1)); // arm
          for (let i = 0; i < 100 && get(0) !== 0; i++) await sleep(50);
          assert.equal(get(0), 0, `the program on CPU ${cpu} disarmed itself (it ran)`);
          assert.equal(get(2), 1, "one invocation looped");
          const before = ticks()[cpu];
          await sleep(500);
          const later = ticks()[cpu];
          assert.ok(later > before, `CPU ${cpu} keeps ticking after the stop (${before} -> ${later})`);
          assert.ok(get(3) > 0, `later ticks on CPU ${cpu} ran the program again`);
          const log = mark.since();
          const lines = faultLines(log, "rt_irqloop");
          assert.equal(lines.length, 1, log);
          assert.match(lines[0], stopLine("rt_irqloop", p.id, BUDGET_MS));
          assertHealthy(log);
          const c1 = counters(p);
          assert.ok(c0 && c1, "fdinfo has the iu_* counters");
          assert.equal(delta(c0, c1).stops, 1, "iu_stops");
          assert.equal(delta(c0, c1).panics, 0, "iu_panics");
        }
      });
      // The system keeps running: a process starts and exits normally.
      assert.equal(spawnSync("true").status, 0);
    } finally {
      kp.close();
    }
  },
);
