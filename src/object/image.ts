/**
 * The signed native image (`*.iu`, docs/IMAGE-FORMAT.md): splitting off the signature
 * trailer, parsing the ELF into a pure `ImageSpec` (programs, maps, relocations,
 * helper and runtime-symbol references, segments) and checking it against the rules the
 * kernel applies. Used by `iu build` (to refuse a bad link), `iu inspect`, and the
 * user-space loader. No I/O here: bytes in, data out.
 */
import { Sizeof, StructOff } from "../abi/uapi.js";
import {
  ElfFile,
  ElfError,
  PT_LOAD,
  PF_R,
  PF_W,
  PF_X,
  ET_DYN,
  EM_X86_64,
  SHT_NOBITS,
  SHT_DYNSYM,
  RELOC_NAMES,
  R_X86_64_64,
  R_X86_64_GLOB_DAT,
  R_X86_64_JUMP_SLOT,
  R_X86_64_RELATIVE,
  type ProgramHeader,
} from "./elf.js";
import { IU_PROV_SECTION, decodeProvenance, type Provenance } from "./prov.js";

export const IU_MARKER = "~IU native image signature~\n";
export const IU_SIG_INFO_LEN = 12;
/** Members of the records (uapi/linux/bpf_iu.h), generated from the kernel's BTF. */
const P = StructOff.iuProgDef;
const M = StructOff.iuMapDef;
export const IU_PROG_DEF_SIZE = Sizeof.iu_prog_def;
export const IU_MAP_DEF_SIZE = Sizeof.iu_map_def;
export const IU_NAME_LEN = P.attach - P.name;
export const IU_ATTACH_LEN = P.reserved - P.attach;
export const IU_MAP_NAME_LEN = 32;
export const PAGE_SIZE = 4096;
export const MAX_SPAN = 64 * 1024 * 1024;
export const ALLOWED_RELOCS = [R_X86_64_RELATIVE, R_X86_64_64, R_X86_64_GLOB_DAT, R_X86_64_JUMP_SLOT];
/** `endbr64`: with kernel IBT every indirect call or jump must land on it. */
export const ENDBR64 = [0xf3, 0x0f, 0x1e, 0xfa];

/** `enum bpf_prog_type` names for the types the SDK declares (and a few more). */
export const PROG_TYPE_NAMES: Record<number, string> = {
  0: "unspec",
  1: "socket_filter",
  2: "kprobe",
  3: "sched_cls",
  4: "sched_act",
  5: "tracepoint",
  6: "xdp",
  7: "perf_event",
  8: "cgroup_skb",
  9: "cgroup_sock",
  17: "raw_tracepoint",
  26: "tracing",
  29: "lsm",
};

/** `enum bpf_map_type` names. */
export const MAP_TYPE_NAMES: Record<number, string> = {
  0: "unspec",
  1: "hash",
  2: "array",
  3: "prog_array",
  4: "perf_event_array",
  5: "percpu_hash",
  6: "percpu_array",
  7: "stack_trace",
  8: "cgroup_array",
  9: "lru_hash",
  10: "lru_percpu_hash",
  11: "lpm_trie",
  12: "array_of_maps",
  13: "hash_of_maps",
  14: "devmap",
  22: "queue",
  23: "stack",
  27: "ringbuf",
};

export interface SignatureTrailer {
  /** Length of the signed ELF bytes (`[0, elfLength)`). */
  elfLength: number;
  /** The DER PKCS#7 / CMS detached signature. */
  pkcs7: Uint8Array;
  /** The 12-byte struct iu_sig_info fields. */
  info: {
    algo: number;
    hash: number;
    idType: number;
    signerLen: number;
    keyIdLen: number;
    pad: number[];
    sigLen: number;
  };
}

export interface SplitImage {
  elf: Uint8Array;
  signature: SignatureTrailer | null;
}

export interface ProgramSpec {
  index: number;
  name: string;
  /** `enum bpf_prog_type` value. */
  progType: number;
  /** Human name: xdp, sched_cls, kprobe, tracepoint, raw_tracepoint, perf_event. */
  type: string;
  attachType: number;
  attach: string;
  /** Entry virtual address (from its R_X86_64_RELATIVE relocation). */
  entry: number;
  /** Virtual address of the record (for loaders that patch or check it). */
  recordAddr: number;
}

export interface MapSpec {
  index: number;
  name: string;
  mapType: number;
  type: string;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  /** `iu_flags`: IU_MAP_F_SPIN_LOCK (1) when the value starts with a bpf_spin_lock. */
  iuFlags: number;
  recordAddr: number;
}

/** `iu_map_def.iu_flags`: the value begins with a `struct bpf_spin_lock` at offset 0. */
export const IU_MAP_F_SPIN_LOCK = 1;

/**
 * The fields of a MapSpec that say what map to create: every MapSpec is one, and so is a
 * map asked for by hand (a test's or a CLI user's) that no image declares.
 */
export type MapDef = Pick<MapSpec, "name" | "mapType" | "keySize" | "valueSize" | "maxEntries" | "flags"> &
  Partial<Pick<MapSpec, "iuFlags">>;

export interface RelocationSpec {
  offset: number;
  type: number;
  typeName: string;
  symbol: string | null;
  addend: bigint;
}

export interface SegmentSpec {
  vaddr: number;
  offset: number;
  filesz: number;
  memsz: number;
  /** "r", "rx" or "rw" (letters of PF_R, PF_X, PF_W). */
  perms: string;
  flags: number;
}

export interface ImageSpec {
  elfLength: number;
  signature: SignatureTrailer | null;
  programs: ProgramSpec[];
  maps: MapSpec[];
  relocations: RelocationSpec[];
  /** Undefined `bpf_*` symbols referenced by relocations. */
  helpers: string[];
  /** Undefined `iu_*` symbols referenced by relocations. */
  runtimeSymbols: string[];
  /** Undefined symbols that are neither (the kernel refuses them). */
  unknownSymbols: string[];
  segments: SegmentSpec[];
  /** Total page-rounded span of the loaded segments. */
  span: number;
  /** The `.iu.prov` record (toolchain, SDK, rustc and policy versions); null if absent or malformed. */
  provenance: Provenance | null;
  /** Violations of docs/IMAGE-FORMAT.md; empty for a loadable image. */
  problems: string[];
}

/** Splits a `*.iu` file into the ELF bytes and the signature trailer (null if unsigned). */
export function splitSignedImage(file: Uint8Array): SplitImage {
  const marker = new TextEncoder().encode(IU_MARKER);
  const n = file.length;
  if (n < marker.length + IU_SIG_INFO_LEN) return { elf: file, signature: null };
  for (let i = 0; i < marker.length; i++)
    if (file[n - marker.length + i] !== marker[i]) return { elf: file, signature: null };
  const infoOff = n - marker.length - IU_SIG_INFO_LEN;
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const info = {
    algo: file[infoOff],
    hash: file[infoOff + 1],
    idType: file[infoOff + 2],
    signerLen: file[infoOff + 3],
    keyIdLen: file[infoOff + 4],
    pad: [file[infoOff + 5], file[infoOff + 6], file[infoOff + 7]],
    sigLen: dv.getUint32(infoOff + 8, false),
  };
  if (info.sigLen === 0 || info.sigLen >= infoOff)
    throw new ElfError(`signature length ${info.sigLen} does not fit in the file (${n} bytes)`);
  const elfLength = infoOff - info.sigLen;
  return {
    elf: file.subarray(0, elfLength),
    signature: { elfLength, pkcs7: file.subarray(elfLength, infoOff), info },
  };
}

/**
 * The stack check the compiler calls at every function entry (rustc -Zinstrument-mcount);
 * the kernel binds it to its runtime.
 */
export const MCOUNT = "mcount";

/** Builds the trailer (`struct iu_sig_info` + marker) for a signature of `sigLen` bytes. */
export function signatureTrailer(sigLen: number): Uint8Array {
  const marker = new TextEncoder().encode(IU_MARKER);
  const out = new Uint8Array(IU_SIG_INFO_LEN + marker.length);
  out[2] = 2; // id_type = PKEY_ID_PKCS7
  new DataView(out.buffer).setUint32(8, sigLen, false);
  out.set(marker, IU_SIG_INFO_LEN);
  return out;
}

function fixedString(b: Uint8Array, what: string, problems: string[]): string {
  const z = b.indexOf(0);
  if (z < 0) {
    problems.push(`${what} is not NUL-terminated`);
    return new TextDecoder().decode(b);
  }
  return new TextDecoder().decode(b.subarray(0, z));
}

function perms(flags: number): string {
  return (flags & PF_R ? "r" : "") + (flags & PF_W ? "w" : "") + (flags & PF_X ? "x" : "");
}

const pageDown = (x: number): number => Math.floor(x / PAGE_SIZE) * PAGE_SIZE;
const pageUp = (x: number): number => Math.ceil(x / PAGE_SIZE) * PAGE_SIZE;

/** Parses a signed or unsigned image. Throws ElfError only when the ELF cannot be read at all. */
export function parseImage(file: Uint8Array): ImageSpec {
  const { elf: bytes, signature } = splitSignedImage(file);
  const elf = new ElfFile(bytes);
  const problems: string[] = [];
  const h = elf.header;
  if (h.machine !== EM_X86_64) problems.push(`e_machine is ${h.machine}, expected EM_X86_64 (62)`);
  if (h.type !== ET_DYN) problems.push(`e_type is ${h.type}, expected ET_DYN (3)`);

  const loads = elf.programHeaders.filter((p) => p.type === PT_LOAD);
  checkSegments(loads, bytes.length, problems);
  const segments: SegmentSpec[] = loads.map((p) => ({
    vaddr: p.vaddr,
    offset: p.offset,
    filesz: p.filesz,
    memsz: p.memsz,
    perms: perms(p.flags),
    flags: p.flags,
  }));
  const span = spanOf(loads);
  const segOf = (addr: number, len: number): ProgramHeader | undefined =>
    loads.find((p) => addr >= p.vaddr && addr + len <= p.vaddr + p.memsz);
  const fileSegOf = (addr: number, len: number): ProgramHeader | undefined =>
    loads.find((p) => addr >= p.vaddr && addr + len <= p.vaddr + p.filesz);

  // Relocations and the symbols they name.
  const relocations: RelocationSpec[] = [];
  const undef = new Set<string>();
  const relativeAt = new Map<number, bigint>();
  // Addresses the image stores in data (after relocation) that may be called indirectly.
  const codePointers: { at: number; type: string; target: number }[] = [];
  for (const s of elf.sections.filter((x) => x.name === ".rela.dyn" || x.name === ".rela.plt")) {
    const symtab = elf.sections[s.link];
    if (s.type !== 4 /* SHT_RELA */ || s.entsize !== 24 || s.size % 24 || s.offset % 8 || !s.link) {
      problems.push(`${s.name}: not an SHT_RELA table of 24-byte entries at an 8-aligned offset`);
      continue;
    }
    if (
      !symtab ||
      symtab.type !== SHT_DYNSYM ||
      symtab.entsize !== 24 ||
      symtab.size % 24 ||
      symtab.offset % 8
    ) {
      problems.push(`${s.name}: sh_link does not name a well-formed .dynsym`);
      continue;
    }
    const strtab = elf.sections[symtab.link];
    if (!strtab || strtab.type !== 3 || !strtab.size || elf.bytes[strtab.offset + strtab.size - 1] !== 0) {
      problems.push(`${symtab.name}: its string table is malformed`);
      continue;
    }
    const syms = elf.symbols(symtab);
    for (const r of elf.relas(s)) {
      const typeName = RELOC_NAMES[r.type] ?? `type ${r.type}`;
      const sym = r.sym ? syms[r.sym] : undefined;
      if (r.sym && !sym)
        problems.push(
          `${s.name}: relocation at 0x${r.offset.toString(16)} names symbol ${r.sym} past .dynsym`,
        );
      relocations.push({
        offset: r.offset,
        type: r.type,
        typeName,
        symbol: sym ? sym.name : null,
        addend: r.addend,
      });
      if (!ALLOWED_RELOCS.includes(r.type))
        problems.push(
          `relocation ${typeName} at 0x${r.offset.toString(16)} is not allowed (only RELATIVE, 64, GLOB_DAT, JUMP_SLOT)`,
        );
      const at = `0x${r.offset.toString(16)}`;
      if (r.type === R_X86_64_RELATIVE) {
        if (r.sym !== 0) problems.push(`R_X86_64_RELATIVE at ${at} has a symbol`);
        if (r.addend < 0n || r.addend > BigInt(spanOf(loads)))
          problems.push(`R_X86_64_RELATIVE at ${at} points outside the image`);
        relativeAt.set(r.offset, r.addend);
        codePointers.push({ at: r.offset, type: typeName, target: Number(r.addend) });
      } else if (ALLOWED_RELOCS.includes(r.type)) {
        if (!sym) problems.push(`${typeName} at ${at} has no symbol`);
        else if (sym.shndx === 0 && r.type === R_X86_64_64 && r.addend !== 0n)
          problems.push(`R_X86_64_64 at ${at} has an addend on imported symbol ${sym.name}`);
        else if (sym.shndx !== 0) {
          const off = BigInt(sym.value) + (r.type === R_X86_64_64 ? r.addend : 0n);
          if (sym.shndx >= 0xff00 || off < 0n || off > BigInt(spanOf(loads)))
            problems.push(`${typeName} at ${at}: symbol ${sym.name} outside the image`);
          else codePointers.push({ at: r.offset, type: typeName, target: Number(off) });
        }
      }
      if (!segOf(r.offset, 8))
        problems.push(`relocation at 0x${r.offset.toString(16)} lies outside every segment`);
      if (sym && sym.shndx === 0 && sym.name) undef.add(sym.name);
    }
  }
  for (const s of elf.sections.filter((x) => x.type === 4 /* SHT_RELA */)) {
    if (s.name !== ".rela.dyn" && s.name !== ".rela.plt")
      problems.push(`relocation section ${s.name} is not allowed (only .rela.dyn and .rela.plt)`);
  }
  const names = [...undef].sort();
  const helpers = names.filter((n) => n.startsWith("bpf_"));
  const isRuntime = (n: string): boolean => n.startsWith("iu_") || n === MCOUNT;
  const runtimeSymbols = names.filter(isRuntime);
  const unknownSymbols = names.filter((n) => !n.startsWith("bpf_") && !isRuntime(n));
  for (const n of unknownSymbols)
    problems.push(`undefined symbol ${n} is neither a bpf_ helper nor an iu_ runtime symbol`);

  // Every code pointer the image stores must land on endbr64 (kernel IBT). Pointers into
  // other segments are data (strings, vtables, records) and need nothing.
  const exec = loads.find((p) => p.flags & PF_X);
  const inExec = (a: number): boolean => !!exec && a >= exec.vaddr && a < exec.vaddr + exec.memsz;
  const isEndbr = (a: number): boolean => {
    const c = elf.bytesAt(a, ENDBR64.length);
    return !!c && ENDBR64.every((x, i) => c[i] === x);
  };
  for (const c of codePointers)
    if (inExec(c.target) && !isEndbr(c.target))
      problems.push(
        `code pointer at 0x${c.at.toString(16)} (${c.type}) to 0x${c.target.toString(16)} does not point at endbr64 (f3 0f 1e fa); an indirect call there would fault on a CPU with IBT`,
      );

  // Provenance: exactly one record, in a read-only (not executable) segment's file bytes.
  let provenance: Provenance | null = null;
  const provSecs = elf.sections.filter((x) => x.name === IU_PROV_SECTION);
  if (provSecs.length !== 1)
    problems.push(
      provSecs.length
        ? `${provSecs.length} ${IU_PROV_SECTION} sections (exactly one allowed)`
        : `no ${IU_PROV_SECTION} section: the image does not say which toolchain, SDK and policy built it`,
    );
  else {
    const ps = provSecs[0];
    const seg = fileSegOf(ps.addr, ps.size);
    if (ps.type !== 1 /* SHT_PROGBITS */ || ps.addr % 4)
      problems.push(`${IU_PROV_SECTION} is not a 4-aligned SHT_PROGBITS section`);
    else if (!seg || seg.flags !== PF_R)
      problems.push(`${IU_PROV_SECTION} is not inside the file bytes of a read-only loaded segment`);
    else provenance = decodeProvenance(elf.sectionBytes(ps), problems);
  }

  // Programs.
  const programs: ProgramSpec[] = [];
  const progSec = elf.section(".iu.progs");
  if (!progSec) problems.push("no .iu.progs section: the image declares no program");
  else {
    if (progSec.size % IU_PROG_DEF_SIZE)
      problems.push(`.iu.progs size ${progSec.size} is not a multiple of ${IU_PROG_DEF_SIZE}`);
    if (progSec.type !== 1 /* SHT_PROGBITS */ || progSec.size === 0 || progSec.addr % 8)
      problems.push(".iu.progs is not a non-empty, 8-aligned SHT_PROGBITS section");
    if (!fileSegOf(progSec.addr, progSec.size))
      problems.push(".iu.progs is not inside the file bytes of a loaded segment");
    const b = elf.sectionBytes(progSec);
    for (let i = 0; i + IU_PROG_DEF_SIZE <= b.length; i += IU_PROG_DEF_SIZE) {
      const rec = b.subarray(i, i + IU_PROG_DEF_SIZE);
      const dv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
      const addr = progSec.addr + i;
      const rel = relativeAt.get(addr);
      const entry = rel !== undefined ? Number(rel) : Number(dv.getBigUint64(P.entry, true));
      const name = fixedString(
        rec.subarray(P.name, P.name + IU_NAME_LEN),
        `program ${i / IU_PROG_DEF_SIZE} name`,
        problems,
      );
      const p: ProgramSpec = {
        index: i / IU_PROG_DEF_SIZE,
        name,
        progType: dv.getUint32(P.prog_type, true),
        type: "",
        attachType: dv.getUint32(P.attach_type, true),
        attach: fixedString(
          rec.subarray(P.attach, P.attach + IU_ATTACH_LEN),
          `program ${name} attach`,
          problems,
        ),
        entry,
        recordAddr: addr,
      };
      p.type = PROG_TYPE_NAMES[p.progType] ?? `type ${p.progType}`;
      if (rel === undefined) problems.push(`program ${name}: entry has no R_X86_64_RELATIVE relocation`);
      if (!inExec(entry))
        problems.push(`program ${name}: entry 0x${entry.toString(16)} is not in the executable segment`);
      else if (!isEndbr(entry))
        problems.push(
          `program ${name}: entry 0x${entry.toString(16)} does not start with endbr64 (f3 0f 1e fa); it would fault on a CPU with IBT`,
        );
      if (rec.subarray(P.reserved).some((x) => x !== 0))
        problems.push(`program ${name}: reserved bytes are not zero`);
      if (!name) problems.push(`program ${p.index} has an empty name`);
      if (programs.some((q) => q.name === name)) problems.push(`program name ${name} is not unique`);
      programs.push(p);
    }
  }

  // Maps.
  const maps: MapSpec[] = [];
  const mapSec = elf.section(".iu.maps");
  if (mapSec) {
    if (mapSec.size % IU_MAP_DEF_SIZE)
      problems.push(`.iu.maps size ${mapSec.size} is not a multiple of ${IU_MAP_DEF_SIZE}`);
    if (mapSec.type !== 1 /* SHT_PROGBITS */ || mapSec.addr % 8)
      problems.push(".iu.maps is not an 8-aligned SHT_PROGBITS section");
    const seg = fileSegOf(mapSec.addr, mapSec.size);
    if (mapSec.size && (!seg || !(seg.flags & PF_W)))
      problems.push(".iu.maps is not inside the file bytes of a writable loaded segment");
    const b = mapSec.type === SHT_NOBITS ? new Uint8Array(mapSec.size) : elf.sectionBytes(mapSec);
    for (let i = 0; i + IU_MAP_DEF_SIZE <= b.length; i += IU_MAP_DEF_SIZE) {
      const rec = b.subarray(i, i + IU_MAP_DEF_SIZE);
      const dv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
      const name = fixedString(
        rec.subarray(M.name, IU_MAP_DEF_SIZE),
        `map ${i / IU_MAP_DEF_SIZE} name`,
        problems,
      );
      const m: MapSpec = {
        index: i / IU_MAP_DEF_SIZE,
        name,
        mapType: dv.getUint32(M.map_type, true),
        type: "",
        keySize: dv.getUint32(M.key_size, true),
        valueSize: dv.getUint32(M.value_size, true),
        maxEntries: dv.getUint32(M.max_entries, true),
        flags: dv.getUint32(M.map_flags, true),
        iuFlags: dv.getUint32(M.iu_flags, true),
        recordAddr: mapSec.addr + i,
      };
      m.type = MAP_TYPE_NAMES[m.mapType] ?? `type ${m.mapType}`;
      if (dv.getBigUint64(M.kptr, true) !== 0n) problems.push(`map ${name}: kptr is not zero in the file`);
      if (m.iuFlags & ~IU_MAP_F_SPIN_LOCK) problems.push(`map ${name}: unknown iu_flags ${m.iuFlags}`);
      maps.push(m);
    }
  }

  return {
    elfLength: bytes.length,
    signature,
    programs,
    maps,
    relocations,
    helpers,
    runtimeSymbols,
    unknownSymbols,
    segments,
    span,
    provenance,
    problems,
  };
}

function spanOf(loads: ProgramHeader[]): number {
  return loads.length ? pageUp(Math.max(...loads.map((p) => p.vaddr + p.memsz))) : 0;
}

function checkSegments(loads: ProgramHeader[], fileLen: number, problems: string[]): void {
  if (loads.length < 1 || loads.length > 8)
    problems.push(`${loads.length} PT_LOAD segments (1 to 8 allowed)`);
  if (loads.length && loads[0].vaddr !== 0) problems.push("the first PT_LOAD segment is not at p_vaddr 0");
  let prevEnd = -1;
  let exec = 0;
  for (const p of loads) {
    const at = `segment at 0x${p.vaddr.toString(16)}`;
    if (p.vaddr % PAGE_SIZE || p.offset % PAGE_SIZE)
      problems.push(`${at}: p_vaddr/p_offset not page aligned`);
    if (p.filesz > p.memsz) problems.push(`${at}: p_filesz > p_memsz`);
    if (p.offset + p.filesz > fileLen) problems.push(`${at}: file range outside the ELF`);
    if (p.flags & PF_W && p.flags & PF_X) problems.push(`${at}: writable and executable`);
    if (p.flags & PF_X) {
      exec++;
      if (p.flags !== (PF_R | PF_X)) problems.push(`${at}: executable segment flags are not R|X`);
    }
    if (pageDown(p.vaddr) < prevEnd) problems.push(`${at}: overlaps or is out of ascending order`);
    prevEnd = pageUp(p.vaddr + p.memsz);
  }
  if (exec !== 1) problems.push(`${exec} executable segments (exactly 1 required)`);
  if (prevEnd > MAX_SPAN) problems.push(`span ${prevEnd} bytes exceeds 64 MiB`);
}
