// samples/hello and its eBPF twin: both print "hello from pid N" for a getpid() caller.
import { test } from "node:test";
import assert from "node:assert/strict";
import { attach, parseTarget, TraceReader } from "../../../src/loader/index.js";
import { getpid, loadNative, loadTwin, skipUnlessVm } from "./util.js";
import { loadFixture } from "./fixture.js";

test(
  "hello: native and eBPF twin print the same line for the same getpid()",
  { skip: skipUnlessVm },
  async () => {
    const seen: Record<string, string[]> = {};
    for (const side of ["native", "twin"] as const) {
      const reader = new TraceReader({ pollMs: 20 });
      reader.readAvailable();
      const obj = side === "native" ? loadNative("hello") : undefined;
      const twin = side === "twin" ? loadTwin("hello") : undefined;
      try {
        if (obj) obj.attach();
        const link = twin
          ? attach(twin.prog().fd, twin.prog().type, parseTarget("tracepoint:syscalls/sys_enter_getpid"))
          : undefined;
        const pid = getpid();
        const lines = await reader.collect(5000, (l) => l.message.includes(`hello from pid ${pid}`));
        link?.close();
        seen[side] = lines.filter((l) => l.pid === pid).map((l) => l.message.trim());
      } finally {
        obj?.close();
        twin?.close();
        reader.close();
      }
    }
    const pid = getpid();
    assert.ok(seen.native.includes(`hello from pid ${pid}`), JSON.stringify(seen));
    assert.deepEqual(seen.native, seen.twin);
  },
);

test("hello: the kernel prints the host test's fixture line", { skip: skipUnlessVm }, async () => {
  const f = loadFixture("hello");
  const reader = new TraceReader({ pollMs: 20 });
  reader.readAvailable();
  const obj = loadNative("hello");
  try {
    obj.attach();
    const pid = getpid();
    const want = f.line!.replace("PID", String(pid));
    const lines = await reader.collect(5000, (l) => l.message.includes(want));
    assert.ok(
      lines.some((l) => l.message.trim() === want),
      JSON.stringify(lines.map((l) => l.message)),
    );
  } finally {
    obj.close();
    reader.close();
  }
});
