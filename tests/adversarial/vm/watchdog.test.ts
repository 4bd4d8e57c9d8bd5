// A kprobe on every CPU's timer tick (interrupts off) that loops forever on every CPU at
// once: no CPU would take the timer interrupt the watchdog runs from, and the machine
// would hang. The runtime lets such programs run on all CPUs but one; the watchdog, from
// the free CPU, stops the rest. Program: tests/vm/runtime/native/rt_allcpus.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { IuObject } from "../../../src/loader/index.js";
import {
  LogMark,
  assertHealthy,
  counters,
  delta,
  image,
  logFlooded,
  needsWatchdog,
  skipUnlessVm,
  sleep,
  u32Key,
  u64,
  withBudget,
} from "../../vm/runtime/util.js";

test(
  "a kprobe looping forever in every CPU's timer interrupt is contained: one CPU stays free, the others are stopped",
  { skip: skipUnlessVm || needsWatchdog },
  async () => {
    const obj = IuObject.open(image("rt_allcpus")).load();
    try {
      const p = obj.program("rt_allcpus");
      const armed = obj.map("ARMED");
      obj.attach(); // kprobe:update_process_times
      const c0 = counters(p);
      const mark = new LogMark();
      await withBudget(5, async () => {
        armed.update(u32Key(0), u64(1));
        await sleep(1500);
        armed.update(u32Key(0), u64(0));
        await sleep(200);
      });
      const c1 = counters(p);
      assert.ok(c0 && c1, "fdinfo has the iu_* counters");
      const d = delta(c0, c1);
      const loops = Number(armed.lookup(u32Key(1))!.readBigUInt64LE());
      console.log(`loops entered ${loops}, stops ${d.stops}, misses ${d.misses}`);
      assert.ok(loops >= 2, `the program looped (${loops} times)`);
      assert.equal(d.stops, loops, "every loop that started was stopped by the watchdog");
      assert.ok(d.misses > 0, "invocations that would have taken the last free CPU were refused");
      logFlooded();
      assertHealthy(mark.since());
      // The machine still runs: a process starts and exits.
      assert.equal(spawnSync("true").status, 0);
    } finally {
      obj.close();
    }
  },
);
