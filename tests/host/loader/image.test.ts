// What the loader reads from an image before it asks the kernel: the object spec
// (src/object), refused only when unreadable or without programs, each time naming why.
import { test } from "node:test";
import assert from "node:assert/strict";
import { IuObject, loadableSpec } from "../../../src/loader/object.js";
import { IuError } from "../../../src/errors.js";
import { fakeElf, fakeSign, mapDef, progDef } from "../../helpers/image.js";

const fields = <T extends object, K extends keyof T>(xs: T[], keys: K[]) =>
  xs.map((x) => Object.fromEntries(keys.map((k) => [k, x[k]])));

test("reads programs and maps of a signed image and finds the ELF length", () => {
  const elf = fakeElf(
    Buffer.concat([progDef("hello", 5, 0, "syscalls/sys_enter_getpid"), progDef("count", 2, 0, "vfs_read")]),
    Buffer.concat([mapDef("counts", 2, 4, 8, 1, 0), mapDef("locked", 1, 4, 16, 8, 0, 1)]),
  );
  const file = fakeSign(elf);
  const obj = IuObject.fromBuffer(file);
  const img = obj.spec;
  assert.ok(img.signature, "signed");
  assert.equal(img.elfLength, elf.length);
  assert.equal(obj.bytes, file, "the kernel gets the whole file");
  assert.deepEqual(fields(img.programs, ["name", "progType", "attachType", "attach"]), [
    { name: "hello", progType: 5, attachType: 0, attach: "syscalls/sys_enter_getpid" },
    { name: "count", progType: 2, attachType: 0, attach: "vfs_read" },
  ]);
  assert.deepEqual(
    fields(img.maps, ["name", "mapType", "keySize", "valueSize", "maxEntries", "flags", "iuFlags"]),
    [
      { name: "counts", mapType: 2, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0, iuFlags: 0 },
      { name: "locked", mapType: 1, keySize: 4, valueSize: 16, maxEntries: 8, flags: 0, iuFlags: 1 },
    ],
  );
  // what the kernel would refuse is kept as warnings, not refused here
  assert.ok(img.problems.length > 0);
});

test("an unsigned image is readable (the kernel refuses it, not the reader)", () => {
  const elf = fakeElf(progDef("x", 6, 0, ""), Buffer.alloc(0));
  const img = loadableSpec(elf);
  assert.equal(img.signature, null);
  assert.equal(img.elfLength, elf.length);
  assert.equal(img.programs[0].name, "x");
});

test("garbage and truncated images are IuErrors that say what is wrong", () => {
  const refused = (bytes: Buffer, why: RegExp) =>
    assert.throws(
      () => IuObject.fromBuffer(bytes, "t.iu"),
      (e: unknown) => {
        assert.ok(e instanceof IuError, String(e));
        assert.match(e.message, /^t\.iu: not a readable Inner Unikernels image: /);
        assert.match(e.message, why);
        return true;
      },
    );
  refused(Buffer.from("not an elf at all, not at all, really not, no".repeat(2)), /bad magic/);
  const elf = fakeElf(progDef("x", 6, 0, ""), Buffer.alloc(0));
  refused(elf.subarray(0, elf.length - 100), /outside the file/);
  const trailer = fakeSign(elf, 100000);
  refused(trailer.subarray(elf.length), /signature length 100000 does not fit/);
});

test("an image without .iu.progs is refused, naming the missing section", () => {
  const elf = fakeElf(Buffer.alloc(0), mapDef("m", 2, 4, 8, 1, 0));
  // rename .iu.progs so the image has no such section
  const at = elf.indexOf(".iu.progs");
  elf.write(".iu.xxxxx", at, "latin1");
  assert.throws(
    () => loadableSpec(elf, "p.iu"),
    /p\.iu: not a readable Inner Unikernels image: no \.iu\.progs section/,
  );
});
