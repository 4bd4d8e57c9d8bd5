// iu bench's watchdog stage in the VM: both never-returning programs of bench/runaway are
// stopped at the time budget, return XDP_ABORTED and are counted in iu_stops. Skipped on
// a kernel without the watchdog (the stage never loads the image there: it would hang).
// The image is built on the host beforehand by the test harness's prepare step.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import {
  BUDGET_SYSCTL,
  hasWatchdog,
  RUNAWAY_PROGRAMS,
  runawayImagePath,
  runRunaway,
} from "../../../src/bench/runaway.js";
import { requireInput } from "../../../src/testing/inputs.js";

const inVm = process.getuid?.() === 0 && existsSync("/sys/fs/bpf");
const skip = !inVm
  ? "needs the VM (root, bpffs): run through iu test-all"
  : !hasWatchdog()
    ? `no watchdog in this kernel (${BUDGET_SYSCTL} missing)`
    : false;

test("bench runaway: a program that never returns is stopped after the budget", { skip }, () => {
  const before = readFileSync(BUDGET_SYSCTL, "utf8").trim();
  const image = requireInput(runawayImagePath(), "iu build bench/runaway");
  const r = runRunaway({ image, budgetsMs: [5], reps: 2 }, () => {});
  assert.equal(r.skipped, undefined);
  for (const c of r.canaries ?? []) assert.ok(c.stopped, `the bounded canary for ${c.program} was stopped`);
  assert.deepEqual(
    r.points.map((p) => p.program),
    [...RUNAWAY_PROGRAMS],
  );
  for (const p of r.points) {
    assert.equal(p.error, undefined, `${p.program}: ${p.error}`);
    assert.deepEqual(p.retvals, [0, 0], `${p.program}: XDP_ABORTED when stopped`);
    assert.ok(p.stopsCounted, `${p.program}: iu_stops went up by one per stop`);
    for (const d of p.durations) assert.ok(d >= 5e6, `${p.program}: ran ${d} ns, less than the budget`);
  }
  assert.equal(readFileSync(BUDGET_SYSCTL, "utf8").trim(), before, "the budget is restored");
});
