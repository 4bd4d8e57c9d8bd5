// Runtime safety at fentry/fexit (a BPF trampoline calls the native program):
// - the argument accessors stop at the function's slot count (arg(2) of a 2-argument
//   function is None, as bpf_get_func_arg says -EINVAL), and fexit sees the return value;
// - an fexit program looping forever is stopped by the watchdog and the traced unlink
//   still returns its own result; an fentry program that panics is counted and logged;
// - targets the verifier refuses (migrate_disable, fexit on do_exit) and those on the
//   watchdog's path (hrtimer_interrupt) are refused at load, and a BTF id other than the
//   signed target's is refused.
// Programs: tests/vm/runtime/native/rt_fentry.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { unlinkSync } from "node:fs";
import { IuObject } from "../../../src/loader/index.js";
import { BpfProgram } from "../../../src/loader/program.js";
import { AttachType, ProgType } from "../../../src/loader/attr.js";
import { funcBtfId } from "../../../src/loader/hooks/fentry.js";
import { readFileSync } from "node:fs";
import {
  assertFaults,
  image,
  logWindow,
  needsWatchdog,
  skipUnlessLoopsStop,
  skipUnlessVm,
  u32Key,
  withBudget,
} from "./util.js";

const opened: IuObject[] = [];
after(() => opened.forEach((o) => o.close()));

function load(...programs: string[]): IuObject {
  const o = IuObject.open(image("rt_fentry")).load({ programs });
  opened.push(o);
  return o;
}

const out = (o: IuObject, i: number): bigint => o.map("OUT").lookup(u32Key(i))!.readBigUInt64LE();

function unlinkMissing(path: string): void {
  assert.throws(() => unlinkSync(path), /ENOENT/, `unlink ${path} fails with its own ENOENT`);
}

test(
  "fentry/fexit: arguments stop at the slot count; fexit sees the return value",
  { skip: skipUnlessVm },
  () => {
    const o = load("fe_bounds", "fe_bounds_exit");
    o.attach();
    try {
      unlinkMissing("/tmp/iu-fe-bounds-1");
      assert.equal(out(o, 0), 1n, "fe_bounds ran once");
      assert.equal(out(o, 1), 2n, "do_unlinkat(dfd, name): 2 slots");
      assert.equal(out(o, 2), 1n, "arg(1) is the name");
      assert.equal(out(o, 3), 1n, "arg(2) is None");
      assert.equal(out(o, 4), 1n, "arg(7) is None");
      assert.equal(BigInt.asIntN(64, out(o, 7)), -2n, "fexit: ret = -ENOENT");
    } finally {
      o.close();
    }
  },
);

test(
  "fexit looping forever is stopped; the traced unlink returns its own result",
  { skip: skipUnlessVm || needsWatchdog },
  async (t) => {
    if (await skipUnlessLoopsStop(t)) return;
    const o = load("fe_spin");
    const p = o.program("fe_spin");
    await logWindow(3);
    await withBudget(20, () => {
      o.attach();
      assertFaults(p, "stops", 3, () => {
        for (let i = 0; i < 3; i++) unlinkMissing(`/tmp/iu-fe-spin-${i}`);
      });
      assert.equal(out(o, 5), 3n, "fe_spin ran 3 times");
    });
  },
);

test(
  "fentry panicking is counted and logged; the unlink goes on",
  { skip: skipUnlessVm || needsWatchdog },
  async () => {
    const o = load("fe_panic");
    const p = o.program("fe_panic");
    await logWindow(2);
    o.attach();
    assertFaults(p, "panics", 2, () => {
      for (let i = 0; i < 2; i++) unlinkMissing(`/tmp/iu-fe-panic-${i}`);
    });
    assert.equal(out(o, 6), 2n);
  },
);

test("fentry/fexit targets the kernel must not trace are refused at load", { skip: skipUnlessVm }, () => {
  for (const [prog, why] of [
    ["fe_deny", /migrate_disable cannot be traced by fentry/],
    ["fe_noreturn", /do_exit cannot be traced by fexit/],
    ["fe_watchdog", /hrtimer_interrupt runs inside the watchdog's own path: refused/],
  ] as const)
    assert.throws(
      () => load(prog),
      (e: unknown) => e instanceof Error && why.test(e.message),
      `${prog} is refused`,
    );
});

test("a BTF id other than the signed target's is refused", { skip: skipUnlessVm }, () => {
  const img = readFileSync(image("rt_fentry"));
  const mapFds = [load("fe_bounds").map("OUT").fd];
  const refused = (attachType: number, func: string, why: RegExp): void =>
    assert.throws(
      () =>
        BpfProgram.loadNative({
          image: img,
          entry: "fe_bounds",
          progType: ProgType.TRACING,
          attachType,
          attachBtfId: funcBtfId(func),
          mapFds,
        }),
      (e: unknown) => e instanceof Error && why.test(e.message),
      `${func}, attach type ${attachType}`,
    );
  refused(AttachType.TRACE_FENTRY, "vfs_read", /signed for do_unlinkat, the BTF id names vfs_read/);
  // fexit asked for a program signed as fentry
  refused(AttachType.TRACE_FEXIT, "do_unlinkat", /is type 26 attach 24, load asked 26\/25/);
});
