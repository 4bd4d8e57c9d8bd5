/**
 * A small, loader-independent ELF64 little-endian reader: headers, program headers,
 * sections, symbol tables and RELA relocations. It checks bounds and throws
 * `ElfError` on malformed input; it never trusts an offset without checking it.
 */

export class ElfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ElfError";
  }
}

export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_NOBITS = 8;
export const SHT_DYNSYM = 11;
export const ET_DYN = 3;
export const EM_X86_64 = 62;

export const R_X86_64_64 = 1;
export const R_X86_64_GLOB_DAT = 6;
export const R_X86_64_JUMP_SLOT = 7;
export const R_X86_64_RELATIVE = 8;

export const RELOC_NAMES: Record<number, string> = {
  0: "R_X86_64_NONE",
  1: "R_X86_64_64",
  2: "R_X86_64_PC32",
  4: "R_X86_64_PLT32",
  6: "R_X86_64_GLOB_DAT",
  7: "R_X86_64_JUMP_SLOT",
  8: "R_X86_64_RELATIVE",
  9: "R_X86_64_GOTPCREL",
  10: "R_X86_64_32",
  11: "R_X86_64_32S",
  37: "R_X86_64_IRELATIVE",
  41: "R_X86_64_GOTPCRELX",
  42: "R_X86_64_REX_GOTPCRELX",
};

export interface ElfHeader {
  type: number;
  machine: number;
  entry: bigint;
  phoff: number;
  shoff: number;
  ehsize: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

export interface ProgramHeader {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface Section {
  index: number;
  name: string;
  type: number;
  flags: bigint;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  bind: number;
  type: number;
  shndx: number;
}

export interface Rela {
  offset: number;
  type: number;
  sym: number;
  addend: bigint;
}

function num(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError(`${what} too large: ${v}`);
  return Number(v);
}

export class ElfFile {
  readonly view: DataView;
  readonly header: ElfHeader;
  readonly programHeaders: ProgramHeader[];
  readonly sections: Section[];

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 64) throw new ElfError("file shorter than an ELF64 header");
    if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46)
      throw new ElfError("not an ELF file (bad magic)");
    if (bytes[4] !== 2) throw new ElfError("not ELFCLASS64");
    if (bytes[5] !== 1) throw new ElfError("not ELFDATA2LSB");
    if (bytes[6] !== 1) throw new ElfError("not EV_CURRENT");
    const v = this.view;
    this.header = {
      type: v.getUint16(16, true),
      machine: v.getUint16(18, true),
      entry: v.getBigUint64(24, true),
      phoff: num(v.getBigUint64(32, true), "e_phoff"),
      shoff: num(v.getBigUint64(40, true), "e_shoff"),
      ehsize: v.getUint16(52, true),
      phentsize: v.getUint16(54, true),
      phnum: v.getUint16(56, true),
      shentsize: v.getUint16(58, true),
      shnum: v.getUint16(60, true),
      shstrndx: v.getUint16(62, true),
    };
    const h = this.header;
    if (h.ehsize !== 64) throw new ElfError(`e_ehsize is ${h.ehsize}, expected 64`);
    if (h.phnum && h.phentsize !== 56) throw new ElfError(`e_phentsize is ${h.phentsize}, expected 56`);
    if (h.shnum && h.shentsize !== 64) throw new ElfError(`e_shentsize is ${h.shentsize}, expected 64`);
    this.checkRange(h.phoff, h.phnum * 56, "program header table");
    this.checkRange(h.shoff, h.shnum * 64, "section header table");
    this.programHeaders = [];
    for (let i = 0; i < h.phnum; i++) {
      const o = h.phoff + i * 56;
      this.programHeaders.push({
        type: v.getUint32(o, true),
        flags: v.getUint32(o + 4, true),
        offset: num(v.getBigUint64(o + 8, true), "p_offset"),
        vaddr: num(v.getBigUint64(o + 16, true), "p_vaddr"),
        filesz: num(v.getBigUint64(o + 32, true), "p_filesz"),
        memsz: num(v.getBigUint64(o + 40, true), "p_memsz"),
        align: num(v.getBigUint64(o + 48, true), "p_align"),
      });
    }
    const raw: Omit<Section, "name">[] = [];
    const nameOffs: number[] = [];
    for (let i = 0; i < h.shnum; i++) {
      const o = h.shoff + i * 64;
      nameOffs.push(v.getUint32(o, true));
      raw.push({
        index: i,
        type: v.getUint32(o + 4, true),
        flags: v.getBigUint64(o + 8, true),
        addr: num(v.getBigUint64(o + 16, true), "sh_addr"),
        offset: num(v.getBigUint64(o + 24, true), "sh_offset"),
        size: num(v.getBigUint64(o + 32, true), "sh_size"),
        link: v.getUint32(o + 40, true),
        info: v.getUint32(o + 44, true),
        entsize: num(v.getBigUint64(o + 56, true), "sh_entsize"),
      });
    }
    if (h.shnum && (h.shstrndx === 0 || h.shstrndx >= h.shnum))
      throw new ElfError(`e_shstrndx ${h.shstrndx} is not a valid section index`);
    const shstr = raw[h.shstrndx];
    this.sections = raw.map((s, i) => {
      if (s.type !== SHT_NOBITS) this.checkRange(s.offset, s.size, `section ${i}`);
      const name = shstr ? this.cstr(shstr.offset + nameOffs[i], shstr.offset + shstr.size) : "";
      return { ...s, name };
    });
  }

  checkRange(off: number, len: number, what: string): void {
    if (off < 0 || len < 0 || off + len > this.bytes.length)
      throw new ElfError(`${what} (offset ${off}, ${len} bytes) lies outside the file`);
  }

  /** A NUL-terminated string at `off`, which must end before `limit`. */
  cstr(off: number, limit: number): string {
    let e = off;
    while (e < limit && this.bytes[e] !== 0) e++;
    if (e >= limit) throw new ElfError(`string at offset ${off} is not NUL-terminated in its table`);
    return new TextDecoder().decode(this.bytes.subarray(off, e));
  }

  section(name: string): Section | undefined {
    return this.sections.find((s) => s.name === name);
  }

  sectionBytes(s: Section): Uint8Array {
    if (s.type === SHT_NOBITS) return new Uint8Array(s.size);
    return this.bytes.subarray(s.offset, s.offset + s.size);
  }

  symbols(symtab: Section): ElfSymbol[] {
    const strtab = this.sections[symtab.link];
    if (!strtab) throw new ElfError(`symbol table ${symtab.name} has no string table`);
    const out: ElfSymbol[] = [];
    for (let o = symtab.offset; o + 24 <= symtab.offset + symtab.size; o += 24) {
      const info = this.view.getUint8(o + 4);
      out.push({
        name: this.cstr(strtab.offset + this.view.getUint32(o, true), strtab.offset + strtab.size),
        bind: info >> 4,
        type: info & 0xf,
        shndx: this.view.getUint16(o + 6, true),
        value: num(this.view.getBigUint64(o + 8, true), "st_value"),
        size: num(this.view.getBigUint64(o + 16, true), "st_size"),
      });
    }
    return out;
  }

  relas(s: Section): Rela[] {
    const out: Rela[] = [];
    for (let o = s.offset; o + 24 <= s.offset + s.size; o += 24) {
      const info = this.view.getBigUint64(o + 8, true);
      out.push({
        offset: num(this.view.getBigUint64(o, true), "r_offset"),
        type: Number(info & 0xffffffffn),
        sym: Number(info >> 32n),
        addend: this.view.getBigInt64(o + 16, true),
      });
    }
    return out;
  }

  /** File bytes at virtual address `vaddr` (through the PT_LOAD segments), or undefined. */
  bytesAt(vaddr: number, len: number): Uint8Array | undefined {
    for (const p of this.programHeaders) {
      if (p.type !== PT_LOAD) continue;
      if (vaddr >= p.vaddr && vaddr + len <= p.vaddr + p.filesz)
        return this.bytes.subarray(p.offset + vaddr - p.vaddr, p.offset + vaddr - p.vaddr + len);
    }
    return undefined;
  }
}
