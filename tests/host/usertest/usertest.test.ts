// iu test: the samples' #[test] functions pass on the host (no VM) in seconds; a wrong
// expectation fails with a readable diff; panics and runaway loops are reported with the
// program's location / the test's name; std is allowed only inside #[cfg(test)].
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { sampleDirs } from "../../../src/toolchain/samples.js";
import { userTest, assertDiff } from "../../../src/toolchain/usertest.js";
import { scanSource } from "../../../src/toolchain/policy.js";

const tmp = mkdtempSync(join(tmpdir(), "iu-usertest-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
const iu = (...args: string[]) =>
  spawnSync(process.execPath, [join(repoRoot, "bin", "iu.js"), ...args], { encoding: "utf8" });

function crate(name: string, lib: string): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(
    join(dir, "Cargo.toml"),
    `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2024"\n\n[dependencies]\niu = { path = ${JSON.stringify(join(repoRoot, "sdk"))} }\n`,
  );
  writeFileSync(join(dir, "src", "lib.rs"), lib);
  return dir;
}

test("iu test samples/xdp1 passes in seconds, without a VM", () => {
  iu("test", "samples/xdp1"); // warm the SDK build
  const t0 = Date.now();
  const r = iu("test", join(repoRoot, "samples", "xdp1"));
  const secs = (Date.now() - t0) / 1000;
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^ok {3}tests::agrees_with_the_vm_fixture$/m);
  assert.match(r.stdout, /xdp1: 2 passed, 0 failed/);
  assert.ok(secs < 30, `took ${secs} s`);
  console.log(`iu test samples/xdp1: ${secs.toFixed(1)} s`);
});

test("every sample has host tests and they pass", () => {
  for (const d of sampleDirs()) {
    const r = userTest(d, { env: {} });
    assert.ok(r.tests.length > 0, `${r.crate} has no #[test]`);
    assert.equal(
      r.failed,
      0,
      `${r.crate}:\n${r.tests.map((t) => `${t.name}: ${t.detail ?? "ok"}`).join("\n")}`,
    );
  }
});

test("the host backend keeps the kernel's map and helper semantics", () => {
  const r = userTest(join(repoRoot, "tests", "host", "usertest", "backend"), { env: {} });
  assert.ok(r.tests.length >= 10);
  assert.equal(r.failed, 0, r.tests.map((t) => `${t.name}: ${t.detail ?? "ok"}`).join("\n"));
});

const xdp1 = readFileSync(join(repoRoot, "samples", "xdp1", "src", "lib.rs"), "utf8");

test("a wrong expectation fails with a readable diff and the location", () => {
  const wrong = xdp1.replace(
    "assert_eq!(RXCNT.host_values(&6), vec![0, 1]);",
    "assert_eq!(RXCNT.host_values(&6), vec![0, 2]);",
  );
  assert.notEqual(wrong, xdp1, "the sample's assertion moved; update this test");
  const line = wrong.split("\n").findIndex((l) => l.includes("vec![0, 2]")) + 1;
  const dir = crate("xdp1_wrong", wrong);
  writeFileSync(join(dir, "fixture.json"), readFileSync(join(repoRoot, "samples", "xdp1", "fixture.json")));
  const r = iu("test", dir);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^FAIL tests::counts_per_protocol_and_drops$/m);
  assert.match(r.stdout, /^ok {3}tests::agrees_with_the_vm_fixture$/m);
  assert.ok(
    r.stdout.includes(`panicked at src/lib.rs:${line}:9: assertion \`left == right\` failed`),
    r.stdout,
  );
  assert.match(
    r.stdout,
    /expected \(right\): \[0, 2\]\n\s+actual {3}\(left\): {2}\[0, 1\]\n\s+\^ first difference at character 5/,
  );
  assert.match(r.stdout, /xdp1_wrong: 1 passed, 1 failed/);
  assert.match(r.stderr, /iu: 1 test failed/);
});

test("panics and runaway loops are reported with the location / the test", () => {
  const dir = crate(
    "faulty",
    `#![no_std]
use iu::prelude::*;


fn faulty(ctx: &mut XdpContext) -> XdpAction {
    let d = ctx.data();
    match d[0] {
        1 => {
            let i = d[1] as usize;
            XdpAction::from_raw(d[i] as u32)
        }
        2 => loop {
            let _ = ktime_get_ns();
        },
        3 => {
            let mut n: u64 = 0;
            while d[2] == 0 {
                n = core::hint::black_box(n.wrapping_add(1));
            }
            XdpAction::from_raw(n as u32)
        }
        _ => XdpAction::Pass,
    }
}
iu::xdp!(faulty);

#[cfg(test)]
mod tests {
    use super::*;
    use iu::host::Packet;

    #[test]
    fn panics() {
        Packet::new(&[1, 200, 0]).xdp(faulty);
    }

    #[test]
    fn helper_budget() {
        iu::host::set_call_budget(10_000);
        Packet::new(&[2, 0, 0]).xdp(faulty);
    }

    #[test]
    fn passes() {
        assert_eq!(Packet::new(&[0, 0, 0]).xdp(faulty), XdpAction::Pass);
    }
}
`,
  );
  const r = userTest(dir, { env: {} });
  const by = Object.fromEntries(r.tests.map((t) => [t.name, t]));
  assert.equal(by["tests::passes"].ok, true);
  assert.equal(by["tests::panics"].ok, false);
  assert.match(
    by["tests::panics"].detail!,
    /iu: program in test tests::panics panicked at src\/lib\.rs:10:33: index out of bounds: the len is 3 but the index is 200/,
  );
  assert.equal(by["tests::helper_budget"].ok, false);
  assert.match(by["tests::helper_budget"].detail!, /runaway program: more than 10000 helper calls/);

  // A loop without helper calls: the watchdog stops the binary and names the test.
  writeFileSync(
    join(dir, "src", "lib.rs"),
    readFileSync(join(dir, "src", "lib.rs"), "utf8").replace(
      "    #[test]\n    fn passes()",
      "    #[test]\n    fn spins() {\n        iu::host::set_time_budget(core::time::Duration::from_millis(300));\n        Packet::new(&[3, 0, 0]).xdp(faulty);\n    }\n\n    #[test]\n    fn passes()",
    ),
  );
  const s = userTest(dir, { filter: ["spins"], env: {} });
  assert.deepEqual(
    s.tests.map((t) => [t.name, t.ok]),
    [["tests::spins", false]],
    s.output,
  );
  assert.match(s.tests[0].detail!, /runaway program: the handler did not return within 300 ms/);
});

test("std is allowed inside #[cfg(test)] items only", () => {
  const ok =
    "#![no_std]\nfn f() {}\n#[cfg(test)]\nmod tests {\n    extern crate std;\n    use std::vec::Vec;\n}\n";
  assert.deepEqual(scanSource(ok, "lib.rs", true), []);
  const bad =
    "#![no_std]\nextern crate std;\n#[cfg(test)]\nfn t() {}\nfn g() { let _ = std::vec::Vec::<u8>::new(); }\n";
  assert.deepEqual(
    scanSource(bad, "lib.rs", true).map((v) => [v.rule, v.line]),
    [
      ["no-std", 2],
      ["no-std", 5],
    ],
  );
  // Everything else still applies under #[cfg(test)].
  const unsafeTest = "#![no_std]\n#[cfg(test)]\nmod tests {\n    fn f() { unsafe {} }\n}\n";
  assert.deepEqual(
    scanSource(unsafeTest, "lib.rs", true).map((v) => v.rule),
    ["unsafe-code"],
  );
});

test("assertDiff windows long values around the first difference", () => {
  const d = assertDiff(`  left: "${"a".repeat(100)}b"\n right: "${"a".repeat(100)}c"`)!;
  assert.match(d, /first difference at character 102/);
  assert.ok(
    d.split("\n").every((l) => l.length < 140),
    d,
  );
});

test("iu test refuses what iu build refuses (environment, cargo config)", () => {
  const dir = crate("envcheck", "#![no_std]\n");
  const r = spawnSync(process.execPath, [join(repoRoot, "bin", "iu.js"), "test", dir], {
    encoding: "utf8",
    env: { ...process.env, RUSTFLAGS: "-Cpanic=abort" },
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /RUSTFLAGS is set/);
  mkdirSync(join(dir, ".cargo"));
  writeFileSync(join(dir, ".cargo", "config.toml"), "[build]\nrustflags = []\n");
  assert.throws(() => userTest(dir, { env: {} }), /cargo/i);
});
