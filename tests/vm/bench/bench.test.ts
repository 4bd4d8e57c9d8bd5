// iu bench smoke test in the VM: every quick workload's native program and eBPF twin load
// and compute the same result (return value, output packet, maps, invocations). Behaviour
// only, no timing. The images and twins are built on the host beforehand by the test
// harness's prepare step: the VM's root is read-only.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { runWorkload } from "../../../src/bench/guest.js";
import type { GuestConfig } from "../../../src/bench/types.js";
import { straightLineProgram } from "../../../src/bench/extras.js";
import {
  ebpfObjectPath,
  findWorkload,
  nativeImagePath,
  WORKLOADS,
  type Workload,
} from "../../../src/bench/workloads.js";
import { BpfProgram, ProgType } from "../../../src/loader/index.js";
import { requireInput } from "../../../src/testing/inputs.js";

const inVm = process.getuid?.() === 0 && existsSync("/sys/fs/bpf") && existsSync("/sys/kernel/tracing");
const cfg: GuestConfig = { mode: "wall", quick: true, reps: 1, workloads: [], checkOnly: true };

/** Fails naming the workload's native image or eBPF object when the prepare step did not build it. */
function requireBuilt(w: Workload): void {
  requireInput(nativeImagePath(w), `benchmark ${w.name}, native`);
  requireInput(ebpfObjectPath(w), `benchmark ${w.name}, eBPF twin`);
}

for (const w of WORKLOADS.filter((x) => x.quick)) {
  const skip = inVm ? false : "needs the VM (root, bpffs, tracefs): run through iu test-all";
  test(`bench ${w.name}: native and eBPF agree`, { skip }, () => {
    requireBuilt(w);
    const r = runWorkload(w, cfg, () => {});
    assert.equal(r.error, undefined, r.error);
    assert.ok(r.checked, r.check);
  });
}

test(
  "load-time workload: generated straight-line eBPF is accepted and JIT-compiled",
  { skip: inVm ? false : "needs the VM" },
  () => {
    const p = BpfProgram.loadEbpf({
      insns: straightLineProgram(4096),
      progType: ProgType.XDP,
      name: "load_gen",
    });
    try {
      assert.ok(p.info.jitedLen > 4096, `jited ${p.info.jitedLen}`);
      assert.equal(p.testRun({ data: Buffer.alloc(64), repeat: 1 }).retval, 2);
    } finally {
      p.close();
    }
  },
);

test(
  "a pair that computes different results is refused before timing",
  { skip: inVm ? false : "needs the VM" },
  () => {
    // Native xdp_empty against the eBPF twin of fnv1a: both pass, but only one writes the hash.
    const w: Workload = {
      ...findWorkload("xdp_empty")!,
      name: "mismatch",
      dir: "xdp_empty",
      twin: "../../fnv1a/target/fnv1a",
    };
    requireBuilt(w);
    const r = runWorkload(w, { ...cfg, checkOnly: false }, () => {});
    assert.equal(r.checked, false);
    assert.match(r.error ?? "", /disagree: output packets differ from byte 0/);
    assert.equal(r.native, undefined);
    assert.equal(r.ebpf, undefined);
  },
);
