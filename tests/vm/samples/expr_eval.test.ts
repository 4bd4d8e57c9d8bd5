// samples/expr_eval: recursion over an expression tree in the packet. Native results are
// checked against a TypeScript evaluator; the closest eBPF version (the same recursive
// evaluator in C, expr_eval.bpf.c) is refused by the verifier, and the refusal recorded.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadNative, packet, skipUnlessVm, tryLoadTwin, u32Key } from "./util.js";
import { loadFixture } from "./fixture.js";

function evalTs(s: string): { value: bigint; nodes: number } | undefined {
  let pos = 0;
  let nodes = 0;
  const go = (depth: number): bigint | undefined => {
    if (depth > 64 || pos >= s.length) return undefined;
    const t = s[pos++];
    nodes++;
    if (t >= "0" && t <= "9") return BigInt(t);
    if (t === "~") {
      const v = go(depth + 1);
      return v === undefined ? undefined : BigInt.asIntN(64, -v);
    }
    if ("+-*".includes(t)) {
      const l = go(depth + 1);
      if (l === undefined) return undefined;
      const r = go(depth + 1);
      if (r === undefined) return undefined;
      return BigInt.asIntN(64, t === "+" ? l + r : t === "-" ? l - r : l * r);
    }
    return undefined;
  };
  const value = go(0);
  return value === undefined || pos !== s.length ? undefined : { value, nodes };
}

const exprs = [
  "7",
  "*+12-93",
  "~-12",
  "+".repeat(40) + "1".repeat(41), // a left-deep chain of 40 additions
  "*".repeat(20) + "9".repeat(21), // 9^21 wraps around i64
  "~".repeat(64) + "5", // depth 64: allowed
  "~".repeat(65) + "5", // depth 65: refused
  "+1", // missing operand
  "12", // trailing bytes
  "+1x",
];

test("expr_eval: native recursion matches a TypeScript evaluator", { skip: skipUnlessVm }, () => {
  const obj = loadNative("expr_eval");
  try {
    const p = obj.program("expr_eval");
    for (const e of exprs) {
      const r = p.testRun({ data: packet({ proto: 17, dport: 7777, payload: Buffer.from(e) }) });
      const want = evalTs(e);
      assert.equal(r.retval, want ? 2 : 1, `verdict for ${e}`);
      if (want) {
        const v = obj.map("RESULT").lookup(u32Key(0))!.readBigInt64LE();
        const n = obj.map("RESULT").lookup(u32Key(1))!.readBigUInt64LE();
        assert.equal(v, want.value, `value of ${e}`);
        assert.equal(Number(n), want.nodes, `nodes of ${e}`);
      }
    }
    assert.equal(p.testRun({ data: packet({ proto: 17, dport: 53 }) }).retval, 2, "other traffic passes");
  } finally {
    obj.close();
  }
});

test("expr_eval: the verifier refuses the recursive eBPF version", { skip: skipUnlessVm }, () => {
  const r = tryLoadTwin("expr_eval");
  r.twin?.close();
  assert.equal(r.twin, undefined, "the eBPF version must not load");
  // The verifier explores the recursion frame by frame until it exceeds MAX_CALL_FRAMES (8):
  // "the call stack of 9 frames is too deep" (E2BIG); kernels that refuse the back-edge in
  // the CFG check say "recursive call" / "back-edge" instead.
  const why = r.log.split("\n").filter((l) => /recursive call|call stack of|back-edge/.test(l));
  console.log(`expr_eval: verifier refused the eBPF version: ${why.join(" | ")}`);
  assert.ok(why.length > 0, r.log);
});

test("expr_eval: the kernel agrees with the host test's fixture", { skip: skipUnlessVm }, () => {
  const f = loadFixture("expr_eval");
  const obj = loadNative("expr_eval");
  try {
    for (const c of f.cases!) {
      const r = obj.program("expr_eval").testRun({ data: Buffer.from(c.packet, "hex") });
      assert.equal(r.retval, c.retval, `verdict for ${c.expr}`);
      if (c.value === undefined) continue;
      assert.equal(
        obj.map("RESULT").lookup(u32Key(0))!.readBigInt64LE(),
        BigInt(c.value),
        `value of ${c.expr}`,
      );
      assert.equal(
        Number(obj.map("RESULT").lookup(u32Key(1))!.readBigUInt64LE()),
        c.nodes,
        `nodes of ${c.expr}`,
      );
    }
  } finally {
    obj.close();
  }
});
