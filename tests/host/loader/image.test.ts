// The loader's minimal image reader: signature trailer, .iu.progs and .iu.maps records.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readImage, SIG_MARKER, signedElfLength } from "../../../src/loader/image.js";
import { IuError } from "../../../src/errors.js";

/** An ELF64 with just a section table: .shstrtab, .iu.progs, .iu.maps (no segments needed here). */
function fakeElf(progs: Buffer, maps: Buffer): Buffer {
  const shstr = Buffer.from("\0.shstrtab\0.iu.progs\0.iu.maps\0", "latin1");
  const dataOff = 64;
  const progsOff = dataOff + shstr.length;
  const mapsOff = progsOff + progs.length;
  const shoff = Math.ceil((mapsOff + maps.length) / 8) * 8;
  const elf = Buffer.alloc(shoff + 4 * 64);
  elf.writeUInt32BE(0x7f454c46, 0);
  elf[4] = 2;
  elf[5] = 1;
  elf[6] = 1;
  elf.writeUInt16LE(3, 0x10); // ET_DYN
  elf.writeUInt16LE(62, 0x12);
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
  sec(1, 1, 3, dataOff, shstr.length);
  sec(2, 11, 1, progsOff, progs.length);
  sec(3, 21, 1, mapsOff, maps.length);
  return elf;
}

function progDef(name: string, type: number, attachType: number, attach: string): Buffer {
  const b = Buffer.alloc(256);
  b.writeBigUInt64LE(0x1000n, 0);
  b.writeUInt32LE(type, 8);
  b.writeUInt32LE(attachType, 12);
  b.write(name, 16);
  b.write(attach, 80);
  return b;
}

function mapDef(name: string, type: number, k: number, v: number, max: number, flags: number): Buffer {
  const b = Buffer.alloc(64);
  [type, k, v, max, flags].forEach((x, i) => b.writeUInt32LE(x, 8 + i * 4));
  b.write(name, 32);
  return b;
}

function sign(elf: Buffer, sigLen = 300): Buffer {
  const info = Buffer.alloc(12);
  info[2] = 2;
  info.writeUInt32BE(sigLen, 8);
  return Buffer.concat([elf, Buffer.alloc(sigLen, 0x30), info, Buffer.from(SIG_MARKER, "latin1")]);
}

test("reads programs and maps of a signed image and finds the ELF length", () => {
  const elf = fakeElf(
    Buffer.concat([progDef("hello", 5, 0, "syscalls/sys_enter_getpid"), progDef("count", 2, 0, "vfs_read")]),
    mapDef("counts", 2, 4, 8, 1, 0),
  );
  const img = readImage(sign(elf));
  assert.equal(img.signed, true);
  assert.equal(img.elfLength, elf.length);
  assert.deepEqual(img.programs, [
    { name: "hello", progType: 5, attachType: 0, attach: "syscalls/sys_enter_getpid" },
    { name: "count", progType: 2, attachType: 0, attach: "vfs_read" },
  ]);
  assert.deepEqual(img.maps, [
    { name: "counts", type: 2, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0, spinLock: false },
  ]);
});

test("an unsigned image is readable (the kernel refuses it, not the reader)", () => {
  const elf = fakeElf(progDef("x", 6, 0, ""), Buffer.alloc(0));
  assert.deepEqual(signedElfLength(elf), { elfLength: elf.length, signed: false });
  assert.equal(readImage(elf).programs[0].name, "x");
});

test("garbage and truncated images are IuErrors", () => {
  assert.throws(
    () => readImage(Buffer.from("not an elf at all, not at all, really not, no".repeat(2))),
    IuError,
  );
  const elf = fakeElf(progDef("x", 6, 0, ""), Buffer.alloc(0));
  assert.throws(() => readImage(elf.subarray(0, elf.length - 100)), IuError);
  const trailer = sign(elf, 100000);
  assert.throws(() => readImage(trailer.subarray(elf.length)), IuError);
});
