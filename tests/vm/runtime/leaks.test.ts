// Runtime safety: faults leak nothing. 10,000 panics, 1,000 watchdog
// terminations (kernel.iu_time_budget_ms = 1) and 1,000 stack overflows: the counters are
// exact, /proc/meminfo (MemAvailable, Slab, VmallocUsed, Percpu) is back where it was
// within a tolerance after the program is unloaded, and on the debug kernel kmemleak finds
// nothing new that involves BPF or the runtime.
// Programs: tests/vm/runtime/native/rt_faults.
import { test } from "node:test";
import assert from "node:assert/strict";
import { IuObject } from "../../../src/loader/index.js";
import {
  XDP_ABORTED,
  XDP_PASS,
  counters,
  frame,
  hasKmemleak,
  image,
  kmemleakClear,
  kmemleakScan,
  logFlooded,
  meminfo,
  needsWatchdog,
  settleMemory,
  skipUnlessVm,
  skipUnlessLoopsStop,
  sleep,
  u32Key,
  withBudget,
} from "./util.js";

/** Allowed growth in kB after the run (a leak of 100 bytes per fault is 1,000 kB). */
const TOLERANCE = { Slab: 768, VmallocUsed: 256, Percpu: 64, MemAvailable: 16 * 1024 };

interface Run {
  prog: string;
  /** OUT[] index the program bumps on every run. */
  out: number;
  pkt: Buffer;
  times: number;
  counter: "panics" | "stops";
  budgetMs?: number;
}

async function measure(r: Run): Promise<void> {
  const once = async (times: number) => {
    const o = IuObject.open(image("rt_faults")).load({ programs: [r.prog] });
    try {
      const p = o.program(r.prog);
      const out = () => Number(o.map("OUT").lookup(u32Key(r.out))!.readBigUInt64LE());
      const c0 = counters(p);
      const run = () => p.testRun({ data: r.pkt, repeat: times });
      const res = r.budgetMs ? await withBudget(r.budgetMs, run) : run();
      logFlooded();
      assert.equal(res.retval, XDP_ABORTED);
      // The budget is wall-clock time: a vCPU the host deschedules for longer than it (TCG
      // on a busy machine) is stopped before its first map update, so a stop may not show
      // in OUT; the kernel's counters below must still be exact.
      const lost = r.counter === "stops" ? Math.ceil(times / 100) : 0;
      const ran = out();
      assert.ok(ran <= times && ran >= times - lost, `${r.prog} ran ${ran} of ${times} times`);
      const c1 = counters(p);
      if (c0 && c1) {
        assert.equal(c1[r.counter] - c0[r.counter], times, `iu_${r.counter}`);
        assert.equal(c1.invocations - c0.invocations, times, "iu_invocations");
        assert.equal(c1.disabled, 0, "iu_disabled");
      }
      assert.equal(p.testRun({ data: frame(0) }).retval, XDP_PASS, "still works");
    } finally {
      o.close();
    }
  };
  // A warm-up round first: whatever the first load or fault allocates once for good.
  await once(Math.ceil(r.times / 100));
  await sleep(1000);
  settleMemory();
  const m0 = meminfo();
  kmemleakClear();
  await once(r.times);
  await sleep(1000); // programs and maps are freed after an RCU grace period
  settleMemory();
  const m1 = meminfo();
  const growth = {
    Slab: m1.Slab - m0.Slab,
    VmallocUsed: m1.VmallocUsed - m0.VmallocUsed,
    Percpu: m1.Percpu - m0.Percpu,
    MemAvailable: m0.MemAvailable - m1.MemAvailable,
  };
  console.log(`${r.times} ${r.counter} of ${r.prog}: growth in kB ${JSON.stringify(growth)}`);
  for (const k of Object.keys(TOLERANCE) as (keyof typeof TOLERANCE)[])
    if (!Number.isNaN(growth[k]))
      assert.ok(growth[k] <= TOLERANCE[k], `${k} grew by ${growth[k]} kB (tolerance ${TOLERANCE[k]} kB)`);
  if (hasKmemleak) {
    const report = await kmemleakScan();
    console.log(report.trim() ? `kmemleak:\n${report}` : "kmemleak: no new suspected leaks");
    const ours = report
      .split(/(?=unreferenced object)/)
      .filter((r) => /\biu_|bpf_|iu_dispatch|iu_panic/.test(r));
    assert.deepEqual(ours, [], "kmemleak: no leak involving BPF or the runtime");
  }
}

test(
  "10,000 panics leak nothing, every one counted",
  { skip: skipUnlessVm, timeout: 1_800_000 },
  async () => {
    await measure({ prog: "rt_panic", out: 2, pkt: frame(1, 1), times: 10_000, counter: "panics" });
  },
);

test(
  "1,000 watchdog terminations in a helper loop (budget 1 ms) leak nothing, every one counted",
  { skip: skipUnlessVm || needsWatchdog, timeout: 1_800_000 },
  async () => {
    await measure({ prog: "rt_loop", out: 5, pkt: frame(2), times: 1_000, counter: "stops", budgetMs: 1 });
  },
);

test(
  "1,000 watchdog terminations in program code (budget 1 ms) leak nothing, every one counted",
  { skip: skipUnlessVm || needsWatchdog, timeout: 1_800_000 },
  async (t) => {
    if (await skipUnlessLoopsStop(t)) return;
    await measure({ prog: "rt_loop", out: 5, pkt: frame(1), times: 1_000, counter: "stops", budgetMs: 1 });
  },
);

test(
  "1,000 stack overflows leak nothing, every one counted",
  { skip: skipUnlessVm || needsWatchdog, timeout: 1_800_000 },
  async () => {
    await measure({ prog: "rt_recurse", out: 3, pkt: frame(1), times: 1_000, counter: "panics" });
  },
);
