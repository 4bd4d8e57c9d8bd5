// samples/tc_filter and its eBPF twin as SCHED_CLS test runs: the same packets get the
// same verdicts (TC_ACT_SHOT for the filtered port) and the same counters.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadNative, loadTwin, packet, skipUnlessVm, u32Key } from "./util.js";
import { loadFixture } from "./fixture.js";

const cases: [Buffer, number][] = [
  [packet({ proto: 17, dport: 9 }), 2],
  [packet({ proto: 6, dport: 9 }), 2],
  [packet({ proto: 6, dport: 9, ipv6: true }), 2],
  [packet({ proto: 17, dport: 53 }), 0],
  [packet({ proto: 6, dport: 80, ipv6: true }), 0],
  [packet({ proto: 1 }), 0],
  [packet({ proto: 17, sport: 9, dport: 10 }), 0],
];

test("tc_filter: native and twin drop the same packets", { skip: skipUnlessVm }, () => {
  const obj = loadNative("tc_filter");
  const twin = loadTwin("tc_filter");
  try {
    const port = Buffer.alloc(4);
    port.writeUInt32LE(9);
    obj.map("PORT").update(u32Key(0), port);
    twin.map("PORT").update(u32Key(0), port);
    const verdicts = { native: [] as number[], twin: [] as number[] };
    for (const [pkt] of cases) {
      verdicts.native.push(obj.program("tc_filter").testRun({ data: pkt }).retval);
      verdicts.twin.push(twin.prog("tc_filter").testRun({ data: pkt }).retval);
    }
    assert.deepEqual(
      verdicts.native,
      cases.map(([, v]) => v),
    );
    assert.deepEqual(verdicts.native, verdicts.twin);
    const stats = (m: ReturnType<typeof obj.map>) =>
      [0, 1].map((k) => m.lookup(u32Key(k))!.readBigUInt64LE());
    assert.deepEqual(stats(obj.map("STATS")), [4n, 3n]);
    assert.deepEqual(stats(obj.map("STATS")), stats(twin.map("STATS")));
  } finally {
    obj.close();
    twin.close();
  }
});

test("tc_filter: the kernel agrees with the host test's fixture", { skip: skipUnlessVm }, () => {
  const f = loadFixture("tc_filter");
  const obj = loadNative("tc_filter");
  try {
    const port = Buffer.alloc(4);
    port.writeUInt32LE(f.port!);
    obj.map("PORT").update(u32Key(0), port);
    for (const c of f.cases!)
      assert.equal(obj.program("tc_filter").testRun({ data: Buffer.from(c.packet, "hex") }).retval, c.retval);
    for (const [k, v] of Object.entries(f.maps!.STATS))
      assert.equal(
        obj
          .map("STATS")
          .lookup(u32Key(Number(k)))!
          .readBigUInt64LE(),
        BigInt(v),
        `STATS[${k}]`,
      );
  } finally {
    obj.close();
  }
});
