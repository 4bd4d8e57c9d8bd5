// USDT specs, from the notes of samples/usdt's target binary (built by the test inputs)
// and from argument strings: what is decoded, what is refused and why, and the bytes the
// SDK's UsdtSpec reads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  encodeUsdtSpec,
  parseUsdtArgs,
  readUsdtSites,
  USDT_SPEC_SIZE,
  UsdtError,
  usdtMapName,
} from "../../../src/object/usdt.js";
import { funcFileOffset } from "../../../src/loader/hooks/uprobe.js";
import { requireUserBinary } from "../../../src/testing/inputs.js";

test("the target's .note.stapsdt notes give each probe's file offset, semaphore and arguments", () => {
  const bin = requireUserBinary("usdt", "usdt_target");
  const sites = readUsdtSites(readFileSync(bin));
  assert.deepEqual(
    sites.map((s) => `${s.provider}:${s.name}`),
    ["usdt_target:jump", "usdt_target:tick"],
  );
  const main = funcFileOffset(bin, "main");
  for (const s of sites) {
    assert.ok(s.offset > main && s.offset < main + 4096, `${s.name} lies in main`);
    assert.ok(s.semaphore > 0, `${s.name} has a semaphore`);
    assert.equal(parseUsdtArgs(s.args).length, s.name === "jump" ? 3 : 5, s.args);
  }
  const tick = parseUsdtArgs(sites[1].args);
  assert.deepEqual(tick[3], { kind: "const", val: 42n, reg: 0, size: 4, signed: true });
  assert.equal(tick[4].kind, "deref");
  assert.deepEqual(readUsdtSites(readFileSync("/bin/true")), [], "a binary without notes has no sites");
});

test("argument strings decode to constants, registers and memory at a register", () => {
  assert.deepEqual(parseUsdtArgs("8@%rdi -4@%esi 1@%r11b -2@%si"), [
    { kind: "reg", val: 0n, reg: 14, size: 8, signed: false },
    { kind: "reg", val: 0n, reg: 13, size: 4, signed: true },
    { kind: "reg", val: 0n, reg: 6, size: 1, signed: false },
    { kind: "reg", val: 0n, reg: 13, size: 2, signed: true },
  ]);
  assert.deepEqual(parseUsdtArgs("-4@$-5 8@$0x10 4@-20(%rbp) 8@(%rax)"), [
    { kind: "const", val: 2n ** 64n - 5n, reg: 0, size: 4, signed: true },
    { kind: "const", val: 16n, reg: 0, size: 8, signed: false },
    { kind: "deref", val: 2n ** 64n - 20n, reg: 4, size: 4, signed: false },
    { kind: "deref", val: 0n, reg: 10, size: 8, signed: false },
  ]);
  assert.deepEqual(parseUsdtArgs(""), []);
});

test("unsupported arguments are refused, naming the argument", () => {
  for (const [text, why] of [
    ["8@-8(%rbp,%rax,8)", /operand '-8\(%rbp,%rax,8\)' not supported/],
    ["8@counter(%rip)", /operand 'counter\(%rip\)' not supported/],
    ["3@%rax", /size 3 is not 1, 2, 4 or 8/],
    ["8@%xmm0", /register %xmm0 not supported/],
    ["1@%ah", /high-byte register %ah/],
    ["%rax", /want SIZE@OPERAND/],
    [Array(13).fill("8@%rax").join(" "), /13 arguments; at most 12/],
  ] as const)
    assert.throws(
      () => parseUsdtArgs(text),
      (e: unknown) => e instanceof UsdtError && why.test(e.message),
      text,
    );
});

test("a spec is the SDK's UsdtSpec: 12 args of 16 bytes, count, in-use mark, cookie", () => {
  const b = encodeUsdtSpec(parseUsdtArgs("-4@%esi 4@12(%rsp)"), 7n);
  assert.equal(b.length, USDT_SPEC_SIZE);
  assert.deepEqual([...b.subarray(8, 12)], [1, 13, 4, 1]);
  assert.equal(b.readBigUInt64LE(16), 12n);
  assert.deepEqual([...b.subarray(24, 28)], [2, 19, 4, 0]);
  assert.equal(b.readUInt32LE(192), 2);
  assert.equal(b.readUInt32LE(196), 1);
  assert.equal(b.readBigUInt64LE(200), 7n);
});

test("spec map names hash the program's kernel name, as the SDK and the twin do", () => {
  assert.equal(usdtMapName("usdt_auto_attach"), "iu_usdt_d93f3dd");
  assert.equal(
    usdtMapName("usdt_auto_attach"),
    usdtMapName("usdt_auto_attac"),
    "15 bytes, as the kernel keeps",
  );
  assert.match(usdtMapName("x"), /^iu_usdt_[0-9a-f]{7}$/);
});
