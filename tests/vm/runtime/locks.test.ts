// Runtime safety: what an invocation holds when it ends is released. A program
// that panics or is stopped by the watchdog while holding a bpf_spin_lock (Array and Hash
// values with SpinLocked<T>, `with_lock` and the `lock()` guard, also a guard leaked with
// core::mem::forget) leaves the lock free: the next invocation takes it and completes.
// A ring-buffer reservation held at a panic, a stop or a forget is discarded: later
// reservations keep succeeding and the consumer sees exactly the submitted records.
// Programs: tests/vm/runtime/native/rt_locks.
//
// Without the runtime's cleanup these tests would leave a lock held with interrupts off and
// hang the VM, so they skip on it. Even with it, a lock that stays held makes the next run
// spin in the kernel: the test then hangs instead of failing (the VM run's timeout ends it).
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
  faultLines,
  frame,
  image,
  logFlooded,
  logWindow,
  loopStopFailure,
  needsWatchdog,
  panicLine,
  panicSite,
  skipUnlessVm,
  skipUnlessLoopsStop,
  u32Key,
  withBudget,
} from "./util.js";

const skip = skipUnlessVm || needsWatchdog;
let obj: IuObject | undefined;
function locks(): IuObject {
  if (!obj) {
    obj = IuObject.open(image("rt_locks")).load();
    // Hash element 0: lock word, pad, Counter { n, last } (zero).
    obj.map("HLOCK").update(u32Key(0), Buffer.alloc(24));
  }
  return obj;
}
after(() => obj?.close());

const MAPS = [
  [0, "ALOCK", "Array"],
  [1, "HLOCK", "Hash"],
] as const;

/** Counter.n of the element (the lock word reads as zero from user space). */
function n(map: string): number {
  return Number(locks().map(map).lookup(u32Key(0))!.readBigUInt64LE(8));
}

/** One normal invocation: takes the lock, n += 1, XDP_PASS. */
function takeLock(which: number, map: string): void {
  const before = n(map);
  const r = locks()
    .program("rt_lock")
    .testRun({ data: frame(0, which) });
  assert.equal(r.retval, XDP_PASS, `the next invocation takes the ${map} lock and completes`);
  assert.equal(n(map), before + 1, `${map}: n incremented under the lock`);
}

for (const [which, map, kind] of MAPS) {
  test(
    `${kind}<SpinLocked>: panic inside with_lock, and after mem::forget of a lock() guard, free the lock`,
    { skip },
    async () => {
      const p = locks().program("rt_lock");
      takeLock(which, map);
      const c0 = counters(p);
      await logWindow(2);
      const mark = new LogMark();
      assert.equal(p.testRun({ data: frame(1, which) }).retval, XDP_ABORTED, "panic inside with_lock");
      takeLock(which, map);
      assert.equal(p.testRun({ data: frame(4, which) }).retval, XDP_ABORTED, "forget the guard, then panic");
      takeLock(which, map);
      const before = n(map);
      assert.equal(
        p.testRun({ data: frame(3, which) }).retval,
        XDP_PASS,
        "forget the guard, return normally",
      );
      assert.equal(n(map), before + 1, "the forgotten guard's update is kept");
      takeLock(which, map);
      const log = mark.since();
      const lines = faultLines(log, "rt_lock");
      assert.equal(lines.length, 2, log);
      assert.match(
        lines[0],
        panicLine(
          "rt_lock",
          "lib.rs",
          panicSite("rt_locks", "lib.rs", "lock-panic"),
          "panic holding the lock",
        ),
      );
      assert.match(
        lines[1],
        panicLine(
          "rt_lock",
          "lib.rs",
          panicSite("rt_locks", "lib.rs", "forget-panic"),
          "panic after forgetting the guard",
        ),
      );
      assertHealthy(log);
      const c1 = counters(p);
      if (c0 && c1) {
        assert.equal(delta(c0, c1).panics, 2, "iu_panics");
        assert.equal(delta(c0, c1).invocations, 6, "iu_invocations");
      }
    },
  );

  test(
    `${kind}<SpinLocked>: a helper called inside with_lock or holding a lock() guard is a panic, and the lock is freed`,
    { skip },
    async () => {
      const p = locks().program("rt_lock");
      await logWindow(2);
      const c0 = counters(p);
      const mark = new LogMark();
      assert.equal(p.testRun({ data: frame(7, which) }).retval, XDP_ABORTED, "a helper inside with_lock");
      takeLock(which, map);
      assert.equal(p.testRun({ data: frame(8, which) }).retval, XDP_ABORTED, "a helper holding a guard");
      takeLock(which, map);
      const log = mark.since();
      const lines = faultLines(log, "rt_lock");
      assert.equal(lines.length, 2, log);
      for (const l of lines) assert.match(l, /called a helper while holding a bpf_spin_lock/);
      assertHealthy(log);
      const c1 = counters(p);
      if (c0 && c1) assert.equal(delta(c0, c1).panics, 2, "iu_panics");
    },
  );

  for (const [modes, how] of [[[2, 6], "a loop in program code"]] as const) {
    test(
      `${kind}<SpinLocked>: a watchdog stop in ${how} inside with_lock and holding a lock() guard frees the lock`,
      { skip },
      async (t) => {
        if (modes[0] === 2 && (await skipUnlessLoopsStop(t))) return;
        const p = locks().program("rt_lock");
        await logWindow(2);
        await withBudget(20, () => {
          const c0 = counters(p);
          const mark = new LogMark();
          assert.equal(
            p.testRun({ data: frame(modes[0], which) }).retval,
            XDP_ABORTED,
            "stopped inside with_lock",
          );
          takeLock(which, map);
          assert.equal(
            p.testRun({ data: frame(modes[1], which) }).retval,
            XDP_ABORTED,
            "stopped holding a guard",
          );
          takeLock(which, map);
          const log = mark.since();
          const lines = faultLines(log, "rt_lock");
          assert.equal(lines.length, 2, log);
          for (const l of lines) assert.match(l, /stopped: ran longer than the time budget of 20 ms/);
          assertHealthy(log);
          const c1 = counters(p);
          if (c0 && c1) assert.equal(delta(c0, c1).stops, 2, "iu_stops");
        });
      },
    );
  }
}

test(
  "a second spin lock while one is held is a panic; both locks are free afterwards",
  { skip },
  async () => {
    const p = locks().program("rt_lock");
    const c0 = counters(p);
    await logWindow(1);
    const mark = new LogMark();
    assert.equal(p.testRun({ data: frame(5) }).retval, XDP_ABORTED);
    takeLock(0, "ALOCK");
    takeLock(1, "HLOCK");
    const log = mark.since();
    assert.equal(faultLines(log, "rt_lock").length, 1, log);
    assertHealthy(log);
    const c1 = counters(p);
    if (c0 && c1) assert.equal(delta(c0, c1).panics, 1, "iu_panics");
  },
);

test("500 panics holding a lock, then 500 normal runs: the count is exact", { skip }, () => {
  const p = locks().program("rt_lock");
  for (const [which, map] of MAPS) {
    const before = n(map);
    assert.equal(p.testRun({ data: frame(1, which), repeat: 500 }).retval, XDP_ABORTED);
    assert.equal(p.testRun({ data: frame(0, which), repeat: 500 }).retval, XDP_PASS);
    assert.equal(n(map), before + 500, map);
  }
  logFlooded();
});

/** A record of rt_ringbuf: seq u32, mode u32, magic u64. */
function decode(b: Buffer): { seq: number; mode: number; magic: bigint } {
  return { seq: b.readUInt32LE(0), mode: b.readUInt32LE(4), magic: b.readBigUInt64LE(8) };
}

function ringFrame(mode: number, seq: number): Buffer {
  const f = frame(mode);
  f.writeUInt32LE(seq, 4);
  return f;
}

test(
  "ring buffer: reservations held at a panic, a forget or a stop are discarded; 900 rounds, consumer sees only submitted records",
  { skip },
  async () => {
    const o = locks();
    const p = o.program("rt_ringbuf");
    const rb = new RingBufReader(o.map("EVENTS"));
    const stats = (i: number) => Number(o.map("STATS").lookup(u32Key(i))!.readBigUInt64LE());
    const c0 = counters(p);
    await logWindow(1);
    const mark = new LogMark();
    try {
      const seen: ReturnType<typeof decode>[] = [];
      const submitted: number[] = [];
      const failed0 = stats(2);
      // One 4 KiB page holds 170 records: without the runtime's discard, the first held
      // reservation blocks the consumer and the ring is full after 170 submits.
      for (let i = 0; i < 900; i++) {
        const mode = i % 3; // 0 submit, 1 panic holding it, 2 forget it and return
        const r = p.testRun({ data: ringFrame(mode, i) });
        if (mode === 0) {
          assert.equal(r.retval, XDP_PASS, `round ${i}: reservation succeeds (XDP_DROP = it failed)`);
          submitted.push(i);
        } else assert.equal(r.retval, mode === 1 ? XDP_ABORTED : XDP_PASS, `round ${i}`);
        if (i % 60 === 59) seen.push(...rb.consume().map(decode));
      }
      seen.push(...rb.consume().map(decode));
      assert.equal(stats(2) - failed0, 0, "no failed reservation");
      assert.deepEqual(
        seen.map((r) => r.seq),
        submitted,
        "the consumer sees exactly the submitted records, in order",
      );
      for (const r of seen) {
        assert.equal(r.mode, 0);
        assert.equal(r.magic, 0x005e_ed00_f00dn);
      }
      // Stopped by the watchdog while holding a reservation (in a helper loop, and in a
      // loop in program code when the watchdog can stop those), then more submits.
      const stopModes = (await loopStopFailure()) ? [4, 4, 4] : [4, 3, 3];
      await withBudget(20, () => {
        for (const [i, m] of stopModes.entries())
          assert.equal(p.testRun({ data: ringFrame(m, 10_000 + i) }).retval, XDP_ABORTED);
      });
      const tail: ReturnType<typeof decode>[] = [];
      for (let i = 0; i < 200; i++) {
        assert.equal(
          p.testRun({ data: ringFrame(0, 20_000 + i) }).retval,
          XDP_PASS,
          `submit ${i} after the stops`,
        );
        if (i % 50 === 49) tail.push(...rb.consume().map(decode));
      }
      assert.deepEqual(
        tail.map((r) => r.seq),
        Array.from({ length: 200 }, (_, i) => 20_000 + i),
      );
      const c1 = counters(p);
      if (c0 && c1) {
        assert.equal(delta(c0, c1).panics, 300, "iu_panics");
        assert.equal(delta(c0, c1).stops, 3, "iu_stops");
      }
      const log = mark.since();
      const first = faultLines(log, "rt_ringbuf")[0] ?? "";
      assert.match(
        first,
        panicLine(
          "rt_ringbuf",
          "lib.rs",
          panicSite("rt_locks", "lib.rs", "ringbuf-panic"),
          "panic holding a ring-buffer record 1",
        ),
      );
      assertHealthy(log);
    } finally {
      logFlooded();
      rb.close();
    }
  },
);
