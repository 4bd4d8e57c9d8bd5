/**
 * What the loader needs from a signed image (docs/IMAGE-FORMAT.md): where the ELF ends,
 * the program records (`.iu.progs`) and the map records (`.iu.maps`). The toolchain's
 * parser (`parseImage`, src/object/) does the reading; its `problems` are passed on as
 * warnings, never as refusals: the kernel is the judge (and the bad-input tests must be
 * able to hand it bad images). When that parser cannot read the ELF at all, a minimal
 * reader of the two record sections below is tried before giving up.
 */
import { IuError } from "../errors.js";
import { IU_MAP_F_SPIN_LOCK, parseImage } from "../object/image.js";

export const SIG_MARKER = "~IU native image signature~\n";
const SIG_INFO_SIZE = 12;
export const PROG_DEF_SIZE = 256;
export const MAP_DEF_SIZE = 64;

export interface ImageProg {
  name: string;
  progType: number;
  attachType: number;
  /** The declared target (`attach`), e.g. `syscalls/sys_enter_getpid`; may be empty. */
  attach: string;
}

export interface ImageMap {
  name: string;
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  /** The value starts with a bpf_spin_lock (created with BTF that says so). */
  spinLock: boolean;
}

export interface ImageSpec {
  /** Whole file (what is passed to the kernel). */
  bytes: Buffer;
  /** Length of the ELF part (the signed bytes), or the whole length if unsigned. */
  elfLength: number;
  signed: boolean;
  programs: ImageProg[];
  maps: ImageMap[];
  /** Deviations from IMAGE-FORMAT.md the parser noticed (the kernel will likely refuse). */
  problems: string[];
}

function cstr(b: Buffer, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const z = s.indexOf(0);
  return s.subarray(0, z < 0 ? len : z).toString("utf8");
}

/** Length of the ELF part of a signed image (marker + iu_sig_info + PKCS#7 stripped). */
export function signedElfLength(bytes: Buffer): { elfLength: number; signed: boolean } {
  const marker = Buffer.from(SIG_MARKER, "latin1");
  if (
    bytes.length < marker.length + SIG_INFO_SIZE ||
    !bytes.subarray(bytes.length - marker.length).equals(marker)
  )
    return { elfLength: bytes.length, signed: false };
  const infoOff = bytes.length - marker.length - SIG_INFO_SIZE;
  const sigLen = bytes.readUInt32BE(infoOff + 8);
  const elfLength = infoOff - sigLen;
  if (elfLength < 0) throw new IuError("image signature trailer claims more bytes than the file has");
  return { elfLength, signed: true };
}

/** Parses the records the loader needs. Throws IuError when neither reader can read them. */
export function readImage(bytes: Buffer, what = "image"): ImageSpec {
  let full: ReturnType<typeof parseImage>;
  try {
    full = parseImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    const spec = readImageMinimal(bytes, what);
    spec.problems.push(`toolchain parser: ${(e as Error).message}`);
    return spec;
  }
  if (!full.programs.length) readImageMinimal(bytes, what); // throws the clear "no .iu.progs" error
  return {
    bytes,
    elfLength: full.elfLength,
    signed: full.signature !== null,
    programs: full.programs.map((p) => ({
      name: p.name,
      progType: p.progType,
      attachType: p.attachType,
      attach: p.attach,
    })),
    maps: full.maps.map((m) => ({
      name: m.name,
      type: m.mapType,
      keySize: m.keySize,
      valueSize: m.valueSize,
      maxEntries: m.maxEntries,
      flags: m.flags,
      spinLock: (m.iuFlags & IU_MAP_F_SPIN_LOCK) !== 0,
    })),
    problems: full.problems,
  };
}

/** The fallback: only the section table and the two record arrays. */
export function readImageMinimal(bytes: Buffer, what = "image"): ImageSpec {
  const { elfLength, signed } = signedElfLength(bytes);
  const elf = bytes.subarray(0, elfLength);
  const fail = (why: string): never => {
    throw new IuError(`${what}: not a readable Inner Unikernels image: ${why}`);
  };
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46) fail("no ELF header");
  if (elf[4] !== 2 || elf[5] !== 1) fail("not ELF64 little-endian");
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const shstrndx = elf.readUInt16LE(0x3e);
  if (shentsize !== 64 || shoff + shnum * 64 > elf.length || shstrndx >= shnum)
    fail("bad section header table");
  const sh = (i: number) => {
    const o = shoff + i * 64;
    return {
      name: elf.readUInt32LE(o),
      type: elf.readUInt32LE(o + 4),
      offset: Number(elf.readBigUInt64LE(o + 24)),
      size: Number(elf.readBigUInt64LE(o + 32)),
    };
  };
  const strtab = sh(shstrndx);
  if (strtab.offset + strtab.size > elf.length) fail(".shstrtab outside the file");
  const section = (name: string) => {
    for (let i = 0; i < shnum; i++) {
      const s = sh(i);
      if (s.name < strtab.size && cstr(elf, strtab.offset + s.name, strtab.size - s.name) === name) {
        if (s.type !== 8 /* NOBITS */ && s.offset + s.size > elf.length) fail(`${name} outside the file`);
        return s;
      }
    }
    return undefined;
  };
  const progs = section(".iu.progs");
  if (!progs) fail("no .iu.progs section");
  const programs: ImageProg[] = [];
  for (let o = progs!.offset; o + PROG_DEF_SIZE <= progs!.offset + progs!.size; o += PROG_DEF_SIZE)
    programs.push({
      progType: elf.readUInt32LE(o + 8),
      attachType: elf.readUInt32LE(o + 12),
      name: cstr(elf, o + 16, 64),
      attach: cstr(elf, o + 80, 128),
    });
  const maps: ImageMap[] = [];
  const m = section(".iu.maps");
  if (m && m.type !== 8)
    for (let o = m.offset; o + MAP_DEF_SIZE <= m.offset + m.size; o += MAP_DEF_SIZE)
      maps.push({
        type: elf.readUInt32LE(o + 8),
        keySize: elf.readUInt32LE(o + 12),
        valueSize: elf.readUInt32LE(o + 16),
        maxEntries: elf.readUInt32LE(o + 20),
        flags: elf.readUInt32LE(o + 24),
        spinLock: (elf.readUInt32LE(o + 28) & IU_MAP_F_SPIN_LOCK) !== 0,
        name: cstr(elf, o + 32, 32),
      });
  return { bytes, elfLength, signed, programs, maps, problems: [] };
}
