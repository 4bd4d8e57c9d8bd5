/**
 * The static stack bound of an image: how deep its code can go, from each function's frame
 * size (`.stack_sizes`, emitted by rustc -Zemit-stack-sizes) and its call graph (read from
 * the disassembly). When every function has a known frame, no call is indirect and no
 * function reaches itself, the deepest chain is a number the toolchain signs, and the code
 * needs no stack check at run time. Otherwise the image is built again with a check at
 * every function entry (`mcount`, see POLICY_RUSTFLAGS in build.ts).
 *
 * Calls of imports (helpers and runtime functions, through GOT slots with GLOB_DAT or
 * JUMP_SLOT relocations) run kernel code, which has the reserve at the bottom of the
 * program's stack to itself; a bound is accepted only if it stays out of that reserve.
 */
import { ElfFile } from "../object/elf.js";
import { parseImage, type RelocationSpec } from "../object/image.js";

/** The runtime's stacks (kernel/src/kernel/bpf/iu.h): 32 KiB, the lowest 8 KiB reserved. */
export const IU_STACK_SIZE = 32 * 1024;
export const IU_STACK_RESERVE = 8 * 1024;
/** What program code may use: the stack above the reserve, less the entry stub's 16 bytes. */
export const STACK_LIMIT = IU_STACK_SIZE - IU_STACK_RESERVE - 16;

export type StackBound = { bounded: true; bytes: number } | { bounded: false; reason: string };

const R_X86_64_RELATIVE = 8;

/** `.stack_sizes`: (u64 function address, ULEB128 frame size) records. */
export function stackSizes(elf: ElfFile): Map<number, number> {
  const out = new Map<number, number>();
  const sec = elf.section(".stack_sizes");
  if (!sec) return out;
  const b = elf.sectionBytes(sec);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 0;
  while (i + 8 < b.length) {
    const addr = Number(v.getBigUint64(i, true));
    i += 8;
    let size = 0;
    for (let shift = 0; i < b.length; shift += 7) {
      const byte = b[i++];
      size += (byte & 0x7f) * 2 ** shift;
      if (!(byte & 0x80)) break;
    }
    out.set(addr, Math.max(size, out.get(addr) ?? 0));
  }
  return out;
}

interface Fn {
  name: string;
  start: number;
  end: number;
  calls: Set<number>;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/**
 * The functions of the `.text` listing of `objdump -d` and whom each calls; an indirect call
 * or one into the middle of a function makes the graph unknown (the reason is returned).
 */
function callGraph(disassembly: string, slots: Map<number, RelocationSpec>): Fn[] | string {
  const fns: Fn[] = [];
  let inText = false;
  let cur: Fn | undefined;
  const targets: { fn: Fn; to: number; at: number }[] = [];
  for (const line of disassembly.split("\n")) {
    const sec = /^Disassembly of section (\S+):/.exec(line);
    if (sec) {
      inText = sec[1] === ".text";
      cur = undefined;
      continue;
    }
    if (!inText) continue;
    const head = /^([0-9a-f]+) <(.+)>:$/.exec(line);
    if (head) {
      cur = { name: head[2], start: parseInt(head[1], 16), end: parseInt(head[1], 16), calls: new Set() };
      fns.push(cur);
      continue;
    }
    const insn = /^\s*([0-9a-f]+):\t(\S+)\s*(.*)$/.exec(line);
    if (!insn || !cur) continue;
    const at = parseInt(insn[1], 16);
    cur.end = at + 1;
    const b = /^(?:(?:notrack|bnd|ds|cs|addr32)\s+)*(call\w*|jmp\w*|j[a-z]{1,4})\s+(.*)$/.exec(
      `${insn[2]} ${insn[3]}`,
    );
    if (!b) continue;
    const [op, rest] = [b[1], b[2]];
    const direct = /^([0-9a-f]+) </.exec(rest);
    if (direct) {
      targets.push({ fn: cur, to: parseInt(direct[1], 16), at });
      continue;
    }
    const viaSlot = /^\*-?0x[0-9a-f]+\(%rip\)\s+# ([0-9a-f]+)/.exec(rest);
    const r = viaSlot ? slots.get(parseInt(viaSlot[1], 16)) : undefined;
    if (r && r.type !== R_X86_64_RELATIVE) continue; // an import: kernel code
    if (r) {
      targets.push({ fn: cur, to: Number(r.addend), at });
      continue;
    }
    return `an indirect ${op} at ${hex(at)} in ${cur.name} (a function pointer or dyn call)`;
  }
  const byStart = new Map(fns.map((f) => [f.start, f]));
  for (const t of targets) {
    if (t.to >= t.fn.start && t.to < t.fn.end && t.to !== t.fn.start) continue; // a jump within
    if (!byStart.has(t.to))
      return `a branch at ${hex(t.at)} in ${t.fn.name} to ${hex(t.to)}, which starts no function`;
    t.fn.calls.add(t.to);
  }
  return fns;
}

/** The deepest the code of `elfBytes` (with `disassembly`, its `objdump -d`) can use its stack. */
export function stackBound(elfBytes: Uint8Array, disassembly: string): StackBound {
  const elf = new ElfFile(elfBytes);
  const sizes = stackSizes(elf);
  const slots = new Map(parseImage(elfBytes).relocations.map((r) => [r.offset, r]));
  const graph = callGraph(disassembly, slots);
  if (typeof graph === "string") return { bounded: false, reason: graph };
  const byStart = new Map(graph.map((f) => [f.start, f]));
  const depth = new Map<number, number>();
  const onPath = new Set<number>();
  const visit = (f: Fn): number | string => {
    const known = depth.get(f.start);
    if (known !== undefined) return known;
    if (onPath.has(f.start)) return `${f.name} reaches itself (recursion)`;
    const frame = sizes.get(f.start);
    if (frame === undefined) return `no frame size for ${f.name}`;
    onPath.add(f.start);
    let deepest = 0;
    for (const c of f.calls) {
      const d = visit(byStart.get(c)!);
      if (typeof d === "string") return d;
      deepest = Math.max(deepest, d);
    }
    onPath.delete(f.start);
    // the return address its caller pushed, its frame, the deepest callee
    const total = 8 + frame + deepest;
    depth.set(f.start, total);
    return total;
  };
  let bytes = 0;
  for (const f of graph) {
    const d = visit(f);
    if (typeof d === "string") return { bounded: false, reason: d };
    bytes = Math.max(bytes, d);
  }
  if (bytes > STACK_LIMIT)
    return { bounded: false, reason: `${bytes} bytes deep, more than the ${STACK_LIMIT} above the reserve` };
  return { bounded: true, bytes };
}
