// The toolchain's half of the adversarial suite: programs and files an attacker controls
// (crates under tests/adversarial/crates/tc_*, links planted in a crate, bytes edited in
// a built image). Each must be refused with its reason before anything is signed or
// written, or contained by the build sandbox.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { IuError } from "../../../src/errors.js";
import {
  ElfFile,
  IU_PROV_MAGIC,
  PF_X,
  R_X86_64_RELATIVE,
  parseImage,
  splitSignedImage,
} from "../../../src/object/index.js";
import { build, type BuildOptions, type Stage } from "../../../src/toolchain/build.js";
import { ensureSigningKey, signingKeyPaths } from "../../../src/toolchain/keys.js";
import { linkImage } from "../../../src/toolchain/link.js";
import { newProgram } from "../../../src/toolchain/new.js";
import { writeFileNoFollow } from "../../../src/toolchain/output.js";
import { PolicyError, type Rule } from "../../../src/toolchain/policy.js";
import { buildProvenance } from "../../../src/toolchain/provenance.js";
import { calleeSavedUse, disassemble } from "../../../src/toolchain/regs.js";
import { inspectImage } from "../../../src/toolchain/inspect.js";
import { runSandboxed, checkHidden } from "../../../src/toolchain/sandbox.js";
import { userTest } from "../../../src/toolchain/usertest.js";
import { encodeProvenance } from "../../../src/object/prov.js";

const crates = join(repoRoot, "tests", "adversarial", "crates");
const sdk = join(repoRoot, "sdk");
// A fixed scratch path, so the build cache keeps one stage per copied crate across runs.
const tmp = join(tmpdir(), `iu-adv-toolchain-${process.getuid?.() ?? 0}`);
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
// Successful builds sign with a throw-away key; the include cases aim at the real one.
const key = ensureSigningKey(join(tmp, "keys"));
const realKey = ensureSigningKey(signingKeyPaths().dir).keyPath;
const ROOT_KEY = "/root/.config/iu/keys/signing-key.pem";
const env = { PATH: "/usr/bin:/bin" };

/** A copy of crates/NAME in the scratch dir: absolute SDK path, `subst` applied to every source. */
function copyCrate(name: string, subst: [string, string][] = [], as = name): string {
  const dir = join(tmp, "crates", as);
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(crates, name), dir, { recursive: true, verbatimSymlinks: true });
  rmSync(join(dir, "target"), { recursive: true, force: true });
  const manifest = join(dir, "Cargo.toml");
  writeFileSync(
    manifest,
    readFileSync(manifest, "utf8").replace(
      /iu = \{ path = "[^"]*" \}/,
      `iu = { path = ${JSON.stringify(sdk)} }`,
    ),
  );
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile() && e.name.endsWith(".rs")) {
      const f = join(e.parentPath, e.name);
      let s = readFileSync(f, "utf8");
      for (const [a, b] of subst) s = s.split(a).join(b);
      writeFileSync(f, s);
    }
  return dir;
}

/** crates/NAME itself, or a copy naming the real key path when it is not root's default. */
const withRealKey = (name: string): string =>
  realKey === ROOT_KEY ? join(crates, name) : copyCrate(name, [[ROOT_KEY, realKey]]);

interface Outcome {
  err: unknown;
  stages: Stage[];
  out: string;
}

/** Builds `dir` to a scratch output, or (with `out: undefined`) to the crate's default one. */
function tryBuild(dir: string, opts: BuildOptions = {}): Outcome {
  const stages: Stage[] = [];
  const out = "out" in opts ? opts.out : join(tmp, "out", `${dir.split("/").pop()}.iu`);
  if (out) rmSync(out, { force: true });
  let err: unknown;
  try {
    build(dir, { key, env, out, onStage: (s) => stages.push(s), ...opts });
  } catch (e) {
    err = e;
  }
  return { err, stages, out: out ?? "" };
}

/** Builds `dir`, expecting a PolicyError with `rule`, and no signing and no image. */
function refused(dir: string, rule: Rule, opts: BuildOptions = {}): PolicyError {
  const r = tryBuild(dir, opts);
  assert.ok(r.err instanceof PolicyError, `${dir}: expected a PolicyError, got ${String(r.err)}`);
  assert.ok(r.err.rules.includes(rule), `${dir}: expected [${rule}], got\n${r.err.message}`);
  assert.ok(!r.stages.includes("sign"), `${dir}: reached the signing step`);
  assert.ok(!existsSync(r.out), `${dir}: wrote an image`);
  return r.err;
}

// ------------------------------------------------------------ what the compiler may read

for (const c of ["tc_include_key_bytes", "tc_include_key_str"])
  test(`${c}: the signing key cannot be embedded; inside the sandbox it does not exist`, () => {
    assert.ok(existsSync(realKey), "the key exists on the host");
    for (const skipDepInfoCheck of [false, true]) {
      const err = refused(withRealKey(c), "source-files", { skipDepInfoCheck });
      assert.ok(err.message.includes(realKey), err.message);
      // rustc itself could not read it: the path is absent in the sandbox.
      assert.ok(err.message.includes(`couldn't read \`${realKey}\`: No such file or directory`), err.message);
      assert.match(err.violations[0].file, /src\/lib\.rs$/);
      assert.ok(err.violations[0].line > 0);
    }
  });

test("tc_include_passwd: /etc/passwd cannot be embedded (no /etc in the sandbox)", () => {
  const err = refused(join(crates, "tc_include_passwd"), "source-files");
  assert.match(err.message, /\/etc\/passwd lies outside the crate/);
  assert.match(err.message, /couldn't read `\/etc\/passwd`/);
});

test("tc_include_dev_zero, tc_include_pagemap: endless files end the compile, not the machine", () => {
  const zero = refused(join(crates, "tc_include_dev_zero"), "source-files");
  assert.match(zero.message, /couldn't read `\/dev\/zero`: No such file or directory/);
  const t0 = Date.now();
  const map = refused(join(crates, "tc_include_pagemap"), "source-files");
  assert.match(map.message, /\/proc\/self\/pagemap lies outside the crate .*out of memory/);
  assert.ok(Date.now() - t0 < 120_000, "stopped by the address-space limit");
});

for (const [c, file] of [
  ["tc_include_sdk", join(sdk, "src", "lib.rs")],
  ["tc_include_usr", "/usr/lib/rustlib/src/rust/library/core/src/lib.rs"],
])
  test(`${c}: a file the sandbox shows but outside the crate is refused by the dep-info check`, () => {
    const err = refused(join(crates, c), "source-files");
    assert.equal(err.violations.length, 1, err.message);
    assert.equal(err.violations[0].file, file);
    assert.match(err.violations[0].detail, /the compiler read this file .* outside the crate/);
    // Only the dep-info check stops it: without it the image would be signed.
    const r = tryBuild(join(crates, c), { skipDepInfoCheck: true });
    assert.equal(r.err, undefined, String(r.err));
    assert.ok(existsSync(r.out));
  });

test("tc_target_subdir: src/target/mod.rs is scanned (only the crate's top-level target/ is skipped)", (t) => {
  // Written here: git ignores every directory named target, so the module cannot be checked in.
  const dir = join(crates, "tc_target_subdir");
  const mod = join(dir, "src", "target");
  mkdirSync(mod, { recursive: true });
  writeFileSync(
    join(mod, "mod.rs"),
    "pub fn peek() -> u32 {\n    unsafe { core::ptr::read_volatile(0x1000 as *const u32) }\n}\n",
  );
  t.after(() => rmSync(mod, { recursive: true, force: true }));
  const err = refused(dir, "unsafe-code");
  assert.ok(
    err.violations.some((v) => v.file.endsWith("src/target/mod.rs") && v.line === 2),
    err.message,
  );
  assert.ok(
    err.violations.every((v) => !v.detail.startsWith("compiler:")),
    "found by the scan",
  );
});

test("tc_dotdir_module: #[path] into a dot-directory; without the scan the dep-info check refuses the unscanned file", () => {
  refused(join(crates, "tc_dotdir_module"), "source-files");
  const err = refused(join(crates, "tc_dotdir_module"), "source-files", { skipSourceScan: true });
  assert.ok(
    err.violations.some((v) => v.file.endsWith("src/.hidden/evil.rs") && /does not cover/.test(v.detail)),
    err.message,
  );
});

test("a module under the crate's top-level target/ reached with #[path] is refused by the dep-info check", () => {
  const dir = copyCrate("tc_fn_table", [], "tc_top_target");
  mkdirSync(join(dir, "target"));
  writeFileSync(join(dir, "target", "evil.rs"), "pub fn f() -> u32 {\n    7\n}\n");
  const lib = join(dir, "src", "lib.rs");
  writeFileSync(lib, readFileSync(lib, "utf8") + '\n#[path = "../target/evil.rs"]\nmod evil;\n');
  refused(dir, "source-files");
  const err = refused(dir, "source-files", { skipSourceScan: true });
  assert.ok(
    err.violations.some((v) => v.file === join(dir, "target", "evil.rs")),
    err.message,
  );
});

test("tc_data_ok: binary data inside the crate may be embedded", () => {
  const r = tryBuild(join(crates, "tc_data_ok"));
  assert.equal(r.err, undefined, String(r.err));
  assert.deepEqual(parseImage(new Uint8Array(readFileSync(r.out))).problems, []);
});

test("tc_data_text_source: text the compiler read is scanned like source", () => {
  const err = refused(join(crates, "tc_data_text_source"), "unsafe-code");
  assert.ok(
    err.violations.some((v) => v.file.endsWith("notes.txt") && /scanned like source/.test(v.detail)),
    err.message,
  );
});

test("a symbolic link in the crate is refused; without the scan the dep-info check refuses it", () => {
  const dir = copyCrate("tc_data_ok", [["../table.bin", "../table.txt"]], "tc_symlink_data");
  symlinkSync(join(sdk, "src", "lib.rs"), join(dir, "table.txt"));
  const err = refused(dir, "source-files");
  assert.match(err.message, /symbolic links are not allowed/);
  const e2 = refused(dir, "source-files", { skipSourceScan: true });
  assert.match(e2.message, /table\.txt is a symbolic link/);
  // A link to the key dangles inside the sandbox: rustc cannot read it.
  rmSync(join(dir, "table.txt"));
  symlinkSync(realKey, join(dir, "table.txt"));
  const r = tryBuild(dir, { skipSourceScan: true });
  assert.ok(r.err instanceof IuError && /couldn't read/.test(r.err.message), String(r.err));
  assert.ok(!existsSync(r.out));
});

test("a hard link to the signing key inside the crate is refused by identity", () => {
  const dir = copyCrate("tc_data_ok", [], "tc_hardlink_key");
  rmSync(join(dir, "table.bin"));
  linkSync(key.keyPath, join(dir, "table.bin")); // same file system as the scratch key
  const err = refused(dir, "source-files");
  assert.match(err.message, /hard link to the toolchain's signing key/);
});

test("a crate whose directory holds the key directory is refused before compiling", () => {
  const dir = copyCrate("tc_fn_table", [], "tc_key_inside");
  const inner = ensureSigningKey(join(dir, "keys"));
  const r = tryBuild(dir, { key: inner });
  assert.ok(r.err instanceof IuError && /would expose/.test(r.err.message), String(r.err));
  assert.ok(!r.stages.includes("link"));
});

// ------------------------------------------------------------ SDK-internal names

for (const [c, line] of [
  ["tc_sdk_internal_program", 15],
  ["tc_sdk_internal_record", 4],
] as const)
  test(`${c}: names starting with __iu are refused (sdk-internal)`, () => {
    const err = refused(join(crates, c), "sdk-internal");
    assert.ok(
      err.violations.some((v) => v.rule === "sdk-internal" && v.line === line && /__iu/.test(v.detail)),
      err.message,
    );
  });

// ------------------------------------------------------------ outputs and links

test("an output that is a symbolic link is refused; the victim is unchanged", () => {
  const dir = copyCrate("tc_fn_table", [], "tc_out_link");
  const victim = join(tmp, "victim.txt");
  writeFileSync(victim, "precious\n");
  const out = join(dir, "target", "iu", "tc-fn-table.iu");
  mkdirSync(dirname(out), { recursive: true });
  symlinkSync(victim, out);
  const r = tryBuild(dir, { out: undefined });
  assert.ok(r.err instanceof IuError && /is a symbolic link/.test(r.err.message), String(r.err));
  assert.equal(readFileSync(victim, "utf8"), "precious\n");
  // The CLI says the same and fails.
  const cli = spawnSync(process.execPath, [join(repoRoot, "bin", "iu.js"), "build", dir], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  assert.equal(cli.status, 1);
  assert.match(cli.stderr, /tc-fn-table\.iu is a symbolic link/);
  assert.equal(readFileSync(victim, "utf8"), "precious\n");
  // With the link gone the image is written as a regular file, with no temporary left.
  rmSync(out);
  const ok = tryBuild(dir, { out: undefined });
  assert.equal(ok.err, undefined, String(ok.err));
  assert.deepEqual(readdirSync(dirname(out)), ["tc-fn-table.iu"]);
});

for (const link of ["target/iu", "target"])
  test(`a crate whose ${link} is a symbolic link: refused, the victim directory unchanged`, () => {
    const dir = copyCrate("tc_fn_table", [], `tc_${link.replace("/", "_")}_link`);
    const victimDir = join(tmp, `victim-${link.replace("/", "-")}`);
    rmSync(victimDir, { recursive: true, force: true });
    mkdirSync(join(victimDir, "iu"), { recursive: true });
    const victim = join(victimDir, "iu", "tc-fn-table.iu");
    writeFileSync(victim, "precious\n");
    writeFileSync(join(victimDir, "tc-fn-table.iu"), "precious\n");
    if (link === "target/iu") mkdirSync(join(dir, "target"));
    symlinkSync(link === "target" ? victimDir : join(victimDir, "iu"), join(dir, link));
    const r = tryBuild(dir, { out: undefined });
    assert.ok(r.err instanceof IuError && /is a symbolic link/.test(r.err.message), String(r.err));
    assert.equal(readFileSync(victim, "utf8"), "precious\n");
    assert.equal(readFileSync(join(victimDir, "tc-fn-table.iu"), "utf8"), "precious\n");
    assert.deepEqual(readdirSync(join(victimDir, "iu")), ["tc-fn-table.iu"]);
  });

test("-o through a symbolic link is refused too", () => {
  const dir = copyCrate("tc_fn_table", [], "tc_o_link");
  const victim = join(tmp, "victim-o.txt");
  writeFileSync(victim, "precious\n");
  const out = join(tmp, "o-link.iu");
  rmSync(out, { force: true });
  symlinkSync(victim, out);
  const stages: Stage[] = [];
  assert.throws(() => build(dir, { key, env, out, onStage: (s) => stages.push(s) }), /is a symbolic link/);
  assert.equal(readFileSync(victim, "utf8"), "precious\n");
});

test("iu new does not write through planted links", () => {
  const victim = join(tmp, "victim-new.txt");
  writeFileSync(victim, "precious\n");
  const a = join(tmp, "new-a");
  mkdirSync(a, { recursive: true });
  symlinkSync(join(tmp, "no-such-file"), join(a, "Cargo.toml")); // dangling
  assert.throws(() => newProgram(a, "xdp"), /already contains a crate/);
  assert.ok(!existsSync(join(tmp, "no-such-file")));
  const b = join(tmp, "new-b");
  mkdirSync(b, { recursive: true });
  symlinkSync(victim, join(b, ".gitignore"));
  assert.throws(() => newProgram(b, "xdp"), /\.gitignore is a symbolic link/);
  assert.equal(readFileSync(victim, "utf8"), "precious\n");
  // A linked directory below the base is refused by the writer itself.
  const c = join(tmp, "new-c");
  mkdirSync(c, { recursive: true });
  symlinkSync(tmp, join(c, "src"));
  assert.throws(() => writeFileNoFollow(join(c, "src", "lib.rs"), "x", c), /src is a symbolic link/);
  assert.ok(!existsSync(join(tmp, "lib.rs")));
});

// ------------------------------------------------------------ the image check (IBT, provenance)

const fnTable = ((): { elf: Uint8Array; spec: ReturnType<typeof parseImage> } => {
  const r = tryBuild(join(crates, "tc_fn_table"));
  if (r.err) throw r.err;
  const elf = splitSignedImage(new Uint8Array(readFileSync(r.out))).elf.slice();
  return { elf, spec: parseImage(elf) };
})();
const elfFile = new ElfFile(fnTable.elf);
const fileOff = (vaddr: number): number => {
  const p = elfFile.programHeaders.find(
    (h) => h.type === 1 && vaddr >= h.vaddr && vaddr < h.vaddr + h.filesz,
  )!;
  return p.offset + vaddr - p.vaddr;
};
const execSeg = fnTable.spec.segments.find((s) => s.flags & PF_X)!;
const inText = (a: number): boolean => a >= execSeg.vaddr && a < execSeg.vaddr + execSeg.memsz;

test("the built image is IBT-ready: every entry and code pointer lands on endbr64", () => {
  assert.deepEqual(fnTable.spec.problems, []);
  const ptrs = fnTable.spec.relocations.filter(
    (r) => r.type === R_X86_64_RELATIVE && inText(Number(r.addend)),
  );
  assert.ok(ptrs.length >= 3, "entry + the two table entries");
  for (const r of ptrs)
    assert.deepEqual(
      [...fnTable.elf.subarray(fileOff(Number(r.addend)), fileOff(Number(r.addend)) + 4)],
      [0xf3, 0x0f, 0x1e, 0xfa],
    );
  assert.ok(fnTable.spec.provenance);
});

test("an entry without endbr64 is a problem naming its address", () => {
  const e = fnTable.spec.programs[0].entry;
  const bad = fnTable.elf.slice();
  bad[fileOff(e)] = 0x90;
  const problems = parseImage(bad).problems;
  assert.ok(
    problems.some((p) => p.includes(`entry 0x${e.toString(16)} does not start with endbr64`)),
    problems.join("\n"),
  );
  assert.ok(inspectImage(bad, key.certPath).problems.length > 0);
});

test("a code pointer in data that misses endbr64 is a problem naming both addresses", () => {
  const entry = fnTable.spec.programs[0].entry;
  const ptr = fnTable.spec.relocations.find(
    (r) => r.type === R_X86_64_RELATIVE && inText(Number(r.addend)) && Number(r.addend) !== entry,
  )!;
  const target = Number(ptr.addend);
  // (a) the pointer aimed past the endbr64 (the relocation's addend + 4)
  const rela = elfFile.section(".rela.dyn")!;
  const a = fnTable.elf.slice();
  const dv = new DataView(a.buffer);
  for (let o = rela.offset; o < rela.offset + rela.size; o += 24)
    if (Number(dv.getBigUint64(o, true)) === ptr.offset) dv.setBigInt64(o + 16, BigInt(target + 4), true);
  const pa = parseImage(a).problems;
  assert.ok(
    pa.some((p) =>
      p.includes(
        `code pointer at 0x${ptr.offset.toString(16)} (R_X86_64_RELATIVE) to 0x${(target + 4).toString(16)}`,
      ),
    ),
    pa.join("\n"),
  );
  // (b) the function it points at loses its endbr64
  const b = fnTable.elf.slice();
  b.fill(0x90, fileOff(target), fileOff(target) + 4);
  const pb = parseImage(b).problems;
  assert.ok(
    pb.some((p) => p.includes(`to 0x${target.toString(16)} does not point at endbr64`)),
    pb.join("\n"),
  );
});

test("an image without .iu.prov, or with a malformed one, is a problem", () => {
  const sec = elfFile.section(".iu.prov")!;
  const shstr = elfFile.sections[elfFile.header.shstrndx];
  const names = fnTable.elf.subarray(shstr.offset, shstr.offset + shstr.size);
  const at = Buffer.from(names).indexOf(".iu.prov\0");
  assert.ok(at >= 0);
  const noProv = fnTable.elf.slice();
  noProv.set(new TextEncoder().encode(".iu.vorp"), shstr.offset + at);
  assert.ok(parseImage(noProv).problems.some((p) => /no \.iu\.prov section/.test(p)));
  assert.equal(parseImage(noProv).provenance, null);
  const badMagic = fnTable.elf.slice();
  new DataView(badMagic.buffer).setUint32(sec.offset, IU_PROV_MAGIC ^ 1, true);
  assert.ok(parseImage(badMagic).problems.some((p) => /\.iu\.prov magic/.test(p)));
  const unterminated = fnTable.elf.slice();
  unterminated.fill(0x41, sec.offset + 8, sec.offset + 40); // toolchain[32] without its NUL
  assert.ok(parseImage(unterminated).problems.some((p) => /toolchain is empty, not NUL-terminated/.test(p)));
  const policy0 = fnTable.elf.slice();
  new DataView(policy0.buffer).setUint32(sec.offset + 4, 0, true);
  assert.ok(parseImage(policy0).problems.some((p) => /policy is 0/.test(p)));
});

test(".iu.prov holds exactly what the toolchain emits", () => {
  const p = fnTable.spec.provenance!;
  const elfPath = join(tmp, "prov-check.elf");
  writeFileSync(elfPath, fnTable.elf);
  assert.deepEqual(p, {
    ...buildProvenance(sdk, "/usr/bin/rustc"),
    clobbers: calleeSavedUse(disassemble(elfPath)),
  });
  assert.equal(p.policy, 3);
  assert.notEqual(p.clobbers, 0, "a program with a table of functions uses some callee-saved register");
  assert.match(p.toolchain, /^iu \d+\.\d+\.\d+/);
  assert.match(p.sdk, /^iu-sdk \d+\.\d+\.\d+\+[0-9a-f]{8}$/);
  assert.match(p.rustc, /^rustc \d+\.\d+\.\d+/);
  const sec = elfFile.section(".iu.prov")!;
  assert.deepEqual(fnTable.elf.subarray(sec.offset, sec.offset + sec.size), encodeProvenance(p));
});

test(
  "the linker refuses an input object without the IBT property",
  { skip: !existsSync("/usr/bin/clang") && "no clang" },
  () => {
    const d = join(tmp, "noibt");
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "x.c"), "int f(void) { return 1; }\n");
    execFileSync("/usr/bin/clang", [
      "--target=x86_64-unknown-none",
      "-fcf-protection=none",
      "-c",
      join(d, "x.c"),
      "-o",
      join(d, "x.o"),
    ]);
    const prov = encodeProvenance(buildProvenance(sdk, "/usr/bin/rustc"));
    assert.throws(
      () => linkImage(join(d, "x.o"), d, join(d, "x.elf"), prov),
      /force-ibt: .*GNU_PROPERTY_X86_FEATURE_1_IBT/,
    );
    // The same object with the property links.
    execFileSync("/usr/bin/clang", [
      "--target=x86_64-unknown-none",
      "-fcf-protection=branch",
      "-c",
      join(d, "x.c"),
      "-o",
      join(d, "y.o"),
    ]);
    linkImage(join(d, "y.o"), d, join(d, "y.elf"), prov);
  },
);

// ------------------------------------------------------------ the sandbox itself

test("the sandbox shows no home, no keys, no /etc and no network", () => {
  const r = runSandboxed(
    "/usr/bin/bash",
    [
      "-c",
      `ls /root; ls ${dirname(realKey)}; cat /etc/passwd; echo NET; cat /proc/net/dev; echo END; grep CapEff /proc/self/status`,
    ],
    { readOnly: [], readWrite: [], hidden: [dirname(realKey)], cwd: "/", env },
  );
  assert.match(r.stderr, /cannot access '\/root'/);
  assert.match(r.stderr, /No such file or directory/);
  assert.doesNotMatch(r.stdout, /root:x:0/);
  const ifaces = r.stdout
    .split("NET\n")[1]
    .split("END\n")[0]
    .split("\n")
    .filter((l) => /^\s*\w+:/.test(l))
    .map((l) => l.trim().split(":")[0]);
  assert.deepEqual(ifaces, ["lo"]);
  assert.match(r.stdout, /CapEff:\s+0+$/m);
});

test("the sandbox fails closed: a sandbox bwrap cannot set up is an error, not an unsandboxed run", () => {
  assert.throws(
    () =>
      runSandboxed("/usr/bin/true", [], {
        readOnly: [],
        readWrite: [],
        hidden: [],
        cwd: "/no/such/dir",
        env,
      }),
    /could not create the build sandbox/,
  );
  assert.throws(
    () => checkHidden({ readOnly: [dirname(dirname(realKey))], readWrite: [], hidden: [dirname(realKey)] }),
    /would expose/,
  );
});

test("tc_test_sandbox: iu test runs the tests where the key, home, /etc and network are absent", () => {
  const dir = copyCrate("tc_test_sandbox", [[ROOT_KEY, realKey]]);
  const r = userTest(dir, { env: {} });
  assert.equal(r.tests.length, 4, r.output);
  assert.equal(r.failed, 0, r.tests.map((t) => `${t.name}: ${t.detail ?? "ok"}`).join("\n"));
});
