// Runtime safety at an LSM hook: a program that panics while deciding an exec returns
// the hook's default, 0 (allow, what the hook returns when no BPF LSM program runs), so
// the exec goes on; the panic is counted and logged and the kernel is healthy.
// Program: tests/vm/runtime/native/rt_lsm.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { IuObject } from "../../../src/loader/index.js";
import { assertFaults, image, skipUnlessVm } from "./util.js";

test(
  "lsm: a panicking LSM program returns 0 (allow) and is counted and logged",
  { skip: skipUnlessVm },
  () => {
    const dir = mkdtempSync("/tmp/iu-rt-lsm-");
    const bin = join(dir, "iu-lsm-panic");
    copyFileSync("/bin/true", bin);
    const o = IuObject.open(image("rt_lsm")).load();
    try {
      o.attach();
      assertFaults(o.program("lsm_panic"), "panics", 2, () => {
        for (let i = 0; i < 2; i++) {
          const r = spawnSync(bin, []);
          assert.equal(r.error, undefined, "the exec was allowed");
          assert.equal(r.status, 0);
        }
      });
      assert.equal(spawnSync("/bin/true").status, 0, "other execs are untouched");
    } finally {
      o.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
