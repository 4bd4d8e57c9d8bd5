// The array fast path: a program computes the address of an ARRAY or PERCPU_ARRAY element
// itself, from where the kernel published the elements at load, as the verifier's inlined
// lookup does (bounds check, then the index masked). Indexes at and past the bounds
// (max_entries - 1, max_entries, inside the mask, u32::MAX, high bits over a valid index)
// must find exactly what the map holds, `modify` must update in place with one lookup, a
// loop of lookups must still be stopped by the watchdog, and the kernel must refuse an
// element layout that is not the map's.
// Program: tests/vm/runtime/native/rt_arrays.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { BpfMap, BpfProgram, IuObject } from "../../../src/loader/index.js";
import { parseImage } from "../../../src/object/image.js";
import {
  LogMark,
  XDP_ABORTED,
  XDP_DROP,
  XDP_PASS,
  assertHealthy,
  frame,
  image,
  perCpuU64,
  skipUnlessLoopsStop,
  skipUnlessVm,
  u32Key,
  u64,
  withBudget,
} from "./util.js";

let obj: IuObject | undefined;
function arrays(): IuObject {
  if (obj) return obj;
  obj = IuObject.open(image("rt_arrays")).load();
  for (let i = 0; i < 5; i++) {
    obj.map("VALUES").update(u32Key(i), u64(100 + i));
    obj.map("PERCPU").update(u32Key(i), obj.map("PERCPU").valueForAllCpus(u64(200 + i)));
  }
  for (let i = 0; i < 3; i++) {
    const w = Buffer.alloc(12);
    w.writeUInt32LE(300 + i, 0);
    w.writeUInt32LE(400 + i, 8);
    obj.map("WIDE").update(u32Key(i), w);
  }
  return obj;
}
after(() => obj?.close());

/** Runs mode `mode` on `index`: the value found, or null for XDP_DROP. */
function run(mode: number, index: number): bigint | null {
  const f = frame(mode);
  f.writeUInt32LE(index >>> 0, 1);
  const r = arrays().program("rt_array").testRun({ data: f });
  if (r.retval === XDP_DROP) return null;
  assert.equal(r.retval, XDP_PASS, `mode ${mode} index ${index}: retval`);
  return r.dataOut.readBigUInt64LE(8);
}

const PAST = [5, 6, 7, 8, 0xffffffff, 0x80000004, 0x40000001, 2 ** 31];

test(
  "ARRAY: indexes 0..max_entries-1 find their values, max_entries and beyond find none",
  { skip: skipUnlessVm },
  () => {
    const mark = new LogMark();
    for (let i = 0; i < 5; i++) assert.equal(run(0, i), BigInt(100 + i), `index ${i}`);
    for (const i of PAST) assert.equal(run(0, i), null, `index ${i} (max_entries 5, mask 7)`);
    assertHealthy(mark.since());
  },
);

test("PERCPU_ARRAY: this CPU's element in bounds, none past them", { skip: skipUnlessVm }, () => {
  for (let i = 0; i < 5; i++) assert.equal(run(1, i), BigInt(200 + i), `index ${i}`);
  for (const i of PAST) assert.equal(run(1, i), null, `index ${i}`);
});

test("a 12-byte value: elements 16 bytes apart, as the kernel lays them out", { skip: skipUnlessVm }, () => {
  for (let i = 0; i < 3; i++)
    assert.equal(run(2, i), BigInt(300 + i) | (BigInt(400 + i) << 32n), `index ${i}`);
  assert.equal(run(2, 3), null);
});

test("modify: one lookup updates the element in place, and only in bounds", { skip: skipUnlessVm }, () => {
  const o = arrays();
  for (let k = 0; k < 3; k++) assert.equal(run(3, 4), 0n);
  assert.equal(o.map("VALUES").lookup(u32Key(4))!.readBigUInt64LE(), 107n, "element 4: 104 + 3");
  assert.equal(run(3, 5), null, "index 5 is past the bounds");
  for (let i = 0; i < 5; i++)
    assert.equal(o.map("VALUES").lookup(u32Key(i))!.readBigUInt64LE(), BigInt(100 + i + (i === 4 ? 3 : 0)));
  const before = perCpuU64(o.map("PERCPU").lookup(u32Key(2))!);
  assert.equal(run(4, 2), 0n);
  const after = perCpuU64(o.map("PERCPU").lookup(u32Key(2))!);
  assert.equal(after.reduce((s, v) => s + v, 0) - before.reduce((s, v) => s + v, 0), 1, "one CPU's copy + 1");
});

test(
  "a loop of inlined lookups is stopped by the watchdog within 2x the budget",
  { skip: skipUnlessVm },
  async (t) => {
    if (await skipUnlessLoopsStop(t)) return;
    const mark = new LogMark();
    await withBudget(20, () => {
      const f = frame(5);
      const r = arrays().program("rt_array").testRun({ data: f });
      assert.equal(r.retval, XDP_ABORTED);
      assert.ok(r.duration / 1e6 <= 40, `stopped after ${r.duration / 1e6} ms`);
    });
    assert.equal(run(0, 1), 101n, "the program runs on after the stop (its registers restored)");
    assert.match(mark.since(), /iu: program rt_array \(id \d+\) stopped: ran longer than the time budget/);
  },
);

test(
  "the kernel refuses a map for the array with fewer elements than the program bounds its index by",
  { skip: skipUnlessVm },
  () => {
    // The program checks indexes against the record's max_entries: a smaller map would let
    // index 4 past its end. Loaded with the raw syscall, past the loader's own check.
    const made: Record<string, BpfMap> = {
      VALUES: BpfMap.create({
        name: "VALUES",
        mapType: 2,
        keySize: 4,
        valueSize: 8,
        maxEntries: 4,
        flags: 0,
      }),
      PERCPU: BpfMap.create({
        name: "PERCPU",
        mapType: 6,
        keySize: 4,
        valueSize: 8,
        maxEntries: 5,
        flags: 0,
      }),
      WIDE: BpfMap.create({ name: "WIDE", mapType: 2, keySize: 4, valueSize: 12, maxEntries: 3, flags: 0 }),
    };
    const file = readFileSync(image("rt_arrays"));
    try {
      assert.throws(
        () =>
          BpfProgram.loadNative({
            progType: 6,
            image: file,
            entry: "rt_array",
            mapFds: parseImage(file).maps.map((m) => made[m.name].fd),
          }),
        /map VALUES: fd \d+ is type 2 key 4 value 8 max 4 flags 0x0, image wants 2\/4\/8\/5\/0x0/,
      );
    } finally {
      Object.values(made).forEach((m) => m.close());
    }
  },
);
