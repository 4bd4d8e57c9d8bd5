// Runtime safety: a stop gives the hook back its callee-saved registers. The entry stub
// saves only the ones the image uses (rt_regs: rbx and rbp); the stop runs the runtime's
// C code, which changes the others, before it returns to the stub. A kprobe's caller,
// trace_call_bpf(), keeps the program in one of them across the call while BPF stats are
// on (they are, for the whole test process): a register not given back is an oops there,
// or BPF stats counted against the wrong program. Stopped in its own code (the watchdog's
// interrupt or NMI) and when a helper returns; each way 20 times, counted exactly.
// Programs: tests/vm/runtime/native/rt_regs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { IuObject } from "../../../src/loader/index.js";
import { getpgid } from "../../../src/loader/sys.js";
import { counters, delta, image, needsWatchdog, skipUnlessVm, u32Key, u64, withBudget } from "./util.js";

const MAGIC = 0x3ffffff0;
const RUNS = 20;

for (const [mode, how] of [
  [1, "looping in its own code"],
  [2, "looping through a helper call"],
] as const) {
  test(
    `a kprobe saving no r12-r15, stopped ${how} ${RUNS} times: getpgid returns, BPF stats count it`,
    { skip: skipUnlessVm || needsWatchdog },
    async () => {
      const o = IuObject.open(image("rt_regs")).load();
      try {
        const p = o.program("rt_regs_loop");
        o.map("CTL").update(u32Key(0), u64(mode));
        o.attach();
        const before = counters(p)!;
        await withBudget(2, () => {
          for (let i = 0; i < RUNS; i++)
            assert.equal(getpgid(MAGIC), undefined, "getpgid(MAGIC) fails with ESRCH");
        });
        const d = delta(before, counters(p)!);
        assert.equal(d.stops, RUNS, "every run stopped");
        assert.equal(d.runCnt, RUNS, "BPF stats counted every run against this program");
        assert.equal(d.invocations, RUNS, "every run invoked");
        assert.equal(d.panics, 0);
      } finally {
        o.close();
      }
    },
  );
}
