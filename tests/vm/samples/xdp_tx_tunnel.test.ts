// samples/xdp_tx_tunnel and its eBPF twin on the same packets: same verdicts and the
// same output packets, byte for byte (outer IPv4 header, checksum, MACs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ipChecksum, loadNative, loadTwin, packet, skipUnlessVm, u32Key, u64Sum } from "./util.js";
import { loadFixture } from "./fixture.js";

function config(): Buffer {
  const c = Buffer.alloc(28);
  c.writeUInt32LE(0x0a000002, 0); // vip 10.0.0.2 (host-order integer of the network bytes)
  c.writeUInt16LE(8080, 4);
  c.writeUInt32LE(0xc0a80001, 8); // tunnel source 192.168.0.1
  c.writeUInt32LE(0xc0a80002, 12); // tunnel destination 192.168.0.2
  Buffer.from("020000000d0d", "hex").copy(c, 16);
  Buffer.from("020000000e0e", "hex").copy(c, 22);
  return c;
}

const cases: [Buffer, number][] = [
  [packet({ proto: 17, dport: 8080 }), 3],
  [packet({ proto: 6, dport: 8080, payload: Buffer.alloc(300, 7) }), 3],
  [packet({ proto: 17, dport: 8081 }), 2],
  [packet({ proto: 17, dport: 8080, dst: "10.0.0.3" }), 2],
  [packet({ proto: 6, dport: 8080, ipv6: true }), 2],
  [packet({ proto: 1 }), 2],
];

test("xdp_tx_tunnel: native and twin produce identical packets", { skip: skipUnlessVm }, () => {
  const obj = loadNative("xdp_tx_tunnel");
  const twin = loadTwin("xdp_tx_tunnel");
  try {
    obj.map("CONFIG").update(u32Key(0), config());
    twin.map("CONFIG").update(u32Key(0), config());
    for (const [pkt, verdict] of cases) {
      const n = obj.program("xdp_tx_tunnel").testRun({ data: pkt });
      const e = twin.prog("xdp_tx_tunnel").testRun({ data: pkt });
      assert.equal(n.retval, verdict);
      assert.equal(e.retval, verdict);
      assert.equal(n.dataOut.toString("hex"), e.dataOut.toString("hex"));
      if (verdict === 3) {
        const out = n.dataOut;
        assert.equal(out.length, pkt.length + 20);
        assert.equal(out.subarray(0, 12).toString("hex"), "020000000d0d020000000e0e");
        assert.equal(out[23], 4, "outer protocol IPIP");
        assert.equal(ipChecksum(out.subarray(14, 34)), 0, "valid outer checksum");
        assert.deepEqual(out.subarray(34), pkt.subarray(14), "inner packet unchanged");
      } else {
        assert.deepEqual(n.dataOut, pkt);
      }
    }
    const bytes = (m: ReturnType<typeof obj.map>) => [6, 17].map((k) => u64Sum(m.lookup(u32Key(k))));
    assert.deepEqual(bytes(obj.map("TXBYTES")), bytes(twin.map("TXBYTES")));
  } finally {
    obj.close();
    twin.close();
  }
});

test("xdp_tx_tunnel: the kernel agrees with the host test's fixture", { skip: skipUnlessVm }, () => {
  const f = loadFixture("xdp_tx_tunnel");
  const obj = loadNative("xdp_tx_tunnel");
  try {
    obj.map("CONFIG").update(u32Key(0), Buffer.from(f.config!, "hex"));
    for (const c of f.cases!) {
      const r = obj.program("xdp_tx_tunnel").testRun({ data: Buffer.from(c.packet, "hex") });
      assert.equal(r.retval, c.retval);
      assert.equal(r.dataOut.toString("hex"), c.out);
    }
    for (const [k, v] of Object.entries(f.maps!.TXBYTES))
      assert.equal(u64Sum(obj.map("TXBYTES").lookup(u32Key(Number(k)))), BigInt(v), `TXBYTES[${k}]`);
  } finally {
    obj.close();
  }
});
