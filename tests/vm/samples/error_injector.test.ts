// samples/error_injector and its eBPF twin, one at a time: getpid() returns the injected
// value for the target process only, and both count the same injections.
import { test } from "node:test";
import assert from "node:assert/strict";
import { attach, parseTarget } from "../../../src/loader/index.js";
import { getpid, loadNative, loadTwin, skipUnlessVm, u32Key } from "./util.js";

function u64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, n));
  return b;
}

test(
  "error_injector: native and twin make getpid() fail the same way for one pid",
  { skip: skipUnlessVm },
  () => {
    const real = getpid();
    const results: Record<string, { own: number[]; other: number[]; hits: bigint }> = {};
    for (const side of ["native", "twin"] as const) {
      const obj = side === "native" ? loadNative("error_injector") : undefined;
      const twin = side === "twin" ? loadTwin("error_injector") : undefined;
      const m = (n: string) => (obj ? obj.map(n) : twin!.map(n));
      try {
        m("RC").update(u32Key(0), u64(-1234n));
        m("TARGET").update(u32Key(0), u32Key(real + 1)); // someone else first
        const link = twin
          ? attach(twin.prog().fd, twin.prog().type, parseTarget("kprobe:__x64_sys_getpid"))
          : undefined;
        if (obj) obj.attach();
        const other = [getpid(), getpid()];
        m("TARGET").update(u32Key(0), u32Key(real));
        const own = [getpid(), getpid(), getpid()];
        link?.close();
        results[side] = { own, other, hits: m("HITS").lookup(u32Key(0))!.readBigUInt64LE() };
      } finally {
        obj?.close();
        twin?.close();
      }
    }
    assert.deepEqual(results.native, { own: [-1234, -1234, -1234], other: [real, real], hits: 3n });
    assert.deepEqual(results.native, results.twin);
    assert.equal(getpid(), real, "detached: getpid works again");
  },
);
