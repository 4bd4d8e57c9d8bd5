// Map key/value text codecs and the small pure helpers around maps and trace lines.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatBytes, parseBytes, splitPerCpu } from "../../../src/loader/value.js";
import { parseCpuList } from "../../../src/loader/map.js";
import { parseTraceLine } from "../../../src/loader/trace.js";

test("integers are little-endian at the map's size; hex forms must match the size", () => {
  assert.equal(parseBytes("1", 4).toString("hex"), "01000000");
  assert.equal(parseBytes("0x1234", 2).toString("hex"), "3412");
  assert.equal(parseBytes("-1", 8).toString("hex"), "ffffffffffffffff");
  assert.equal(parseBytes("hex:deadbeef", 4).toString("hex"), "deadbeef");
  assert.equal(parseBytes("de ad be ef", 4).toString("hex"), "deadbeef");
  assert.throws(() => parseBytes("256", 1), /does not fit/);
  assert.throws(() => parseBytes("hex:dead", 4), /needs 4/);
  assert.throws(() => parseBytes("banana", 4), /expected an integer/);
});

test("formatting gives hex and, up to 8 bytes, the unsigned integer", () => {
  assert.deepEqual(formatBytes(Buffer.from("2a00000000000000", "hex")), {
    hex: "2a 00 00 00 00 00 00 00",
    int: "42",
  });
  assert.deepEqual(formatBytes(Buffer.alloc(12)), { hex: "00 ".repeat(12).trim() });
});

test("per-CPU values split at 8-byte strides", () => {
  const b = Buffer.from("0100000000000000" + "0200000000000000", "hex");
  assert.deepEqual(
    splitPerCpu(b, 4).map((x) => x.toString("hex")),
    ["01000000", "02000000"],
  );
  assert.deepEqual(parseCpuList("0-3,6\n"), [0, 1, 2, 3, 6]);
  assert.deepEqual(parseCpuList("0"), [0]);
});

test("trace_pipe lines are split into task, pid, cpu, time and message", () => {
  const l = parseTraceLine(
    "            node-123     [001] d..31  1234.567890: bpf_trace_printk: hello pid 123",
  );
  assert.equal(l.task, "node");
  assert.equal(l.pid, 123);
  assert.equal(l.cpu, 1);
  assert.equal(l.timestamp, 1234.56789);
  assert.equal(l.message, "hello pid 123");
  const odd = parseTraceLine("garbage");
  assert.equal(odd.message, "garbage");
});
