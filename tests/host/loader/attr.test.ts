// union bpf_attr / perf_event_attr encodings. The encoders take every offset from the tables
// generated from the kernel's BTF (src/abi/uapi.ts, checked against the running kernel by a VM
// test); the numbers here are upstream's stable offsets, so a generator bug shows up too.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BPF_ATTR_SIZE,
  BPF_F_IU_NATIVE,
  decodeLinkInfo,
  decodeMapInfo,
  decodeProgInfo,
  decodeTestRun,
  encodeGetId,
  encodeLinkCreate,
  encodeMapCreate,
  encodeMapElem,
  encodeObjPin,
  encodePerfAttr,
  encodeProgLoad,
  encodeRawTpOpen,
  encodeTestRun,
  Off,
  PERF_ATTR_SIZE,
} from "../../../src/loader/attr.js";

test("BPF_MAP_CREATE: type, sizes, flags and a 15-byte sanitised name at 28", () => {
  const b = encodeMapCreate({
    mapType: 2,
    keySize: 4,
    valueSize: 8,
    maxEntries: 16,
    mapFlags: 1,
    name: "counts-of/every.thing",
  });
  assert.equal(b.length, BPF_ATTR_SIZE);
  assert.deepEqual(
    [0, 4, 8, 12, 16].map((o) => b.readUInt32LE(o)),
    [2, 4, 8, 16, 1],
  );
  assert.equal(b.subarray(28, 44).toString("latin1"), "counts_of_every\0");
});

test("map element ops: fd at 0, key at 8, value/next_key at 16, flags at 24", () => {
  const b = encodeMapElem(7, 0x1122334455n, 0x66778899aan, 2n);
  assert.equal(b.readUInt32LE(0), 7);
  assert.equal(b.readBigUInt64LE(8), 0x1122334455n);
  assert.equal(b.readBigUInt64LE(16), 0x66778899aan);
  assert.equal(b.readBigUInt64LE(24), 2n);
});

test("BPF_PROG_LOAD for eBPF: nothing past prog_token_fd", () => {
  const b = encodeProgLoad({
    progType: 6,
    expectedAttachType: 37,
    name: "xdp_prog",
    license: 0x1000n,
    insns: { ptr: 0x2000n, count: 3 },
    log: { ptr: 0x3000n, size: 4096, level: 1 },
  });
  assert.equal(b.length, BPF_ATTR_SIZE);
  assert.equal(b.readUInt32LE(0), 6);
  assert.equal(b.readUInt32LE(4), 3);
  assert.equal(b.readBigUInt64LE(8), 0x2000n);
  assert.equal(b.readBigUInt64LE(16), 0x1000n);
  assert.equal(b.readUInt32LE(24), 1);
  assert.equal(b.readUInt32LE(28), 4096);
  assert.equal(b.readBigUInt64LE(32), 0x3000n);
  assert.equal(b.readUInt32LE(44), 0);
  assert.equal(b.subarray(48, 64).toString("latin1").replace(/\0+$/, ""), "xdp_prog");
  assert.equal(b.readUInt32LE(68), 37);
  assert.ok(b.subarray(148).every((x) => x === 0));
});

test("BPF_PROG_LOAD for a native image: upstream's fd_array and signature fields, then attr->iu at 168", () => {
  const b = encodeProgLoad({
    progType: 5,
    name: "hello",
    license: 0x1000n,
    native: {
      image: 0xa000n,
      imageLen: 12345,
      signature: 0xd000n,
      signatureLen: 700,
      keyringId: 77,
      mapFds: 0xb000n,
      mapFdCnt: 2,
      entry: 0xc000n,
    },
  });
  assert.equal(BPF_F_IU_NATIVE, 0x40000000);
  assert.equal(Off.progLoad.iu_image, 168, "BPF_IU_LOAD_ATTR_OFFSET");
  assert.equal(b.length, BPF_ATTR_SIZE);
  assert.equal(b.length, 192);
  assert.equal(b.readUInt32LE(44), 0x40000000);
  assert.equal(b.readUInt32LE(4), 0, "insn_cnt must be 0");
  assert.equal(b.readBigUInt64LE(8), 0n, "insns must be 0");
  assert.equal(b.readBigUInt64LE(120), 0xb000n, "fd_array");
  assert.equal(b.readInt32LE(144), 0, "prog_token_fd");
  assert.equal(b.readUInt32LE(148), 2, "fd_array_cnt");
  assert.equal(b.readBigUInt64LE(152), 0xd000n, "signature");
  assert.equal(b.readUInt32LE(160), 700, "signature_size");
  assert.equal(b.readInt32LE(164), 77, "keyring_id");
  assert.equal(b.readBigUInt64LE(168), 0xa000n, "iu.image");
  assert.equal(b.readUInt32LE(176), 12345, "iu.image_size");
  assert.equal(b.readUInt32LE(180), 0, "iu.pad");
  assert.equal(b.readBigUInt64LE(184), 0xc000n, "iu.entry");
});

test("BPF_PROG_TEST_RUN layout and the fields the kernel writes back", () => {
  const b = encodeTestRun({
    progFd: 9,
    dataIn: { ptr: 0x10n, size: 64 },
    dataOut: { ptr: 0x20n, size: 4160 },
    ctxIn: { ptr: 0x30n, size: 16 },
    repeat: 1000,
  });
  assert.equal(b.readUInt32LE(0), 9);
  assert.equal(b.readUInt32LE(8), 64);
  assert.equal(b.readUInt32LE(12), 4160);
  assert.equal(b.readBigUInt64LE(16), 0x10n);
  assert.equal(b.readBigUInt64LE(24), 0x20n);
  assert.equal(b.readUInt32LE(32), 1000);
  assert.equal(b.readUInt32LE(40), 16);
  assert.equal(b.readBigUInt64LE(48), 0x30n);
  b.writeUInt32LE(3, 4); // retval
  b.writeUInt32LE(77, 36); // duration
  b.writeUInt32LE(64, 12);
  assert.deepEqual(decodeTestRun(b), { retval: 3, duration: 77, dataSizeOut: 64, ctxSizeOut: 0 });
});

test("obj pin/get, ids, raw tracepoint open, link create", () => {
  const p = encodeObjPin(0xdead0n, 5);
  assert.equal(p.readBigUInt64LE(0), 0xdead0n);
  assert.equal(p.readUInt32LE(8), 5);
  const g = encodeGetId(42);
  assert.equal(g.readUInt32LE(0), 42);
  const r = encodeRawTpOpen(0x77n, 4);
  assert.equal(r.readBigUInt64LE(0), 0x77n);
  assert.equal(r.readUInt32LE(8), 4);
  const l = encodeLinkCreate({ progFd: 3, target: 2, attachType: 46, flags: 0 });
  assert.deepEqual(
    [0, 4, 8, 12].map((o) => l.readUInt32LE(o)),
    [3, 2, 46, 0],
  );
});

test("info decoders: prog (232 bytes), map (88), link (64)", () => {
  const p = Buffer.alloc(232);
  p.writeUInt32LE(6, 0);
  p.writeUInt32LE(12, 4);
  Buffer.from("0102030405060708", "hex").copy(p, 8);
  p.write("hello", 64);
  p.writeBigUInt64LE(5n, 200);
  const pi = decodeProgInfo(p);
  assert.equal(pi.type, 6);
  assert.equal(pi.id, 12);
  assert.equal(pi.tag, "0102030405060708");
  assert.equal(pi.name, "hello");
  assert.equal(pi.runCnt, 5n);
  const m = Buffer.alloc(88);
  [1, 3, 4, 8, 64, 0].forEach((v, i) => m.writeUInt32LE(v, i * 4));
  m.write("counts", 24);
  assert.deepEqual(decodeMapInfo(m), {
    type: 1,
    id: 3,
    keySize: 4,
    valueSize: 8,
    maxEntries: 64,
    flags: 0,
    name: "counts",
  });
  const l = Buffer.alloc(64);
  [11, 4, 9, 2, 47].forEach((v, i) => l.writeUInt32LE(v, i * 4 + (i > 2 ? 4 : 0)));
  assert.deepEqual(decodeLinkInfo(l), { type: 11, id: 4, progId: 9, ifindex: 2, attachType: 47 });
});

test("perf_event_attr: size 136 (VER8), config1/config2 for kprobes, disabled and freq bits", () => {
  const b = encodePerfAttr({ type: 6, config: 1n, config1: 0x4000n, config2: 8n, disabled: true });
  assert.equal(b.length, PERF_ATTR_SIZE);
  assert.equal(b.readUInt32LE(0), 6);
  assert.equal(b.readUInt32LE(4), 136);
  assert.equal(b.readBigUInt64LE(8), 1n);
  assert.equal(b.readBigUInt64LE(16), 1n, "sample_period defaults to 1");
  assert.equal(b.readBigUInt64LE(40) & 1n, 1n);
  assert.equal(b.readBigUInt64LE(56), 0x4000n);
  assert.equal(b.readBigUInt64LE(64), 8n);
  const f = encodePerfAttr({ type: 1, config: 0n, sampleFreq: 99n });
  assert.equal(f.readBigUInt64LE(16), 99n);
  assert.equal(f.readBigUInt64LE(40), 1n << 10n);
});
