// iu gen tracepoint / iu gen btf: parsing, the generated code, and that it builds with
// `iu build` inside a program that uses it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, cacheDir } from "../../../src/env/paths.js";
import { genTracepoint, parseTracepointFormat } from "../../../src/gen/tracepoint.js";
import { genBtf } from "../../../src/gen/btf.js";
import { build } from "../../../src/toolchain/build.js";
import { requireInput } from "../../../src/testing/inputs.js";

const fixtures = join(repoRoot, "tests", "host", "gen", "fixtures");
const fmt = (n: string) => join(fixtures, `${n}.format`);
const vmlinux = join(cacheDir(), "kernel", "build", "vmlinux");

test("format parsing: offsets, sizes, arrays, pointers, __data_loc", () => {
  const f = parseTracepointFormat(readFileSync(fmt("sched_switch"), "utf8"));
  assert.equal(f.name, "sched_switch");
  assert.equal(f.id, 316);
  const prev = f.fields.find((x) => x.name === "prev_comm")!;
  assert.deepEqual([prev.offset, prev.size, prev.arrayLen], [8, 16, 16]);
  const o = parseTracepointFormat(readFileSync(fmt("sys_enter_openat"), "utf8"));
  assert.equal(o.fields.find((x) => x.name === "filename")!.pointer, true);
  const e = parseTracepointFormat(readFileSync(fmt("sched_process_exec"), "utf8"));
  assert.equal(e.fields.find((x) => x.name === "filename")!.dataLoc, true);
});

test("generated tracepoint accessors", () => {
  const code = genTracepoint("sched/sched_switch", { formatFile: fmt("sched_switch") });
  assert.match(code, /pub struct SchedSwitch<'a>\(pub &'a iu::TracepointContext\);/);
  assert.match(
    code,
    /pub fn prev_comm\(&self\) -> Option<\[u8; 16\]> \{\n\s+self\.0\.read::<\[u8; 16\]>\(8\)/,
  );
  assert.match(code, /pub fn prev_state\(&self\) -> Option<i64>/);
  assert.doesNotMatch(code, /common_pid/);
  assert.throws(
    () => genTracepoint("sched/other", { formatFile: fmt("sched_switch") }),
    /describes 'sched_switch'/,
  );
  assert.throws(() => genTracepoint("nonsense"), /CATEGORY\/NAME/);
});

test("generated code builds in a program (tracepoints + BTF task_struct)", () => {
  requireInput(vmlinux, "the built kernel, for its BTF");
  const dir = mkdtempSync(join(tmpdir(), "iu-gen-"));
  mkdirSync(join(dir, "src"));
  writeFileSync(
    join(dir, "Cargo.toml"),
    `[package]\nname = "gentest"\nversion = "0.1.0"\nedition = "2024"\n\n[dependencies]\niu = { path = "${join(repoRoot, "sdk")}" }\n`,
  );
  const tp =
    genTracepoint("sched/sched_process_exec", { formatFile: fmt("sched_process_exec") }) +
    genTracepoint("syscalls/sys_enter_openat", { formatFile: fmt("sys_enter_openat") });
  const btf = genBtf(["task_struct"], { btf: vmlinux });
  assert.match(btf, /pub fn real_parent\(&self\) -> Option<TaskStruct>/);
  assert.match(btf, /pub fn comm\(&self\) -> Option<\[u8; 16\]>/);
  assert.match(btf, /pub fn tgid\(&self\) -> Option<i32>/);
  writeFileSync(join(dir, "src", "tp.rs"), tp);
  writeFileSync(join(dir, "src", "kernel.rs"), btf);
  writeFileSync(
    join(dir, "src", "lib.rs"),
    `#![no_std]
use iu::prelude::*;
mod kernel;
mod tp;
use kernel::TaskStruct;
use tp::{SchedProcessExec, SysEnterOpenat};

fn on_exec(ctx: &TracepointContext) -> u32 {
    let rec = SchedProcessExec(ctx);
    let mut name = [0u8; 64];
    let n = rec.filename(&mut name).unwrap_or(0);
    let task = TaskStruct { addr: current_task() };
    let ppid = task.real_parent().and_then(|p| p.tgid()).unwrap_or(-1);
    iu::trace_printk!("exec pid %d ppid %d len %u\\n", rec.pid().unwrap_or(0), ppid, n);
    0
}
iu::tracepoint!(on_exec, "sched/sched_process_exec");

fn on_open(ctx: &TracepointContext) -> u32 {
    let rec = SysEnterOpenat(ctx);
    let mut path = [0u8; 32];
    let _ = probe_read_user_str(&mut path, rec.filename().unwrap_or(0));
    0
}
iu::tracepoint!(on_open, SysEnterOpenat::TRACEPOINT_STR);
`.replace("SysEnterOpenat::TRACEPOINT_STR", '"syscalls/sys_enter_openat"'),
  );
  const r = build(dir, {});
  assert.deepEqual(r.image.programs.map((p) => p.name).sort(), ["on_exec", "on_open"]);
});
