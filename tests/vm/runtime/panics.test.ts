// Runtime safety: an out-of-bounds index, unwrap() on None and an explicit
// panic! each make the program return the hook's default and log
// "program NAME (id N) panicked at FILE:LINE:COL: MSG" with the file and line of the
// faulting source line; the program keeps working afterwards.
// Programs: tests/vm/runtime/native/rt_faults (src/faults.rs).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { IuObject } from "../../../src/loader/index.js";
import {
  LogMark,
  TC_ACT_OK,
  TC_ACT_SHOT,
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
  panicLine,
  panicSite,
  skipUnlessVm,
  u32Key,
  u64,
} from "./util.js";

const skip = skipUnlessVm;
let obj: IuObject | undefined;
function faults(): IuObject {
  if (!obj) {
    obj = IuObject.open(image("rt_faults")).load();
    obj.map("SLOTS").update(u32Key(1), u64(77));
  }
  return obj;
}
after(() => obj?.close());

const out = (i: number) => Number(faults().map("OUT").lookup(u32Key(i))!.readBigUInt64LE());

interface Case {
  prog: string;
  /** OUT[] index the program bumps on every run. */
  runs: number;
  tag: string;
  /** Packet of the faulting run. */
  bad: Buffer;
  msg: string;
  /** OUT[] index and value a normal run leaves, if any. */
  result?: [number, number];
  tc?: boolean;
}

const cases: Case[] = [
  {
    prog: "rt_oob",
    runs: 0,
    tag: "oob",
    bad: frame(1, 9),
    msg: "index out of bounds: the len is 4 but the index is 9",
    result: [8, 20],
  },
  {
    prog: "rt_unwrap",
    runs: 1,
    tag: "unwrap",
    bad: frame(1, 5),
    msg: "called `Option::unwrap()` on a `None` value",
    result: [9, 77],
  },
  { prog: "rt_panic", runs: 2, tag: "panic", bad: frame(1, 7), msg: "explicit panic, arg 7" },
  { prog: "rt_tc_panic", runs: 6, tag: "tc", bad: frame(1), msg: "tc panic", tc: true },
];

for (const c of cases) {
  test(
    `${c.prog}: ${c.msg} returns ${c.tc ? "TC_ACT_SHOT" : "XDP_ABORTED"}, logs src/faults.rs:LINE, runs on`,
    { skip },
    async () => {
      const p = faults().program(c.prog);
      const ok = c.tc ? TC_ACT_OK : XDP_PASS;
      const dflt = c.tc ? TC_ACT_SHOT : XDP_ABORTED;
      const runs0 = out(c.runs);
      const c0 = counters(p);
      await logWindow(1);
      const mark = new LogMark();

      assert.equal(p.testRun({ data: frame(0) }).retval, ok, "a normal run before the fault");
      if (c.result) assert.equal(out(c.result[0]), c.result[1], "the normal run's result");
      assert.equal(p.testRun({ data: c.bad }).retval, dflt, "the faulting run returns the hook default");
      assert.equal(p.testRun({ data: frame(0) }).retval, ok, "a normal run after the fault");
      assert.equal(out(c.runs) - runs0, 3, "every run ran (the program counts before it faults)");

      const log = mark.since();
      const line = panicSite("rt_faults", "faults.rs", c.tag);
      const lines = faultLines(log, c.prog);
      assert.equal(lines.length, 1, `one fault line for ${c.prog}:\n${log}`);
      assert.match(lines[0], panicLine(c.prog, "faults.rs", line, c.msg));
      assert.match(lines[0], new RegExp(`\\(id ${p.id}\\)`), "the line names the program's id");
      assertHealthy(log);

      const c1 = counters(p);
      if (c0 && c1) {
        const d = delta(c0, c1);
        assert.equal(d.invocations, 3, "iu_invocations");
        assert.equal(d.panics, 1, "iu_panics");
        assert.equal(d.stops, 0, "iu_stops");
        assert.equal(c1.disabled, 0, "iu_disabled");
      }
    },
  );
}

test(
  "rt_panic: 100 panics in one test run (repeat) are each counted and return the default",
  { skip },
  async () => {
    const p = faults().program("rt_panic");
    const runs0 = out(2);
    const c0 = counters(p);
    const mark = new LogMark();
    const r = p.testRun({ data: frame(1, 3), repeat: 100 });
    logFlooded();
    assert.equal(r.retval, XDP_ABORTED);
    assert.equal(out(2) - runs0, 100);
    assert.equal(p.testRun({ data: frame(0) }).retval, XDP_PASS);
    const c1 = counters(p);
    if (c0 && c1) {
      assert.equal(delta(c0, c1).panics, 100, "iu_panics");
      assert.equal(delta(c0, c1).invocations, 101, "iu_invocations");
    }
    const log = mark.since();
    assert.ok(faultLines(log, "rt_panic").length >= 1, "at least one line (the rest may be rate-limited)");
    assertHealthy(log);
  },
);
