// samples/lsm and its eBPF twin: a BPF LSM program on bprm_check_security refuses exec
// of exactly the binary named iu-denied (EACCES), with the same trace line, and lets an
// allowed copy of the same binary run; with neither attached, both run. `iu link list`
// shows the link as lsm:bprm_check_security.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { listLinks, TraceReader, type Link } from "../../../src/loader/index.js";
import { attach, parseTarget } from "../../../src/loader/index.js";
import { twinDefines } from "../../../src/testing/inputs.js";
import { loadNative, loadTwin, skipUnlessVm } from "./util.js";

/** Runs `path`: its exit status, or the errno name exec failed with. */
function exec(path: string): string {
  const r = spawnSync(path, [], { encoding: "utf8" });
  return r.error ? ((r.error as NodeJS.ErrnoException).code ?? String(r.error)) : `exit ${r.status}`;
}

test(
  "lsm: native and eBPF twin refuse exec of exactly the denied binary, with the same line",
  { skip: skipUnlessVm },
  async () => {
    const dir = mkdtempSync("/tmp/iu-lsm-");
    const denied = join(dir, "iu-denied");
    const allowed = join(dir, "iu-allowed");
    copyFileSync("/bin/true", denied);
    copyFileSync("/bin/true", allowed);
    try {
      assert.equal(exec(denied), "exit 0", "nothing attached");
      const seen: Record<string, string[]> = {};
      for (const side of ["native", "twin"] as const) {
        const reader = new TraceReader({ pollMs: 20 });
        reader.readAvailable();
        const obj = side === "native" ? loadNative("lsm") : undefined;
        // The twin takes offsetof(linux_binprm, filename) from this kernel's BTF.
        const defines = twinDefines("lsm", "lsm.bpf.c", "/sys/kernel/btf/vmlinux");
        const twin = side === "twin" ? loadTwin("lsm", undefined, defines) : undefined;
        let link: Link | undefined;
        try {
          if (obj) {
            obj.attach();
            assert.ok(
              listLinks().some((l) => l.target === "lsm:bprm_check_security"),
              "iu link list shows the LSM link",
            );
          }
          if (twin) link = attach(twin.prog().fd, twin.prog().type, parseTarget("lsm:bprm_check_security"));
          assert.equal(exec(denied), "EACCES", `${side}: the denied binary`);
          assert.equal(exec(allowed), "exit 0", `${side}: the allowed copy`);
          assert.equal(exec("/bin/true"), "exit 0", `${side}: another binary`);
          const lines = await reader.collect(5000, (l) => l.message.includes("refused exec"));
          seen[side] = lines.filter((l) => l.message.includes("lsm:")).map((l) => l.message.trim());
        } finally {
          link?.close();
          obj?.close();
          twin?.close();
          reader.close();
        }
      }
      assert.deepEqual(seen.native, [`lsm: refused exec of ${denied}`]);
      assert.deepEqual(seen.native, seen.twin);
      assert.equal(exec(denied), "exit 0", "detached: the binary runs again");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
