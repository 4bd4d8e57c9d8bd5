// samples/xdp1 and its eBPF twin on the same packets (BPF_PROG_TEST_RUN): same verdicts,
// same per-protocol counts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadNative, loadTwin, packet, skipUnlessVm, u32Key, u64Sum } from "./util.js";
import { loadFixture } from "./fixture.js";

const packets = [
  packet({ proto: 17 }),
  packet({ proto: 17, dport: 9 }),
  packet({ proto: 6 }),
  packet({ proto: 1 }),
  packet({ proto: 6, ipv6: true }),
  packet({ proto: 58, ipv6: true }),
  packet({ proto: 17, vlan: 5 }),
  Buffer.from("0200000000010200000000020806" + "00".repeat(28), "hex"), // ARP: protocol 0
];

test("xdp1: native and twin agree on verdicts and per-protocol counters", { skip: skipUnlessVm }, () => {
  const obj = loadNative("xdp1");
  const twin = loadTwin("xdp1");
  try {
    const sides = { native: obj.program("xdp1"), twin: twin.prog("xdp1") };
    for (const pkt of packets)
      for (const p of Object.values(sides)) assert.equal(p.testRun({ data: pkt, repeat: 3 }).retval, 1);
    const counts = (m: ReturnType<typeof obj.map>) => {
      const out: Record<number, bigint> = {};
      for (let k = 0; k < 256; k++) {
        const n = u64Sum(m.lookup(u32Key(k)));
        if (n) out[k] = n;
      }
      return out;
    };
    const native = counts(obj.map("RXCNT"));
    const ebpf = counts(twin.map("RXCNT"));
    assert.deepEqual(native, { 0: 3n, 1: 3n, 6: 6n, 17: 9n, 58: 3n });
    assert.deepEqual(native, ebpf);
  } finally {
    obj.close();
    twin.close();
  }
});

test("xdp1: the kernel agrees with the host test's fixture", { skip: skipUnlessVm }, () => {
  const f = loadFixture("xdp1");
  const obj = loadNative("xdp1");
  try {
    for (const c of f.cases!)
      for (let i = 0; i < (f.repeat ?? 1); i++)
        assert.equal(obj.program("xdp1").testRun({ data: Buffer.from(c.packet, "hex") }).retval, c.retval);
    for (let k = 0; k < 256; k++)
      assert.equal(u64Sum(obj.map("RXCNT").lookup(u32Key(k))), BigInt(f.maps!.RXCNT[k] ?? 0), `RXCNT[${k}]`);
  } finally {
    obj.close();
  }
});
