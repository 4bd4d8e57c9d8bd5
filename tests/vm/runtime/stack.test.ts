// Runtime safety: stack overflows. Unbounded recursion, direct, through a function pointer
// and through a dyn trait object (caught by the entry check the toolchain keeps for cycles and
// indirect-call targets), and single frames too big for the program stack (28 KiB: ends in the
// stack's 8 KiB reserve; 64 KiB: jumps past the whole 32 KiB stack into the guard page)
// each make the program return XDP_ABORTED and log
// "program NAME (id N) overflowed its stack"; the program keeps working afterwards.
// Programs: tests/vm/runtime/native/rt_faults (src/stack.rs).
import { after, test } from "node:test";
import assert from "node:assert/strict";
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
  needsWatchdog,
  skipUnlessVm,
  u32Key,
} from "./util.js";

const skip = skipUnlessVm;
const skipOverflow = skip || needsWatchdog;
let obj: IuObject | undefined;
function faults(): IuObject {
  obj ??= IuObject.open(image("rt_faults")).load({
    programs: ["rt_recurse", "rt_recurse_fn", "rt_recurse_dyn", "rt_bigframe"],
  });
  return obj;
}
after(() => obj?.close());

const out = (i: number) => Number(faults().map("OUT").lookup(u32Key(i))!.readBigUInt64LE());

/** What `descend(0, 16)` in src/stack.rs returns. */
function descend(n: number, limit: number): number {
  const pad = new Array<number>(32).fill(0);
  pad[n % 32] = n;
  if (n >= limit) return pad[n % 32];
  return descend(n + 1, limit) + pad[n % 7];
}

/** What `frame::<N>(seed)` in src/stack.rs returns. */
function frameSum(n: number, seed: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += (i & 0xff) ^ seed;
  return s;
}

function normalRuns(): void {
  const f = faults();
  assert.equal(f.program("rt_recurse").testRun({ data: frame(0) }).retval, XDP_PASS, "recursion depth 16");
  assert.equal(out(10), descend(0, 16), "depth-16 result");
  // step_fn and Down::step in src/stack.rs: the depth, plus every level's n below it
  for (const [prog, slot] of [
    ["rt_recurse_fn", 13],
    ["rt_recurse_dyn", 14],
  ] as const) {
    assert.equal(f.program(prog).testRun({ data: frame(0) }).retval, XDP_PASS, `${prog} depth 16`);
    assert.equal(out(slot), 16 + (15 * 16) / 2, `${prog} depth-16 result`);
  }
  assert.equal(f.program("rt_bigframe").testRun({ data: frame(0, 5) }).retval, XDP_PASS, "a 4 KiB frame");
  assert.equal(out(12), frameSum(4096, 5), "4 KiB frame result");
}

test("bounded recursion (depth 16) and a 4 KiB frame run normally", { skip }, () => {
  normalRuns();
});

const overflows: [string, string, Buffer][] = [
  ["rt_recurse", "unbounded recursion", frame(1)],
  ["rt_recurse_fn", "unbounded recursion through a function pointer", frame(1)],
  ["rt_recurse_dyn", "unbounded recursion through a dyn trait object", frame(1)],
  ["rt_bigframe", "a 28 KiB frame (ends in the 8 KiB reserve)", frame(2, 1)],
  ["rt_bigframe", "a 64 KiB frame (past the stack, into the guard page)", frame(1, 1)],
];

for (const [prog, what, pkt] of overflows) {
  test(
    `${prog}: ${what} is stopped, logged "overflowed its stack", returns XDP_ABORTED`,
    { skip: skipOverflow },
    async () => {
      const p = faults().program(prog);
      const c0 = counters(p);
      await logWindow(1);
      const mark = new LogMark();
      assert.equal(p.testRun({ data: pkt }).retval, XDP_ABORTED);
      const log = mark.since();
      const lines = faultLines(log, prog);
      assert.equal(lines.length, 1, `one fault line:\n${log}`);
      assert.match(lines[0], new RegExp(`iu: program ${prog} \\(id ${p.id}\\) overflowed its stack`));
      assertHealthy(log);
      normalRuns();
      const c1 = counters(p);
      assert.ok(c0 && c1, "fdinfo has the iu_* counters");
      const d = delta(c0, c1);
      assert.equal(d.panics, 1, "an overflow counts as a panic (iu_panics)");
      assert.equal(d.stops, 0, "iu_stops");
    },
  );
}

test("200 overflows of each kind in a row: each one recovered and counted", { skip: skipOverflow }, () => {
  const mark = new LogMark();
  for (const [prog, , pkt] of overflows) {
    const p = faults().program(prog);
    const c0 = counters(p)!;
    assert.equal(p.testRun({ data: pkt, repeat: 200 }).retval, XDP_ABORTED, prog);
    const c1 = counters(p)!;
    assert.equal(delta(c0, c1).panics, 200, `${prog}: iu_panics`);
  }
  logFlooded();
  normalRuns();
  assertHealthy(mark.since());
});
