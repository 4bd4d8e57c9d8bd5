// Runtime safety at uprobes (the uprobe PMU runs a KPROBE program on the user's
// registers, in the probed task):
// - user reads of unmapped and kernel addresses give None, a kernel read of a user
//   address gives None, a real user read works, and the probed binary's result is right;
// - a uretprobe looping forever is stopped each time and the binary still returns its
//   own result; a panicking uprobe is counted and logged and the binary goes on.
// Programs: tests/vm/runtime/native/rt_uprobe; binary: samples/uprobe/uprobed.c.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { IuObject, parseTarget } from "../../../src/loader/index.js";
import { requireUserBinary } from "../../../src/testing/inputs.js";
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

/** Loads `prog` of rt_uprobe and attaches it at `kind:BIN:func`. */
function attached(prog: string, kind: "uprobe" | "uretprobe", func: string): { o: IuObject; bin: string } {
  const bin = requireUserBinary("uprobe", "uprobed");
  const o = IuObject.open(image("rt_uprobe")).load({ programs: [prog] });
  opened.push(o);
  o.attach({ [prog]: parseTarget(`${kind}:${bin}:${func}`) });
  return { o, bin };
}

const out = (o: IuObject, i: number): bigint => o.map("OUT").lookup(u32Key(i))!.readBigUInt64LE();

/** Runs `uprobed n` and checks it printed its own result (for n = 3: 11). */
function runUprobed(bin: string, n: number, sum: number): void {
  const r = spawnSync(bin, [String(n)], { input: "", encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), String(sum), "the probed binary computed its own result");
}

test(
  "uprobe: bad user and kernel addresses read as None; a real user read works",
  { skip: skipUnlessVm },
  () => {
    const { o, bin } = attached("up_faults", "uprobe", "uprobed_add");
    runUprobed(bin, 3, 11);
    for (const [i, what] of [
      [0, "up_faults ran"],
      [1, "read_user(0) is None"],
      [2, "read_user(kernel address) is None"],
      [3, "read_user(sp) gives the return address"],
      [4, "read_kernel(user sp) is None"],
      [5, "read_user_str(unmapped) is None"],
    ] as const)
      assert.equal(out(o, i), 3n, `${what}, 3 times`);
  },
);

test(
  "uretprobe looping forever is stopped each time; the binary returns its own result",
  { skip: skipUnlessVm || needsWatchdog },
  async (t) => {
    if (await skipUnlessLoopsStop(t)) return;
    await logWindow(3);
    await withBudget(20, () => {
      const { o, bin } = attached("up_spin", "uretprobe", "uprobed_sub");
      assertFaults(o.program("up_spin"), "stops", 3, () => runUprobed(bin, 3, 11));
      assert.equal(out(o, 6), 3n, "up_spin ran 3 times");
    });
  },
);

test(
  "uprobe panicking is counted and logged; the binary goes on",
  { skip: skipUnlessVm || needsWatchdog },
  async () => {
    await logWindow(2);
    const { o, bin } = attached("up_panic", "uprobe", "uprobed_add");
    assertFaults(o.program("up_panic"), "panics", 2, () => runUprobed(bin, 2, 4));
    assert.equal(out(o, 7), 2n);
  },
);
