// samples/hello builds to a signed image that inspects correctly; flipping any byte of
// the image makes verification fail; the image meets docs/IMAGE-FORMAT.md.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { build } from "../../../src/toolchain/build.js";
import { ensureSigningKey } from "../../../src/toolchain/keys.js";
import { verifyImage, verifyImageOpenssl } from "../../../src/toolchain/sign.js";
import { parseImage, IU_MARKER, PF_R, PF_W, PF_X } from "../../../src/object/index.js";

const tmp = mkdtempSync(join(tmpdir(), "iu-image-test-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
const key = ensureSigningKey(join(tmp, "keys"));
const out = join(tmp, "hello.iu");
const result = build(join(repoRoot, "samples", "hello"), { out, key, env: { PATH: "/usr/bin:/bin" } });
const image = new Uint8Array(readFileSync(out));

test("hello builds to a signed image with its program and helpers", () => {
  assert.equal(result.name, "hello");
  const spec = parseImage(image);
  assert.deepEqual(spec.problems, []);
  assert.equal(spec.programs.length, 1);
  assert.deepEqual(
    { name: spec.programs[0].name, type: spec.programs[0].type, attach: spec.programs[0].attach },
    { name: "hello", type: "tracepoint", attach: "syscalls/sys_enter_getpid" },
  );
  assert.equal(spec.programs[0].progType, 5);
  assert.ok(spec.helpers.includes("bpf_trace_printk"));
  assert.ok(spec.helpers.includes("bpf_get_current_pid_tgid"));
  assert.deepEqual(spec.unknownSymbols, []);
  assert.ok(spec.signature !== null);
  assert.equal(
    new TextDecoder().decode(image.subarray(image.length - IU_MARKER.length)),
    "~IU native image signature~\n",
  );
});

test("segments: page aligned, first at 0, exactly one R|X, none W|X", () => {
  const spec = parseImage(image);
  assert.equal(spec.segments[0].vaddr, 0);
  for (const s of spec.segments) {
    assert.equal(s.vaddr % 4096, 0);
    assert.equal(s.offset % 4096, 0);
    assert.ok(!(s.flags & PF_W && s.flags & PF_X));
  }
  assert.equal(spec.segments.filter((s) => s.flags & PF_X).length, 1);
  assert.equal(spec.segments.find((s) => s.flags & PF_X)?.flags, PF_R | PF_X);
  for (const r of spec.relocations) assert.ok([1, 6, 7, 8].includes(r.type), r.typeName);
});

test("iu inspect --json: programs, maps, valid signature; invalid after a flip", () => {
  const cli = join(repoRoot, "bin", "iu.js");
  const run = (
    f: string,
  ): {
    programs: { name: string; type: string; attach: string }[];
    maps: unknown[];
    signature: { valid: boolean };
  } =>
    JSON.parse(
      execFileSync("node", [cli, "inspect", f, "--json", "--cert", key.certPath], { encoding: "utf8" }),
    );
  const j = run(out);
  assert.equal(j.signature.valid, true);
  assert.deepEqual(j.maps, []);
  assert.equal(j.programs[0].name, "hello");
  assert.equal(j.programs[0].type, "tracepoint");
  assert.equal(j.programs[0].attach, "syscalls/sys_enter_getpid");
  const bad = image.slice();
  bad[0x1000] ^= 0x01; // a byte of code
  writeFileSync(join(tmp, "bad.iu"), bad);
  const b = run(join(tmp, "bad.iu"));
  assert.equal(b.signature.valid, false);
  assert.equal(b.programs[0].name, "hello"); // still inspects
});

test("flipping any byte of the image makes verification fail", () => {
  assert.equal(verifyImage(image, key.certPath).valid, true);
  const failures: number[] = [];
  for (let i = 0; i < image.length; i++) {
    const bad = image.slice();
    bad[i] ^= 0xff;
    if (verifyImage(bad, key.certPath).valid) failures.push(i);
  }
  assert.deepEqual(failures, [], `flips at these offsets still verify`);
});

test("openssl agrees with the in-process verifier", () => {
  assert.equal(verifyImageOpenssl(image, key.certPath).valid, true);
  const spec = parseImage(image);
  const elfLen = spec.elfLength;
  const positions = [
    0,
    17,
    0x40,
    0x1000,
    0x2000,
    elfLen - 1,
    elfLen + 10,
    image.length - 100,
    image.length - 1,
  ];
  for (const i of positions) {
    const bad = image.slice();
    bad[i] ^= 0x01;
    assert.equal(verifyImageOpenssl(bad, key.certPath).valid, false, `openssl accepted a flip at ${i}`);
  }
});

test("a certificate other than the signer's does not verify", () => {
  const other = ensureSigningKey(join(tmp, "other"));
  assert.equal(verifyImage(image, other.certPath).valid, false);
  assert.equal(verifyImageOpenssl(image, other.certPath).valid, false);
});

test("parseImage reports a writable+executable segment", () => {
  const { elfLength } = parseImage(image);
  const elf = image.slice(0, elfLength);
  const dv = new DataView(elf.buffer);
  const phoff = Number(dv.getBigUint64(32, true));
  for (let i = 0; i < dv.getUint16(56, true); i++) {
    const o = phoff + i * 56;
    if (dv.getUint32(o, true) === 1 && dv.getUint32(o + 4, true) & PF_X)
      dv.setUint32(o + 4, PF_R | PF_W | PF_X, true);
  }
  assert.ok(parseImage(elf).problems.some((p) => /writable and executable/.test(p)));
});
