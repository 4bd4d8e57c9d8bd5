/**
 * USDT probes as a binary declares them: the `.note.stapsdt` notes `sys/sdt.h` writes
 * (one per probe site: its address, the `.stapsdt.base` it was linked against, the
 * semaphore's address, provider, name and argument string), and the argument strings
 * decoded into the specs a USDT program reads (`UsdtSpec` in sdk/src/ctx/usdt.rs). Pure:
 * bytes in, values out; the loader (`loader/hooks/usdt.ts`) attaches.
 */
import { ElfError, ElfFile, SHT_NOBITS, type Section } from "./elf.js";

const NT_STAPSDT = 3;
const SHT_NOTE = 7;

/** One probe site, with addresses made file offsets. */
export interface UsdtSite {
  provider: string;
  name: string;
  /** The probe's file offset (where the uprobe goes). */
  offset: number;
  /** The semaphore's file offset (the uprobe's `ref_ctr_offset`), 0 if none. */
  semaphore: number;
  /** The argument string as the note has it: `-4@%edi 8@-16(%rbp) 4@$3`. */
  args: string;
}

export class UsdtError extends Error {}

function fileOffset(elf: ElfFile, vaddr: number, what: string): number {
  const s = elf.sections.find(
    (x: Section) =>
      x.type !== SHT_NOBITS && x.flags & 2n /* SHF_ALLOC */ && vaddr >= x.addr && vaddr < x.addr + x.size,
  );
  if (!s) throw new UsdtError(`${what} at 0x${vaddr.toString(16)} is in no section of the file`);
  return vaddr - s.addr + s.offset;
}

/** Every USDT probe site in the ELF file `bytes`. */
export function readUsdtSites(bytes: Uint8Array): UsdtSite[] {
  const elf = new ElfFile(bytes);
  const note = elf.sections.find((s) => s.name === ".note.stapsdt" && s.type === SHT_NOTE);
  if (!note) return [];
  const base = elf.section(".stapsdt.base");
  const d = elf.sectionBytes(note);
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const out: UsdtSite[] = [];
  const align4 = (n: number): number => (n + 3) & ~3;
  for (let o = 0; o + 12 <= d.length;) {
    const namesz = v.getUint32(o, true);
    const descsz = v.getUint32(o + 4, true);
    const type = v.getUint32(o + 8, true);
    const nameOff = o + 12;
    const descOff = nameOff + align4(namesz);
    const next = descOff + align4(descsz);
    if (next > d.length) throw new ElfError(".note.stapsdt: a note runs past the section");
    const owner = new TextDecoder().decode(d.subarray(nameOff, nameOff + namesz)).replace(/\0+$/, "");
    o = next;
    if (owner !== "stapsdt" || type !== NT_STAPSDT) continue;
    if (descsz < 24 + 3) throw new ElfError(".note.stapsdt: a note is too short");
    let pc = Number(v.getBigUint64(descOff, true));
    const noteBase = Number(v.getBigUint64(descOff + 8, true));
    let sema = Number(v.getBigUint64(descOff + 16, true));
    // The note holds link-time addresses; prelinking moves .stapsdt.base (as libbpf adjusts).
    if (base && noteBase) {
      pc += base.addr - noteBase;
      if (sema) sema += base.addr - noteBase;
    }
    const strs = new TextDecoder().decode(d.subarray(descOff + 24, descOff + descsz)).split("\0");
    if (strs.length < 3) throw new ElfError(".note.stapsdt: a note lacks provider, name or arguments");
    const [provider, name, args] = strs;
    out.push({
      provider,
      name,
      offset: fileOffset(elf, pc, `probe ${provider}:${name}`),
      semaphore: sema ? fileOffset(elf, sema, `semaphore of ${provider}:${name}`) : 0,
      args,
    });
  }
  return out;
}

/** How one argument is found, as `UsdtArg` in the SDK. */
export interface UsdtArgSpec {
  kind: "const" | "reg" | "deref";
  /** The constant, or the offset from the register for `deref`. */
  val: bigint;
  /** `struct pt_regs` slot of the register (0 for constants). */
  reg: number;
  size: 1 | 2 | 4 | 8;
  signed: boolean;
}

/** x86-64 register names (all widths) to their `struct pt_regs` slot. */
const REG_SLOT: Record<string, number> = {};
for (const [slot, names] of [
  [0, "r15 r15d r15w r15b"],
  [1, "r14 r14d r14w r14b"],
  [2, "r13 r13d r13w r13b"],
  [3, "r12 r12d r12w r12b"],
  [4, "rbp ebp bp bpl"],
  [5, "rbx ebx bx bl bh"],
  [6, "r11 r11d r11w r11b"],
  [7, "r10 r10d r10w r10b"],
  [8, "r9 r9d r9w r9b"],
  [9, "r8 r8d r8w r8b"],
  [10, "rax eax ax al ah"],
  [11, "rcx ecx cx cl ch"],
  [12, "rdx edx dx dl dh"],
  [13, "rsi esi si sil"],
  [14, "rdi edi di dil"],
  [16, "rip eip ip"],
  [19, "rsp esp sp spl"],
] as const)
  for (const n of names.split(" ")) REG_SLOT[n] = slot;

/** At most this many arguments (`STAP_PROBE12`), as the SDK's spec holds. */
export const USDT_MAX_ARGS = 12;

function regSlot(name: string, arg: string): number {
  const slot = REG_SLOT[name];
  if (slot === undefined) throw new UsdtError(`USDT argument '${arg}': register %${name} not supported`);
  if (/h$/.test(name) && name.length === 2)
    throw new UsdtError(`USDT argument '${arg}': high-byte register %${name} not supported`);
  return slot;
}

/** Decodes a note's argument string (x86-64 GNU as operands, as libbpf's `parse_usdt_arg`). */
export function parseUsdtArgs(text: string): UsdtArgSpec[] {
  const args = text.trim() === "" ? [] : text.trim().split(/\s+/);
  if (args.length > USDT_MAX_ARGS)
    throw new UsdtError(`USDT probe has ${args.length} arguments; at most ${USDT_MAX_ARGS}`);
  return args.map((arg) => {
    const m = /^(-?\d+)@(.+)$/.exec(arg);
    if (!m) throw new UsdtError(`USDT argument '${arg}': want SIZE@OPERAND`);
    const n = Number(m[1]);
    const size = Math.abs(n);
    if (size !== 1 && size !== 2 && size !== 4 && size !== 8)
      throw new UsdtError(`USDT argument '${arg}': size ${size} is not 1, 2, 4 or 8`);
    const signed = n < 0;
    const op = m[2];
    let x: RegExpExecArray | null;
    if ((x = /^\$(-?(?:0x[0-9a-fA-F]+|\d+))$/.exec(op)))
      return { kind: "const", val: BigInt.asUintN(64, BigInt(x[1])), reg: 0, size, signed };
    if ((x = /^%([a-z0-9]+)$/.exec(op)))
      return { kind: "reg", val: 0n, reg: regSlot(x[1], arg), size, signed };
    if ((x = /^(-?(?:0x[0-9a-fA-F]+|\d+))?\(%([a-z0-9]+)\)$/.exec(op)))
      return {
        kind: "deref",
        val: BigInt.asUintN(64, BigInt(x[1] ?? "0")),
        reg: regSlot(x[2], arg),
        size,
        signed,
      };
    throw new UsdtError(
      `USDT argument '${arg}': operand '${op}' not supported (constants, registers and OFF(%reg) are)`,
    );
  }) as UsdtArgSpec[];
}

/** The bytes of the SDK's `UsdtSpec` (208: 12 × 16-byte args, count, in-use mark, cookie). */
export const USDT_SPEC_SIZE = 12 * 16 + 16;
const KIND = { const: 0, reg: 1, deref: 2 } as const;

export function encodeUsdtSpec(args: UsdtArgSpec[], cookie = 0n): Buffer {
  const b = Buffer.alloc(USDT_SPEC_SIZE);
  args.forEach((a, i) => {
    const o = i * 16;
    b.writeBigUInt64LE(a.val, o);
    b.writeUInt8(KIND[a.kind], o + 8);
    b.writeUInt8(a.reg, o + 9);
    b.writeUInt8(a.size, o + 10);
    b.writeUInt8(a.signed ? 1 : 0, o + 11);
  });
  b.writeUInt32LE(args.length, 12 * 16);
  b.writeUInt32LE(1, 12 * 16 + 4);
  b.writeBigUInt64LE(cookie, 12 * 16 + 8);
  return b;
}

/**
 * The name of a USDT program's spec map: `iu_usdt_` and 7 hex digits of the FNV-1a hash
 * of the program's kernel name (its first 15 bytes), as the SDK's `usdt!` names it.
 */
export function usdtMapName(progName: string): string {
  let h = 0x811c9dc5;
  for (const c of Buffer.from(progName.slice(0, 15))) h = Math.imul(h ^ c, 0x01000193) >>> 0;
  return `iu_usdt_${(h & 0xfffffff).toString(16).padStart(7, "0")}`;
}
