// Maps through the loader library and the CLI, on the VM kernel.
import { test } from "node:test";
import { rmSync } from "node:fs";
import assert from "node:assert/strict";
import { BpfMap, SysError } from "../../../src/loader/index.js";
import { bpffsDir, bpftool, iu, iuJson, skipUnlessVm } from "./util.js";

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const u64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return b;
};

test("hash map: create, update, lookup, iterate, delete, flags", { skip: skipUnlessVm }, () => {
  const m = BpfMap.create({ name: "t_hash", mapType: 1, keySize: 4, valueSize: 8, maxEntries: 16, flags: 0 });
  try {
    assert.equal(m.typeName, "hash");
    assert.ok(m.id > 0);
    for (let i = 0; i < 5; i++) m.update(u32(i), u64(BigInt(i * 100)));
    assert.equal(m.lookup(u32(3))?.readBigUInt64LE(), 300n);
    assert.equal(m.lookup(u32(99)), undefined);
    assert.equal([...m.keys()].length, 5);
    assert.throws(
      () => m.update(u32(1), u64(1n), 1 /* NOEXIST */),
      (e: unknown) => e instanceof SysError && e.errnoName === "EEXIST",
    );
    assert.equal(m.delete(u32(1)), true);
    assert.equal(m.delete(u32(1)), false);
    assert.equal([...m.entries()].length, 4);
    assert.throws(() => m.lookup(Buffer.alloc(3)), /key is 3 bytes/);
  } finally {
    m.close();
  }
});

test("per-CPU array: one value slot per possible CPU", { skip: skipUnlessVm }, () => {
  const m = BpfMap.create({ name: "t_pcpu", mapType: 6, keySize: 4, valueSize: 4, maxEntries: 2, flags: 0 });
  try {
    assert.ok(m.isPerCpu);
    assert.equal(m.userValueSize % 8, 0);
    const v = Buffer.alloc(m.userValueSize, 0);
    v.writeUInt32LE(7, 0);
    m.update(u32(1), v);
    assert.equal(m.lookup(u32(1))?.readUInt32LE(0), 7);
  } finally {
    m.close();
  }
});

test("pin, open by path and by id; CLI and bpftool see the same entries", { skip: skipUnlessVm }, () => {
  const dir = bpffsDir("iu-maps");
  const m = BpfMap.create({
    name: "t_pinned",
    mapType: 2,
    keySize: 4,
    valueSize: 8,
    maxEntries: 4,
    flags: 0,
  });
  try {
    m.pin(`${dir}/counts`);
    m.update(u32(2), u64(42n));
    const byPath = BpfMap.fromPinned(`${dir}/counts`);
    const byId = BpfMap.fromId(m.id);
    assert.equal(byPath.id, m.id);
    assert.equal(byId.lookup(u32(2))?.readBigUInt64LE(), 42n);
    byPath.close();
    byId.close();

    const upd = iu("map", "update", `${dir}/counts`, "3", "0x1234");
    assert.equal(upd.status, 0, upd.stderr);
    const look = iuJson<{ value: { int: string } }>("map", "lookup", String(m.id), "3");
    assert.equal(look.value.int, String(0x1234));
    const dump = iuJson<{ entries: { key: { int: string }; value: { int: string } }[] }>(
      "map",
      "dump",
      `${dir}/counts`,
    );
    assert.deepEqual(
      dump.entries.map((e) => [e.key.int, e.value.int]),
      [
        ["0", "0"],
        ["1", "0"],
        ["2", "42"],
        ["3", "4660"],
      ],
    );
    const list = iuJson<{ id: number; name: string }[]>("map", "list");
    assert.ok(list.some((x) => x.id === m.id && x.name === "t_pinned"));
    const bt = bpftool("map", "dump", "id", String(m.id)) as { key: string[]; value: string[] }[];
    assert.equal(bt.length, 4);
    const missing = iu("map", "lookup", "999999", "1");
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /ENOENT/);
  } finally {
    m.close();
    rmSync(dir, { recursive: true });
  }
});
