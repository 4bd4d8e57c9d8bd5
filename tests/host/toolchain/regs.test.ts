// The callee-saved registers an image's code uses (src/toolchain/regs.ts): what the entry
// stub saves. A register missed here is one a stopped program leaves changed for the hook.
import { test } from "node:test";
import assert from "node:assert/strict";
import { IU_CALLEE_SAVED, IU_REG_ALL } from "../../../src/object/prov.js";
import { calleeSavedUse } from "../../../src/toolchain/regs.js";

const line = (insn: string): string => `    1000:\t${insn}`;
const bits = (...r: (typeof IU_CALLEE_SAVED)[number][]): number =>
  r.reduce((m, x) => m | (1 << IU_CALLEE_SAVED.indexOf(x)), 0);

test("every part of every callee-saved register counts", () => {
  const cases: [string, number][] = [
    ["push   %rbx", bits("rbx")],
    ["mov    %bl,(%rdi)", bits("rbx")],
    ["movzbl %bh,%eax", bits("rbx")],
    ["lea    0x8(%rbp),%rax", bits("rbp")],
    ["mov    %bpl,%al", bits("rbp")],
    ["mov    %r12d,%eax", bits("r12")],
    ["mov    %r13w,%ax", bits("r13")],
    ["mov    %r14b,%al", bits("r14")],
    ["mov    (%rax,%r15,8),%rcx", bits("r15")],
  ];
  for (const [insn, want] of cases) assert.equal(calleeSavedUse(line(insn)), want, insn);
});

test("instructions that change one without naming it count", () => {
  assert.equal(calleeSavedUse(line("leave")), bits("rbp"));
  assert.equal(calleeSavedUse(line("cpuid")), bits("rbx"));
  assert.equal(calleeSavedUse(line("lock cmpxchg16b (%rdi)")), bits("rbx"));
});

test("caller-saved registers, comments and symbol names do not count", () => {
  const text = [
    "0000000000001000 <r12_rbx_fn>:",
    line("mov    %rdi,%rax"),
    line("mov    %r11,%r10"),
    line("call   *0x11ce(%rip)        # 2218 <rbx_helper>"),
    line("ret"),
  ].join("\n");
  assert.equal(calleeSavedUse(text), 0);
});

test("a whole function: all six", () => {
  const text = ["push   %rbp", "push   %r15", "push   %r14", "push   %r13", "push   %r12", "push   %rbx"]
    .map(line)
    .join("\n");
  assert.equal(calleeSavedUse(text), IU_REG_ALL);
});
