// The SDK's compile-time refusals: map values and records with pointers, references or
// padding, array maps with a non-4-byte key, bad stack depths, and a positive case using
// every map kind. Each program is built with the real toolchain (`iu build`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { build } from "../../../src/toolchain/build.js";

function crate(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), "iu-sdkval-"));
  mkdirSync(join(dir, "src"));
  writeFileSync(
    join(dir, "Cargo.toml"),
    `[package]\nname = "sdkval"\nversion = "0.1.0"\nedition = "2024"\n\n[dependencies]\niu = { path = "${join(repoRoot, "sdk")}" }\n`,
  );
  writeFileSync(
    join(dir, "src", "lib.rs"),
    `#![no_std]\nuse iu::prelude::*;\n${body}\nfn p(_c: &TracepointContext) -> u32 { 0 }\niu::tracepoint!(p, "syscalls/sys_enter_getpid");\n`,
  );
  return dir;
}

function refused(body: string, why: RegExp): void {
  assert.throws(() => build(crate(body), {}), why);
}

test("a map value holding a reference does not compile", () => {
  refused(`iu::map!(M: Hash<u32, &'static u64>, max_entries = 4);`, /Pod|trait bound/);
});

test("a map value holding a raw pointer does not compile", () => {
  refused(`iu::map!(M: Array<u32, *const u8>, max_entries = 4);`, /Pod|trait bound/);
});

test("pod_struct! refuses pointer fields", () => {
  refused(`iu::pod_struct! { pub struct E { pub p: *const u8 } }`, /Pod|trait bound/);
});

test("pod_struct! refuses padding", () => {
  refused(`iu::pod_struct! { pub struct E { pub a: u8, pub b: u64 } }`, /padding/);
});

test("a user type without pod_struct! cannot be a value", () => {
  refused(
    `#[derive(Clone, Copy)] pub struct E { pub a: u64 }\niu::map!(M: Hash<u32, E>, max_entries = 4);`,
    /Pod|trait bound/,
  );
});

test("array maps need a 4-byte key; stack depth 1..=127", () => {
  refused(`iu::map!(M: Array<u64, u64>, max_entries = 4);`, /4-byte key/);
  refused(`iu::map!(S: StackTrace<128>, max_entries = 4);`, /stack depth/);
});

test("every map kind and the new helpers build", () => {
  const r = build(
    crate(`
iu::pod_struct! { pub struct Ev { pub pid: u32, pub uid: u32, pub comm: [u8; 16] } }
iu::map!(A: Hash<u32, Ev>, max_entries = 4);
iu::map!(B: PerCpuHash<u64, u64>, max_entries = 4);
iu::map!(C: LruHash<u32, u64>, max_entries = 4);
iu::map!(D: LruPerCpuHash<u32, u64>, max_entries = 4);
iu::map!(E: Array<u32, SpinLocked<u64>>, max_entries = 4);
iu::map!(F: Queue<u64>, max_entries = 4);
iu::map!(G: Stack<Ev>, max_entries = 4);
iu::map!(H: RingBuf, max_entries = 4096);
iu::map!(I: PerfEventArray, max_entries = 8);
iu::map!(J: StackTrace<32>, max_entries = 4);
iu::map!(K: DevMap, max_entries = 4);
fn q(c: &KprobeContext) -> u32 {
    let e = Ev { pid: current_pid(), uid: current_uid_gid() as u32, comm: current_comm() };
    let _ = A.update(&1, &e, BPF_ANY);
    let _ = F.push(&ktime_get_coarse_ns(), 0);
    let _ = G.pop();
    if let Some(mut r) = H.reserve::<Ev>() { r.pid = 1; r.submit(0); }
    let _ = I.output(c, &e);
    let _ = J.get_stackid(c, BPF_F_USER_STACK);
    let _ = probe_read_user::<u64>(c.arg(0).unwrap_or(0));
    let _ = B.get(&1); let _ = C.delete(&1); let _ = D.get(&2);
    0
}
iu::kprobe!(q, "__x64_sys_getpid");
fn x(c: &mut XdpContext) -> XdpAction {
    let _ = E.with_lock(c, &0, |v| *v += 1);
    K.redirect(c, 0, XdpAction::Pass)
}
iu::xdp!(x);
`),
    {},
  );
  assert.equal(r.image.maps.length, 11);
  assert.deepEqual(
    r.image.maps.filter((m) => m.iuFlags === 1).map((m) => m.name),
    ["E"],
    "exactly the SpinLocked map declares its lock",
  );
  assert.deepEqual(
    r.image.maps.map((m) => m.mapType).sort((a, b) => a - b),
    [1, 2, 4, 5, 7, 9, 10, 14, 22, 23, 27],
  );
});
