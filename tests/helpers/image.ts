/**
 * Hand-made images for the tests that need broken or minimal ones: an ELF64 with only a
 * section table and the two record sections, the records themselves, and a signature
 * trailer around made-up signature bytes. Nothing here is signed by a real key.
 */
import { IU_MAP_DEF_SIZE, IU_MARKER, IU_PROG_DEF_SIZE } from "../../src/object/image.js";

/** An ELF64 with just a section table: .shstrtab, .iu.progs, .iu.maps (no segments). */
export function fakeElf(progs: Buffer, maps: Buffer): Buffer {
  const shstr = Buffer.from("\0.shstrtab\0.iu.progs\0.iu.maps\0", "latin1");
  const dataOff = 64;
  const progsOff = dataOff + shstr.length;
  const mapsOff = progsOff + progs.length;
  const shoff = Math.ceil((mapsOff + maps.length) / 8) * 8;
  const elf = Buffer.alloc(shoff + 4 * 64);
  elf.writeUInt32BE(0x7f454c46, 0);
  elf[4] = 2; // ELFCLASS64
  elf[5] = 1; // ELFDATA2LSB
  elf[6] = 1; // EV_CURRENT
  elf.writeUInt16LE(3, 0x10); // ET_DYN
  elf.writeUInt16LE(62, 0x12); // EM_X86_64
  elf.writeBigUInt64LE(BigInt(shoff), 0x28);
  elf.writeUInt16LE(64, 0x34);
  elf.writeUInt16LE(64, 0x3a);
  elf.writeUInt16LE(4, 0x3c);
  elf.writeUInt16LE(1, 0x3e);
  shstr.copy(elf, dataOff);
  progs.copy(elf, progsOff);
  maps.copy(elf, mapsOff);
  const sec = (i: number, name: number, type: number, off: number, size: number) => {
    const o = shoff + i * 64;
    elf.writeUInt32LE(name, o);
    elf.writeUInt32LE(type, o + 4);
    elf.writeBigUInt64LE(BigInt(off), o + 24);
    elf.writeBigUInt64LE(BigInt(size), o + 32);
  };
  sec(1, 1, 3 /* SHT_STRTAB */, dataOff, shstr.length);
  sec(2, 11, 1 /* SHT_PROGBITS */, progsOff, progs.length);
  sec(3, 21, 1 /* SHT_PROGBITS */, mapsOff, maps.length);
  return elf;
}

/** An `iu_prog_def` record. */
export function progDef(name: string, type: number, attachType: number, attach: string): Buffer {
  const b = Buffer.alloc(IU_PROG_DEF_SIZE);
  b.writeBigUInt64LE(0x1000n, 0);
  b.writeUInt32LE(type, 8);
  b.writeUInt32LE(attachType, 12);
  b.write(name, 16);
  b.write(attach, 80);
  return b;
}

/** An `iu_map_def` record. */
export function mapDef(
  name: string,
  type: number,
  k: number,
  v: number,
  max: number,
  flags: number,
  iuFlags = 0,
): Buffer {
  const b = Buffer.alloc(IU_MAP_DEF_SIZE);
  [type, k, v, max, flags, iuFlags].forEach((x, i) => b.writeUInt32LE(x, 8 + i * 4));
  b.write(name, 32);
  return b;
}

/** `elf` followed by `sigLen` made-up signature bytes, `struct iu_sig_info` and the marker. */
export function fakeSign(elf: Buffer, sigLen = 300): Buffer {
  const info = Buffer.alloc(12);
  info[2] = 2; // PKEY_ID_PKCS7
  info.writeUInt32BE(sigLen, 8);
  return Buffer.concat([elf, Buffer.alloc(sigLen, 0x30), info, Buffer.from(IU_MARKER, "latin1")]);
}
