// The policy catalogue: every program under policy/ breaks one rule and must be rejected
// with that rule named, before anything is signed. A second pass skips the source scan
// to show the compiler lints (-F unsafe_code, -Zallow-features=, no std/alloc, the SDK's
// panic handler) catch the same programs on their own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { build, type Stage } from "../../../src/toolchain/build.js";
import { ensureSigningKey } from "../../../src/toolchain/keys.js";
import {
  PolicyError,
  RULES,
  checkArchiveMembers,
  scanSource,
  type Rule,
} from "../../../src/toolchain/policy.js";
import { archiveMembers } from "../../../src/toolchain/archive.js";

const catalogue = join(repoRoot, "tests", "host", "toolchain", "policy");
const cases = readdirSync(catalogue, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const keyDir = mkdtempSync(join(tmpdir(), "iu-policy-key-"));
const key = ensureSigningKey(keyDir);
process.on("exit", () => rmSync(keyDir, { recursive: true, force: true }));

function caseEnv(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: "/usr/bin:/bin", HOME: process.env.HOME };
  const f = join(dir, "ENV");
  if (existsSync(f))
    for (const l of readFileSync(f, "utf8").split("\n").filter(Boolean)) {
      const i = l.indexOf("=");
      env[l.slice(0, i)] = l.slice(i + 1);
    }
  return env;
}

function expectRejected(name: string, skipSourceScan: boolean): PolicyError {
  const dir = join(catalogue, name);
  const rule = readFileSync(join(dir, "RULE"), "utf8").trim() as Rule;
  assert.ok(rule in RULES, `${name}/RULE names an unknown rule ${rule}`);
  const stages: Stage[] = [];
  const out = join(keyDir, `${name}.iu`);
  let err: unknown;
  try {
    build(dir, { env: caseEnv(dir), key, out, onStage: (s) => stages.push(s), skipSourceScan });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof PolicyError, `${name}: expected a PolicyError, got ${String(err)}`);
  assert.ok(
    err.rules.includes(rule),
    `${name}: expected rule ${rule}, got ${err.rules.join(", ")}\n${err.message}`,
  );
  assert.match(err.message, new RegExp(`\\[${rule}\\]`));
  // every violation carries a location
  for (const v of err.violations) assert.ok(v.file.length > 0, `${name}: violation without a file`);
  assert.ok(!stages.includes("sign"), `${name}: reached the signing step`);
  assert.ok(!existsSync(out), `${name}: wrote an image`);
  return err;
}

test("the catalogue covers at least 14 cases and every rule", () => {
  assert.ok(cases.length >= 14, `only ${cases.length} cases`);
  const covered = new Set(cases.map((c) => readFileSync(join(catalogue, c, "RULE"), "utf8").trim()));
  for (const r of Object.keys(RULES))
    if (r !== "link-input") assert.ok(covered.has(r), `no catalogue case for rule ${r}`);
});

for (const name of cases) {
  test(`policy rejects ${name}`, () => {
    const err = expectRejected(name, false);
    // source-level violations point at a line of a file in the case directory
    const v = err.violations[0];
    if (v.line > 0) assert.ok(v.file.includes(name) || v.file.startsWith("<"), `${name}: location ${v.file}`);
  });
}

// Cases the compiler itself must reject when the source scan is skipped.
const compilerCases = [
  "unsafe-block",
  "unsafe-fn",
  "unsafe-impl",
  "no-mangle",
  "link-section",
  "export-name",
  "global-asm",
  "unstable-feature",
  "std",
  "alloc",
  "panic-handler",
  "unsafe-fn-as-handler",
];
for (const name of compilerCases) {
  test(`compiler lints alone reject ${name}`, () => {
    const err = expectRejected(name, true);
    assert.ok(
      err.violations.every((v) => v.detail.startsWith("compiler:")),
      `${name}: expected compiler diagnostics only`,
    );
    assert.ok(
      err.violations.some((v) => v.line > 0),
      `${name}: no source location`,
    );
  });
}

test("the source scan ignores comments, strings and identifiers that merely contain keywords", () => {
  const src = [
    "#![no_std]",
    "// unsafe { } in a comment",
    '/* nested /* unsafe */ extern "C" { } */',
    'const S: &str = "unsafe extern \\"C\\" { #[no_mangle] }";',
    'const R: &str = r#"unsafe { "quoted" }"#;',
    "const C: char = '\\'';",
    "fn f<'a>(x: &'a u8) -> &'a u8 { x }",
    "fn not_unsafe_really() {}",
    'pub extern "C" fn ok_definition() {}',
    '#[cfg(target_feature = "sse2")]',
    "fn g() {}",
  ].join("\n");
  assert.deepEqual(scanSource(src, "x.rs", true), []);
});

test("link-input: an archive member that is not a Rust codegen unit is refused", () => {
  const member = (name: string, data: string): string =>
    name.padEnd(16) +
    "0".padEnd(12) +
    "0".padEnd(6) +
    "0".padEnd(6) +
    "644".padEnd(8) +
    String(data.length).padEnd(10) +
    "`\n" +
    data +
    (data.length % 2 ? "\n" : "");
  const ar = new TextEncoder().encode(
    "!<arch>\n" +
      member("//", "hello-0123abcd.hello.x-cgu.0.rcgu.o/\n") +
      member("/0", "ab") +
      member("evil.o/", "xyz"),
  );
  const names = archiveMembers(ar);
  assert.deepEqual(names, ["hello-0123abcd.hello.x-cgu.0.rcgu.o", "evil.o"]);
  const v = checkArchiveMembers(names, "hello", "libhello.a");
  assert.equal(v.length, 1);
  assert.equal(v[0].rule, "link-input");
  assert.match(v[0].detail, /evil\.o/);
});

test("the source scan reports rule and line", () => {
  const v = scanSource("#![no_std]\nfn f() {\n    unsafe {}\n}\n", "lib.rs", true);
  assert.equal(v.length, 1);
  assert.equal(v[0].rule, "unsafe-code");
  assert.equal(v[0].line, 3);
  assert.equal(v[0].col, 5);
});
