// Atomic map updates: two processes pinned to CPUs 0 and 1 run the same XDP program
// (test runs) at once for SECONDS; it counts every run with fetch_add and with get + set
// in one shared array. The atomic count must equal the runs made (less any the runtime
// refused and counted as misses); the get + set count shows what racing CPUs lose.
// A count under a bpf_spin_lock, taken on every run from both CPUs, is exact as well.
// Program: tests/vm/runtime/native/rt_atomics; load: tests/vm/runtime/worker.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { IuObject } from "../../../src/loader/index.js";
import {
  LogMark,
  assertHealthy,
  bpffsDir,
  fdinfo,
  frame,
  image,
  skipUnlessVm,
  startWorker,
  u32Key,
} from "./util.js";

const SECONDS = 10;

/** Both workers run `prog` of rt_atomics for SECONDS: runs made, misses, and the object. */
async function race(o: IuObject, prog: string): Promise<{ runs: number; misses: number; per: string }> {
  const dir = bpffsDir(`iu-rt-${prog}`);
  try {
    const xdp = o.program(prog);
    xdp.pin(join(dir, "xdp"));
    const pkt = frame(0x45, 0x00, 0x11).toString("hex");
    const ws = [0, 1].map((cpu) =>
      startWorker(cpu, SECONDS, ["xdp", join(dir, "xdp"), String(SECONDS), pkt]),
    );
    await Promise.all(ws.map((w) => w.ready));
    for (const w of ws) w.go();
    const rs = await Promise.all(ws.map((w) => w.done));
    assert.deepEqual(
      rs.map((r) => r.cpu),
      [0, 1],
      "each worker ran on its own CPU",
    );
    assert.ok(rs.every((r) => r.wrong === 0 && r.runs > 0));
    return {
      runs: rs.reduce((s, r) => s + r.runs, 0),
      misses: Number(fdinfo(xdp.fd).recursion_misses),
      per: rs.map((r) => `${r.runs} runs on CPU ${r.cpu}`).join(", "),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test(
  `fetch_add on a shared array from two CPUs for ${SECONDS} s loses no update`,
  { skip: skipUnlessVm, timeout: (SECONDS + 300) * 1000 },
  async () => {
    const o = IuObject.open(image("rt_atomics")).load();
    const mark = new LogMark();
    try {
      const { runs, misses, per } = await race(o, "rt_atomic_count");
      const counts = o.map("COUNTS");
      const atomic = Number(counts.lookup(u32Key(0))!.readBigUInt64LE());
      const plain = Number(counts.lookup(u32Key(1))!.readBigUInt64LE());
      console.log(
        `atomics: ${per}; fetch_add ${atomic}, get + set ${plain} (${runs - misses - plain} lost), misses ${misses}`,
      );
      assert.equal(atomic + misses, runs, "every run counted by fetch_add (or refused as a miss)");
      assert.ok(plain <= atomic, "get + set never counts more");
      assertHealthy(mark.since());
    } finally {
      o.close();
    }
  },
);

test(
  `a count under a spin lock both CPUs take for ${SECONDS} s is exact`,
  { skip: skipUnlessVm, timeout: (SECONDS + 300) * 1000 },
  async () => {
    const o = IuObject.open(image("rt_atomics")).load();
    const mark = new LogMark();
    try {
      const { runs, misses, per } = await race(o, "rt_locked_count");
      const n = Number(o.map("LOCKED").lookup(u32Key(0))!.readBigUInt64LE(8));
      console.log(`spin lock: ${per}; counted ${n}, misses ${misses}`);
      assert.equal(n + misses, runs, "every run counted under the lock (or refused as a miss)");
      assertHealthy(mark.since());
    } finally {
      o.close();
    }
  },
);
