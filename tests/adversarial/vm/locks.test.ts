// A forged lock word: user space (or a value path of a program) writes 1 into the
// bpf_spin_lock of an element. The loader creates SpinLocked maps with BTF that declares
// the lock, so the kernel's copy_map_value skips the lock word on every update and the next
// lock() takes the lock instead of spinning forever with interrupts off.
// Program: tests/vm/runtime/native/rt_locks (rt_lock: mode 0 takes the lock, n += 1).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { IuObject } from "../../../src/loader/index.js";
import {
  XDP_PASS,
  assertHealthy,
  frame,
  image,
  LogMark,
  skipUnlessVm,
  u32Key,
} from "../../vm/runtime/util.js";

const skip = skipUnlessVm;
let obj: IuObject | undefined;
after(() => obj?.close());

test("a lock word of 1 written from user space is not stored: lock() still takes the lock", { skip }, () => {
  const o = IuObject.open(image("rt_locks")).load();
  obj = o;
  const mark = new LogMark();
  for (const [which, name] of [
    [0, "ALOCK"],
    [1, "HLOCK"],
  ] as const) {
    const m = o.map(name);
    const forged = Buffer.alloc(24);
    forged.writeUInt32LE(1, 0); // the lock word: "held"
    forged.writeBigUInt64LE(41n, 8);
    m.update(u32Key(0), forged);
    const r = o.program("rt_lock").testRun({ data: frame(0, which) });
    assert.equal(r.retval, XDP_PASS, `${name}: the program took the lock and returned`);
    const v = m.lookup(u32Key(0))!;
    assert.equal(v.readUInt32LE(0), 0, `${name}: user space never sees the lock word`);
    assert.equal(v.readBigUInt64LE(8), 42n, `${name}: the value was updated under the lock`);
  }
  assertHealthy(mark.since());
});
