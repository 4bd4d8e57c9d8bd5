// Program load, info, test run and errors, with eBPF programs assembled in asm.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { BpfMap, BpfProgram, ProgType, SysError } from "../../../src/loader/index.js";
import { countInto, exit, program, returnImm, xdpRewrite } from "./asm.js";
import { bpffsDir, iu, iuJson, skipUnlessVm } from "./util.js";

test("XDP test run: return value, rewritten packet, duration", { skip: skipUnlessVm }, () => {
  const p = BpfProgram.loadEbpf({ insns: xdpRewrite(), progType: ProgType.XDP, name: "t_xdp_rw" });
  try {
    assert.equal(p.typeName, "xdp");
    assert.equal(p.name, "t_xdp_rw");
    assert.equal(p.info.tag.length, 16);
    const pkt = Buffer.alloc(64, 0xab);
    const r = p.testRun({ data: pkt, repeat: 100 });
    assert.equal(r.retval, 3); // XDP_TX
    assert.equal(r.dataOut.length, 64);
    assert.equal(r.dataOut[0], 0xff);
    assert.ok(r.dataOut.subarray(1).every((b) => b === 0xab));
    assert.ok(r.duration >= 0);
  } finally {
    p.close();
  }
});

test("raw tracepoint test run with a map: the program's map ids are reported", { skip: skipUnlessVm }, () => {
  const m = BpfMap.create({ name: "t_cnt", mapType: 2, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 });
  const p = BpfProgram.loadEbpf({ insns: countInto(m.fd), progType: ProgType.RAW_TRACEPOINT, name: "t_cnt" });
  try {
    assert.deepEqual(p.info.mapIds, [m.id]);
    for (let i = 0; i < 3; i++) assert.equal(p.testRun({ ctx: Buffer.alloc(16) }).retval, 0);
    assert.equal(m.lookup(Buffer.alloc(4))?.readBigUInt64LE(), 3n);
  } finally {
    p.close();
    m.close();
  }
});

test("a rejected load names the errno and carries the kernel log", { skip: skipUnlessVm }, () => {
  assert.throws(
    () => BpfProgram.loadEbpf({ insns: program(exit()), progType: ProgType.XDP, name: "t_bad" }),
    (e: unknown) =>
      e instanceof SysError &&
      e.errnoName === "EACCES" &&
      /R0 !read_ok/.test(e.log) &&
      /BPF_PROG_LOAD/.test(e.message),
  );
});

test("iu prog list and iu run on a pinned program", { skip: skipUnlessVm }, () => {
  const dir = bpffsDir("iu-progs");
  const p = BpfProgram.loadEbpf({ insns: xdpRewrite(), progType: ProgType.XDP, name: "t_xdp_cli" });
  try {
    p.pin(join(dir, "xdp"));
    const list = iuJson<{ id: number; name: string; type: string }[]>("prog", "list");
    assert.ok(list.some((x) => x.id === p.id && x.name === "t_xdp_cli" && x.type === "xdp"));
    const pkt = join(tmpdir(), "iu-pkt.bin");
    writeFileSync(pkt, Buffer.alloc(60, 0x11));
    const r = iuJson<{ retval: number; dataOut: string; durationNs: number; dataChanged: boolean }>(
      "run",
      join(dir, "xdp"),
      "--data",
      pkt,
      "--repeat",
      "1000",
    );
    assert.equal(r.retval, 3);
    assert.equal(r.dataOut.slice(0, 4), "ff11");
    assert.equal(r.dataChanged, true);
    const text = iu("run", String(p.id), "--data", pkt);
    assert.match(text.stdout, /retval: 3/);
    assert.match(text.stdout, /duration: \d+ ns/);
    const ret0 = BpfProgram.loadEbpf({ insns: returnImm(2), progType: ProgType.XDP, name: "t_pass" });
    assert.equal(ret0.testRun({ data: Buffer.alloc(14) }).retval, 2);
    ret0.close();
  } finally {
    p.close();
    rmSync(dir, { recursive: true });
  }
});
