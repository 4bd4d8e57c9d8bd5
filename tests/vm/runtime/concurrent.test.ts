// Runtime safety: native programs sharing one CPU. For 30 s, two processes pinned
// to CPU 1 run XDP test runs (a program hashing its packet: long enough for timer
// interrupts to land inside it) and getpgid() calls (counted by a kprobe program), while a
// second kprobe program counts every timer tick in hard interrupt context, nesting over
// the others. Every count must be exact: XDP runs against the runs made, getpgid hits
// against the calls made, ticks against the kernel's own run count (BPF_ENABLE_STATS) and
// the runtime's iu_invocations.
// Programs: tests/vm/runtime/native/rt_concurrent; load: tests/vm/runtime/worker.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { IuObject } from "../../../src/loader/index.js";
import {
  LogMark,
  assertHealthy,
  bpffsDir,
  counters,
  fdinfo,
  frame,
  image,
  perCpuU64,
  skipUnlessVm,
  startWorker,
  u32Key,
  u64,
} from "./util.js";

const SECONDS = 30;
const CPU = 1;

/** 32-bit FNV-1a over `data`, 16 rounds (as rt_xdp_count). */
function fnv(data: Buffer): number {
  let h = 0x811c9dc5;
  for (let r = 0; r < 16; r++)
    for (const b of data) {
      h ^= b;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  return h >>> 0;
}

test(
  `XDP test runs, a getpgid kprobe and a timer-tick kprobe share CPU ${CPU} for ${SECONDS} s: exact counts`,
  { skip: skipUnlessVm, timeout: (SECONDS + 300) * 1000 },
  async () => {
    const o = IuObject.open(image("rt_concurrent")).load();
    const dir = bpffsDir("iu-rt-conc");
    const mark = new LogMark();
    try {
      const pkt = frame(0x45, 0x00, 0x11);
      for (let i = 3; i < pkt.length; i++) pkt[i] = (i * 7) & 0xff;
      o.map("EXPECT").update(u32Key(0), u64(fnv(pkt)));
      const xdp = o.program("rt_xdp_count");
      const tick = o.program("rt_kp_tick");
      const gp = o.program("rt_kp_getpgid");
      xdp.pin(join(dir, "xdp"));
      o.map("GCOUNT").pin(join(dir, "gcount"));
      o.attach();

      // Both start, then run from "go" on.
      const g = startWorker(CPU, SECONDS, ["getpgid", String(SECONDS), join(dir, "gcount")]);
      const x = startWorker(CPU, SECONDS, ["xdp", join(dir, "xdp"), String(SECONDS), pkt.toString("hex")]);
      await Promise.all([g.ready, x.ready]);
      o.map("TARGET").update(u32Key(0), u32Key(g.pid));
      g.go();
      x.go();
      const [gr, xr] = await Promise.all([g.done, x.done]);
      for (const l of o.links.values()) l.close();
      o.links.clear();

      const xc = perCpuU64(o.map("XCOUNT").lookup(u32Key(0))!);
      const gc = perCpuU64(o.map("GCOUNT").lookup(u32Key(0))!);
      const tc = perCpuU64(o.map("TCOUNT").lookup(u32Key(0))!);
      const bad = Number(o.map("EXPECT").lookup(u32Key(1))!.readBigUInt64LE());
      const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
      console.log(
        `concurrent: ${xr.runs} XDP runs, ${gr.calls} getpgid calls; XCOUNT ${xc}, GCOUNT ${gc}, ticks per CPU ${tc}`,
      );
      console.log(`  rt_kp_tick fdinfo: ${JSON.stringify(fdinfo(tick.fd))}`);
      assert.equal(xr.cpu, CPU, "the XDP worker ran on the CPU it was pinned to");
      assert.equal(gr.cpu, CPU, "the getpgid worker ran on the CPU it was pinned to");
      assert.equal(xr.wrong, 0, "every XDP run returned XDP_PASS");
      assert.equal(bad, 0, "every XDP run computed the right hash");
      // Every invocation ran or was refused and counted as a miss: with interrupts off, the
      // runtime keeps one CPU free for the watchdog, so a kprobe that would take the last
      // CPU is refused.
      const xMisses = Number(fdinfo(xdp.fd).recursion_misses);
      const gMisses = Number(fdinfo(gp.fd).recursion_misses);
      console.log(`  misses: XDP ${xMisses}, getpgid kprobe ${gMisses}`);
      assert.equal(xc[CPU] + xMisses, xr.runs, "XDP runs counted on the pinned CPU, or refused");
      assert.equal(sum(xc), xc[CPU], "XDP runs counted nowhere else");
      assert.equal(gc[CPU] + gMisses, gr.calls, "getpgid calls counted on the pinned CPU, or refused");
      assert.ok(gMisses <= gr.calls / 100, `getpgid kprobe refusals are rare: ${gMisses}`);
      assert.equal(gr.counted + gMisses, gr.calls, "getpgid calls during the loop, counted exactly");
      assert.equal(gc[1 - CPU], 0, "getpgid calls counted on the pinned CPU only");
      assert.ok(tc[CPU] > SECONDS * 10, `timer ticks seen on CPU ${CPU}: ${tc[CPU]}`);

      // The kernel's own counts (stats on) and the runtime's.
      const xi = fdinfo(xdp.fd);
      assert.equal(Number(xi.run_cnt), xr.runs, "XDP run_cnt (BPF_ENABLE_STATS)");
      const gi = fdinfo(gp.fd);
      assert.ok(Number(gi.run_cnt) >= gr.calls, `getpgid kprobe run_cnt ${gi.run_cnt} >= ${gr.calls}`);
      const ti = fdinfo(tick.fd);
      const runCnt = Number(ti.run_cnt);
      const misses = Number(ti.recursion_misses);
      assert.ok(
        sum(tc) <= runCnt && sum(tc) >= runCnt - misses,
        `tick count ${sum(tc)} against run_cnt ${runCnt} - recursion_misses ${misses}`,
      );
      for (const [p, n] of [
        [xdp, xr.runs - xMisses],
        [tick, sum(tc)],
      ] as const) {
        const c = counters(p);
        if (c) {
          assert.equal(c.invocations, n, `${p.name}: iu_invocations`);
          assert.equal(c.panics + c.stops, 0, `${p.name}: no faults`);
        }
      }
      assertHealthy(mark.since());
    } finally {
      rmSync(dir, { recursive: true, force: true });
      o.close();
    }
  },
);
