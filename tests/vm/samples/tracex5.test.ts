// samples/tracex5 and its eBPF twin, one at a time, on the same seccomp-filtered driver
// (samples/tracex5/seccomp_run.c): both decode the same system calls with the same
// arguments. The twin gets offsetof(task_struct, stack) from this kernel's BTF, the
// native program from `iu gen btf` (src/kernel.rs); the test checks they agree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { genBtf } from "../../../src/gen/btf.js";
import { attach, parseTarget, TraceReader } from "../../../src/loader/index.js";
import { loadNative, loadTwin, skipUnlessVm } from "./util.js";

function stackOffset(): number {
  const code = genBtf(["task_struct"], { btf: "/sys/kernel/btf/vmlinux", fields: ["stack"] });
  return Number(/wrapping_add\((\d+)\)/.exec(code)![1]);
}

test(
  "tracex5: native and twin decode the same seccomp-traced system calls",
  { skip: skipUnlessVm },
  async () => {
    const off = stackOffset();
    const committed = readFileSync(join(repoRoot, "samples", "tracex5", "src", "kernel.rs"), "utf8");
    assert.match(committed, new RegExp(`wrapping_add\\(${off}\\)`), "kernel.rs matches this kernel's BTF");
    const driver = join(mkdtempSync(join(tmpdir(), "iu-tracex5-")), "seccomp_run");
    const cc = spawnSync("cc", ["-O2", "-o", driver, join(repoRoot, "samples", "tracex5", "seccomp_run.c")], {
      encoding: "utf8",
    });
    assert.equal(cc.status, 0, cc.stderr);
    const seen: Record<string, string[]> = {};
    for (const side of ["native", "twin"] as const) {
      const reader = new TraceReader({ pollMs: 20 });
      reader.readAvailable();
      const obj = side === "native" ? loadNative("tracex5") : undefined;
      const twin = side === "twin" ? loadTwin("tracex5", undefined, [`TASK_STACK_OFF=${off}`]) : undefined;
      try {
        obj?.attach();
        const link = twin
          ? attach(twin.prog().fd, twin.prog().type, parseTarget("kprobe:__seccomp_filter"))
          : undefined;
        const r = spawnSync(driver, { encoding: "utf8" });
        assert.equal(r.status, 7, r.stderr);
        const lines = await reader.collect(5000, (l) => l.message.includes("exit_group(status=7)"));
        link?.close();
        seen[side] = lines
          .filter((l) => l.pid === r.pid && l.message.startsWith("tracex5:"))
          .map((l) => l.message.trim());
      } finally {
        obj?.close();
        twin?.close();
        reader.close();
      }
    }
    console.log(`tracex5: native saw\n  ${seen.native.join("\n  ")}`);
    assert.deepEqual(seen.native.slice(0, 6), [
      "tracex5: write(fd=1, count=8)",
      "tracex5: getpid()",
      "tracex5: openat(dfd=-100, flags=0, mode=0)",
      "tracex5: read(fd=3, count=4)",
      "tracex5: close(fd=3)",
      "tracex5: exit_group(status=7)",
    ]);
    assert.deepEqual(seen.native, seen.twin);
  },
);
