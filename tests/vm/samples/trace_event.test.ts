// samples/trace_event and its eBPF twin, attached together to cpu-clock while this
// process spins: both sample it with valid kernel and user stack ids, in similar numbers,
// and the stacks they recorded resolve to kernel and user addresses.
import { test } from "node:test";
import { spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import { attach, parseTarget, type BpfMap } from "../../../src/loader/index.js";
import { loadNative, loadTwin, skipUnlessVm, u32Key } from "./util.js";

interface Sample {
  pid: number;
  kern: number;
  user: number;
  comm: string;
  n: number;
}

function samples(m: BpfMap): Sample[] {
  return [...m.entries()].map(([k, v]) => ({
    pid: k.readUInt32LE(0),
    kern: k.readInt32LE(4),
    user: k.readInt32LE(8),
    comm: k.subarray(16, 32).toString("latin1").replace(/\0.*$/s, ""),
    n: Number(v.readBigUInt64LE()),
  }));
}

function frames(stacks: BpfMap, id: number): bigint[] {
  const v = stacks.lookup(u32Key(id));
  if (!v) return [];
  const out: bigint[] = [];
  for (let o = 0; o < v.length; o += 8) {
    const a = v.readBigUInt64LE(o);
    if (!a) break;
    out.push(a);
  }
  return out;
}

test(
  "trace_event: native and twin sample the same busy process with kernel+user stacks",
  { skip: skipUnlessVm },
  () => {
    const obj = loadNative("trace_event");
    const twin = loadTwin("trace_event");
    try {
      obj.attach();
      const link = attach(twin.prog().fd, twin.prog().type, parseTarget("perf:cpu-clock"));
      // A child that spins for 1.5 s, started after both are attached and finished before
      // either is detached: both programs sample all of its life (each on its own
      // cpu-clock events, so the counts are close, not equal).
      const child = spawnSync(process.execPath, [
        "-e",
        "const e = Date.now() + 1500; let x = 0; while (Date.now() < e) x = (x * 31 + 7) % 1000003;",
      ]);
      const busy = child.pid!;
      link.close();
      const result: Record<string, { mine: number; withUser: number; kernTop: bigint[]; userTop: bigint[] }> =
        {};
      for (const [side, counts, stacks] of [
        ["native", obj.map("COUNTS"), obj.map("STACKS")],
        ["twin", twin.map("COUNTS"), twin.map("STACKS")],
      ] as const) {
        const mine = samples(counts).filter((s) => s.pid === busy);
        const withUser = mine.filter((s) => s.kern >= 0 && s.user >= 0);
        result[side] = {
          mine: mine.reduce((a, s) => a + s.n, 0),
          withUser: withUser.reduce((a, s) => a + s.n, 0),
          kernTop: withUser.slice(0, 5).map((s) => frames(stacks, s.kern)[0]),
          userTop: withUser.slice(0, 5).map((s) => frames(stacks, s.user)[0]),
        };
      }
      console.log(
        `trace_event: samples of pid ${busy}: native ${result.native.mine} (${result.native.withUser} with both stacks), twin ${result.twin.mine} (${result.twin.withUser})`,
      );
      for (const side of ["native", "twin"]) {
        const r = result[side];
        assert.ok(
          r.withUser >= 10,
          `${side}: ${JSON.stringify(r, (_, v: unknown) => (typeof v === "bigint" ? v.toString(16) : v))}`,
        );
        for (const a of r.kernTop)
          assert.ok(a >= 0xffffffff80000000n, `${side}: kernel frame ${a.toString(16)}`);
        for (const a of r.userTop)
          assert.ok(a > 0n && a < 0x800000000000n, `${side}: user frame ${a.toString(16)}`);
      }
      // cpu-clock at the loader's default 1 ms period (sample_period from perf_sample_data).
      assert.equal(obj.map("PERIOD").lookup(u32Key(0))!.readBigUInt64LE(), 1_000_000n);
      // Same event stream, attached a few ms apart: the counts are close.
      const ratio = result.native.mine / result.twin.mine;
      assert.ok(ratio > 0.85 && ratio < 1.15, `native/twin sample ratio ${ratio}`);
    } finally {
      obj.close();
      twin.close();
    }
  },
);
