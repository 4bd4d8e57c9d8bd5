// Every benchmark crate builds through the trusted toolchain (policy, sign) and every eBPF
// twin compiles with clang. As a side effect the images and objects exist where the in-VM
// smoke test (tests/vm/bench) loads them: host tests run before the VM boot in iu test-all.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { prepareAll } from "../../../src/bench/host.js";
import { ebpfObjectPath, nativeImagePath, WORKLOADS } from "../../../src/bench/workloads.js";

test("bench: every native image builds and is signed, every eBPF twin compiles", () => {
  const built = prepareAll();
  assert.deepEqual(
    built.map((w) => w.name),
    WORKLOADS.map((w) => w.name),
  );
  for (const w of WORKLOADS) {
    assert.ok(existsSync(nativeImagePath(w)), nativeImagePath(w));
    assert.ok(existsSync(ebpfObjectPath(w)), ebpfObjectPath(w));
  }
});
