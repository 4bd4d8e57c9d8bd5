/**
 * Which callee-saved registers an image's code uses, read from its disassembly
 * (binutils' objdump). The kernel's entry stub saves exactly these before it calls the
 * program and restores them after, also when the program is stopped halfway through a
 * function that had them changed: that is why the set is recorded in the signed
 * `.iu.prov` (`clobbers`) instead of all six being saved on every invocation.
 *
 * Code that changes a callee-saved register saves it first, and the save names it; the
 * few instructions that change one without naming it are listed in IMPLICIT.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { IuError } from "../errors.js";
import { IU_CALLEE_SAVED } from "../object/prov.js";

export const OBJDUMP = "/usr/bin/objdump";

const bit = (r: (typeof IU_CALLEE_SAVED)[number]): number => 1 << IU_CALLEE_SAVED.indexOf(r);

/** Every name of a part of each callee-saved register (AT&T syntax, without the %). */
const NAMES = new Map<string, number>([
  ...["rbx", "ebx", "bx", "bl", "bh"].map((n) => [n, bit("rbx")] as const),
  ...["rbp", "ebp", "bp", "bpl"].map((n) => [n, bit("rbp")] as const),
  ...(["r12", "r13", "r14", "r15"] as const).flatMap((r) =>
    ["", "d", "w", "b"].map((s) => [r + s, bit(r)] as const),
  ),
]);

/** Instructions that write a callee-saved register they do not name. */
const IMPLICIT = new Map<string, number>([
  ["leave", bit("rbp")],
  ["leaveq", bit("rbp")],
  ["enter", bit("rbp")],
  ["enterq", bit("rbp")],
  ["cpuid", bit("rbx")],
  ["cmpxchg8b", bit("rbx")],
  ["cmpxchg16b", bit("rbx")],
]);

/** The IU_REG_* bits of the registers `objdump -d` text mentions. */
export function calleeSavedUse(disassembly: string): number {
  let mask = 0;
  for (const line of disassembly.split("\n")) {
    const insn = /^\s*[0-9a-f]+:\t(.*)$/.exec(line)?.[1];
    if (!insn) continue;
    const code = insn.split("#")[0];
    for (const word of code.split(/[\s,]+/)) mask |= IMPLICIT.get(word) ?? 0;
    for (const m of code.matchAll(/%([a-z0-9]+)/g)) mask |= NAMES.get(m[1]) ?? 0;
  }
  return mask;
}

/** `objdump -d` of the executable sections of `elfPath`, AT&T syntax, no raw bytes. */
export function disassemble(elfPath: string): string {
  if (!existsSync(OBJDUMP))
    throw new IuError(`${OBJDUMP} is missing. Install Debian's binutils: apt-get install binutils`);
  return execFileSync(OBJDUMP, ["-d", "--no-show-raw-insn", "-M", "att", elfPath], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
    env: { PATH: "/usr/bin:/bin", LC_ALL: "C" },
  });
}
