// The SDK's helpers and map kinds that XDP may call, in one test-run of
// tests/vm/samples/native/sdk_helpers (built on the host by tests/host/sdk/vm-images).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { IuObject } from "../../../src/loader/index.js";
import { RingBufReader } from "../../../src/loader/ringbuf.js";
import { inVm, packet, u32Key } from "./util.js";

const image = join(
  repoRoot,
  "tests",
  "vm",
  "samples",
  "native",
  "sdk_helpers",
  "target",
  "iu",
  "sdk_helpers.iu",
);
const skip = !inVm
  ? "needs the VM"
  : !existsSync(image)
    ? `no ${image} (host test tests/host/sdk builds it)`
    : false;

function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

test(
  "SDK helpers and maps from XDP: time, random, cpu, queue/stack, spin lock, csum, LRU/per-CPU hash, adjust_tail, ringbuf, devmap",
  { skip },
  () => {
    const obj = IuObject.open(image).load();
    const rb = new RingBufReader(obj.map("EVENTS"));
    try {
      const p = obj.program("sdk_helpers");
      const pkt = packet({ proto: 17 });
      const r = p.testRun({ data: pkt });
      assert.equal(r.retval, 2);
      const o = (i: number) => obj.map("OUT").lookup(u32Key(i))!.readBigUInt64LE();
      assert.ok(o(0) > 0n, "ktime_get_ns");
      assert.ok(o(1) >= o(0), "ktime_get_boot_ns >= ktime_get_ns");
      assert.ok(o(2) > 0n, "ktime_get_coarse_ns");
      console.log(`sdk: prandom_u32 gave ${o(3)}, ${o(4)} (0, 0 means the per-CPU state was never seeded)`);
      assert.ok(o(5) < 8n, "smp_processor_id");
      assert.equal(o(6), 11n, "queue peek");
      assert.equal(o(7), 11n, "queue pop (FIFO)");
      assert.equal(o(8), 33n, "stack pop (LIFO)");
      assert.equal(o(9), 5n, "with_lock");
      const expect = fold(0xfcfb + 0xfefd + 0x0708 + 0x0506);
      assert.equal(fold(Number(o(10))), expect, "csum_diff (folded)");
      assert.equal(o(11), 70n, "LRU hash");
      assert.equal(o(12), 100n, "per-CPU hash");
      assert.equal(o(13), 4n, "adjust_tail(-4)");
      assert.equal(r.dataOut.length, pkt.length - 4, "test run output shrunk by adjust_tail");
      assert.equal(o(14), 0n, "ringbuf output");
      const recs = rb.consume();
      assert.equal(recs.length, 1);
      assert.equal(recs[0].readBigUInt64LE(0), o(0));
      assert.equal(recs[0].readBigUInt64LE(8), 0xfeedn);
      // Second run: the spin-locked counter goes on; redirect through the devmap.
      obj.map("DEVS").update(u32Key(0), u32Key(1)); // lo
      const red = Buffer.from(pkt);
      red[0] = 1;
      assert.equal(p.testRun({ data: red }).retval, 4, "XDP_REDIRECT via DEVS[0]");
      assert.equal(o(9), 10n, "with_lock again");
      red[0] = 2;
      assert.equal(p.testRun({ data: red }).retval, 1, "absent devmap key: fallback XDP_DROP");
    } finally {
      rb.close();
      obj.close();
    }
  },
);
