// Per-CPU map values as user space sees them: one 8-byte-aligned slot per possible CPU,
// written to every CPU by `iu map update`, split per CPU by `iu map dump`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BpfMap, numPossibleCpus } from "../../../src/loader/map.js";
import type { MapInfo } from "../../../src/loader/attr.js";

/** A BpfMap over no fd: only its info, which is all the value layout needs. */
function mapWith(type: number, valueSize: number): BpfMap {
  const info: MapInfo = { type, id: 1, keySize: 4, valueSize, maxEntries: 4, flags: 0, name: "m" };
  return Object.assign(Object.create(BpfMap.prototype) as BpfMap, { info });
}

const PERCPU_ARRAY = 6;
const ARRAY = 2;

test("a per-CPU map's value goes to every CPU's aligned slot, and splits back", () => {
  const ncpu = numPossibleCpus();
  const m = mapWith(PERCPU_ARRAY, 12);
  assert.ok(m.isPerCpu);
  const all = m.valueForAllCpus(Buffer.from("0102030405060708090a0b0c", "hex"));
  assert.equal(all.length, 16 * ncpu, "12 bytes round up to a 16-byte slot per CPU");
  assert.equal(all.length, m.userValueSize);
  for (let cpu = 0; cpu < ncpu; cpu++)
    assert.equal(all.subarray(cpu * 16, cpu * 16 + 16).toString("hex"), "0102030405060708090a0b0c00000000");
  const split = m.perCpuValues(all);
  assert.equal(split.length, ncpu);
  for (const v of split) assert.equal(v.toString("hex"), "0102030405060708090a0b0c");
});

test("other maps take the value as it is", () => {
  const m = mapWith(ARRAY, 12);
  const v = Buffer.alloc(12, 7);
  assert.equal(m.isPerCpu, false);
  assert.equal(m.valueForAllCpus(v), v);
});
