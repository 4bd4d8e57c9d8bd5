// Nesting: a native kprobe program (level 1, the dispatcher's slow path) runs inside a
// native XDP program (level 0, the entry stub's own path) that calls the probed helper.
// Both count exactly; a stop of the inner program (level 1, and level 2: a raw tracepoint
// the inner program triggers) leaves the outer run to finish
// normally, and so does a stack overflow there (the guard page at levels 1 and 2,
// recursion at level 1); a ring-buffer record the inner program forgets is discarded at its end.
// A program holding a bpf_spin_lock keeps interrupts on: a tracing program a timer
// interrupt runs inside the critical section calls helpers normally.
// Program: tests/vm/runtime/native/rt_nested.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { IuObject, RingBufReader } from "../../../src/loader/index.js";
import {
  LogMark,
  XDP_ABORTED,
  XDP_PASS,
  assertHealthy,
  counters,
  delta,
  frame,
  image,
  logWindow,
  skipUnlessLoopsStop,
  skipUnlessVm,
  u32Key,
  u64,
  withBudget,
} from "./util.js";

let obj: IuObject | undefined;
function nested(): IuObject {
  if (obj) return obj;
  obj = IuObject.open(image("rt_nested")).load();
  obj.attach(); // kprobe:bpf_user_rnd_u32, tracepoint:irq/softirq_raise, raw_tp:bpf_trace_printk
  return obj;
}
after(() => obj?.close());

const count = (i: number): number => Number(nested().map("COUNTS").lookup(u32Key(i))!.readBigUInt64LE());
const mode = (m: number): void => nested().map("CTL").update(u32Key(0), u64(m));
const counts = (): number[] => [0, 1, 2].map(count);

function runOuter(repeat: number): void {
  const r = nested()
    .program("rt_outer")
    .testRun({ data: frame(0), repeat });
  assert.equal(r.retval, XDP_PASS, "the outer program returns its own value");
}

/** Ten more outer runs: every level runs and counts as before. */
function runsOn(what: string): void {
  const c0 = counts();
  runOuter(10);
  assert.deepEqual(
    counts().map((v, i) => v - c0[i]),
    [10, 10, 10],
    what,
  );
}

/** One outer run with a 20 ms budget and CTL in mode `m` (a program that loops): its retval. */
function runOuterIn(m: number): Promise<number> {
  return withBudget(20, () => {
    mode(m);
    try {
      return nested()
        .program("rt_outer")
        .testRun({ data: frame(0) }).retval;
    } finally {
      mode(0);
    }
  });
}

test(
  "a kprobe program nested in an XDP program: both run every time, counted exactly",
  { skip: skipUnlessVm },
  () => {
    mode(0);
    const mark = new LogMark();
    const c0 = counts();
    const inner0 = counters(nested().program("rt_inner"))!;
    runOuter(1000);
    const c1 = counts();
    assert.deepEqual(
      c1.map((v, i) => v - c0[i]),
      [1000, 1000, 1000],
      "outer runs, inner runs, outer runs that saw the inner one",
    );
    const d = delta(inner0, counters(nested().program("rt_inner"))!);
    assert.equal(d.invocations, 1000, "rt_inner iu_invocations");
    assert.equal(d.misses, 0, "nothing refused");
    assertHealthy(mark.since());
  },
);

test(
  "the watchdog stops the nested program; the outer one returns, its own value or, past the budget, the default",
  { skip: skipUnlessVm },
  async (t) => {
    if (await skipUnlessLoopsStop(t)) return;
    await logWindow(1);
    const mark = new LogMark();
    const inner0 = counters(nested().program("rt_inner"))!;
    const outer0 = counters(nested().program("rt_outer"))!;
    const retval = await runOuterIn(1);
    assert.equal(delta(inner0, counters(nested().program("rt_inner"))!).stops, 1, "rt_inner stopped once");
    // The outer invocation has run as long, nested time included: the watchdog may stop it
    // too once the inner one is gone (at its helper's return); it then returns the default.
    const outerStops = delta(outer0, counters(nested().program("rt_outer"))!).stops;
    assert.deepEqual([retval, outerStops], outerStops ? [XDP_ABORTED, 1] : [XDP_PASS, 0]);
    console.log(`nested stop: rt_inner stopped; rt_outer ${outerStops ? "stopped after it" : "finished"}`);
    const log = mark.since();
    assert.match(log, /iu: program rt_inner \(id \d+\) stopped: ran longer than the time budget/);
    assertHealthy(log);
    runsOn("both run on normally");
  },
);

for (const [m, level, prog, what] of [
  [5, 1, "rt_inner", "a 64 KiB frame (into the guard page)"],
  [6, 1, "rt_inner", "unbounded recursion"],
  [7, 2, "rt_deep", "a 64 KiB frame (into the guard page)"],
] as const) {
  test(
    `${what} at level ${level} (${prog}): "overflowed its stack"; the levels below go on`,
    { skip: skipUnlessVm },
    async () => {
      await logWindow(1);
      const mark = new LogMark();
      const p = nested().program(prog);
      const p0 = counters(p)!;
      const c0 = counts();
      mode(m);
      let retval: number;
      try {
        retval = nested()
          .program("rt_outer")
          .testRun({ data: frame(0) }).retval;
      } finally {
        mode(0);
      }
      assert.equal(retval, XDP_PASS, "the outer program returns its own value");
      assert.equal(delta(p0, counters(p)!).panics, 1, `${prog} overflowed once`);
      assert.deepEqual(
        counts().map((v, i) => v - c0[i]),
        [1, 1, 1],
        "outer run, inner run, outer run that saw the inner one",
      );
      const log = mark.since();
      assert.match(log, new RegExp(`iu: program ${prog} \\(id ${p.id}\\) overflowed its stack`));
      assertHealthy(log);
      runsOn("all levels run on normally");
    },
  );
}

test(
  "the watchdog stops a program at level 2 (a raw tracepoint inside the kprobe inside XDP); both levels below go on",
  { skip: skipUnlessVm },
  async (t) => {
    if (await skipUnlessLoopsStop(t)) return;
    await logWindow(1);
    const mark = new LogMark();
    const deep0 = counters(nested().program("rt_deep"))!;
    const inner0 = counters(nested().program("rt_inner"))!;
    const runs0 = count(5);
    await runOuterIn(4);
    assert.equal(count(5) - runs0, 1, "rt_deep ran once, at level 2");
    assert.equal(delta(deep0, counters(nested().program("rt_deep"))!).stops, 1, "rt_deep stopped once");
    // The levels below have run as long, nested time included: the watchdog may stop them
    // too once rt_deep is gone; each then returns its default, and nothing is left held.
    const innerStops = delta(inner0, counters(nested().program("rt_inner"))!).stops;
    assert.ok(innerStops <= 1, "rt_inner stopped at most once");
    const log = mark.since();
    assert.match(log, /iu: program rt_deep \(id \d+\) stopped: ran longer than the time budget/);
    assertHealthy(log);
    runsOn("all levels run on normally");
  },
);

test(
  "a record the nested program forgets is discarded at its end; submitted ones arrive",
  { skip: skipUnlessVm },
  () => {
    const rb = new RingBufReader(nested().map("EVENTS"));
    rb.consume();
    mode(2);
    // Discarded records keep their ring space until the consumer passes them: 500 forgotten
    // 16-byte records in rounds of 100, each round read, fit the 4 KiB ring only if each
    // was discarded (a held one would block the consumer and the ring would fill).
    for (let round = 0; round < 5; round++) {
      runOuter(100);
      assert.equal(rb.consume().length, 0, "a discarded record is never seen");
    }
    mode(3);
    runOuter(20);
    mode(0);
    const recs = rb.consume();
    assert.equal(recs.length, 20, "exactly the submitted records");
    assert.ok(recs.every((r) => r.readBigUInt64LE(0) === 0x5eedn));
  },
);

test(
  "a timer interrupt inside a spin-locked section runs a tracing program that calls a helper; the lock is released",
  { skip: skipUnlessVm },
  () => {
    const mark = new LogMark();
    const tick0 = counters(nested().program("rt_tick"))!;
    const r = nested()
      .program("rt_locker")
      .testRun({ data: frame(0), repeat: 3 });
    assert.equal(r.retval, XDP_PASS, "the tick ran while the lock was held");
    assert.ok(count(4) >= 3, "every run saw a tick inside its critical section");
    const d = delta(tick0, counters(nested().program("rt_tick"))!);
    assert.ok(d.invocations > 0, "rt_tick ran");
    assert.equal(d.panics, 0, "rt_tick's helper call was not taken for one under the lock");
    assert.equal(
      Number(nested().map("LOCKED").lookup(u32Key(0))!.readBigUInt64LE(8)),
      3,
      "three increments under the lock, and it is free again",
    );
    assertHealthy(mark.since());
  },
);
