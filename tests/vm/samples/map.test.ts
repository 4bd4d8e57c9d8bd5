// samples/map and its eBPF twin, attached together: both count the same getpid() calls.
import { test } from "node:test";
import assert from "node:assert/strict";
import { attach, parseTarget } from "../../../src/loader/index.js";
import { getpid, loadNative, loadTwin, skipUnlessVm, u32Key } from "./util.js";
import { loadFixture } from "./fixture.js";

test("map: native and twin count the same getpid() calls per pid", { skip: skipUnlessVm }, () => {
  const obj = loadNative("map");
  const twin = loadTwin("map");
  try {
    obj.attach();
    const link = attach(
      twin.prog().fd,
      twin.prog().type,
      parseTarget("tracepoint:syscalls/sys_enter_getpid"),
    );
    let pid = 0;
    for (let i = 0; i < 100; i++) pid = getpid();
    // Only this process's key is compared: other processes may call getpid() too.
    const native = obj.map("COUNTS").lookup(u32Key(pid));
    const ebpf = twin.map("COUNTS").lookup(u32Key(pid));
    link.close();
    assert.ok(native && ebpf, "both maps have our pid");
    assert.equal(native.readBigUInt64LE(), 100n);
    assert.equal(ebpf.readBigUInt64LE(), 100n);
  } finally {
    obj.close();
    twin.close();
  }
});

test("map: the kernel agrees with the host test's fixture", { skip: skipUnlessVm }, () => {
  const f = loadFixture("map");
  const obj = loadNative("map");
  try {
    obj.attach();
    let pid = 0;
    for (let i = 0; i < f.calls!; i++) pid = getpid();
    assert.equal(obj.map("COUNTS").lookup(u32Key(pid))?.readBigUInt64LE(), BigInt(f.count!));
  } finally {
    obj.close();
  }
});
