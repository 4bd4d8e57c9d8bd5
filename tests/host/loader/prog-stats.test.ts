// The counters `iu prog list` shows: fdinfo parsing (native lines present or absent) and
// the table's "-" for counters a program does not have.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseProgFdinfo, type ProgInfo, type ProgListEntry } from "../../../src/loader/program.js";
import { progListRow, progListTable } from "../../../src/cli/prog.js";

// The kernel's own lines (kernel/bpf/syscall.c, bpf_prog_show_fdinfo) and the runtime's.
const kernelLines =
  "pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1043\nprog_type:\t6\nprog_jited:\t1\n" +
  "prog_tag:\te542e5c1d79364ed\nmemlock:\t4096\nprog_id:\t7\nrun_time_ns:\t0\nrun_cnt:\t0\n" +
  "recursion_misses:\t3\nverified_insns:\t0\n";
const native = kernelLines + "iu_invocations:\t1000\niu_panics:\t2\niu_stops:\t1\niu_disabled:\t1\n";

test("fdinfo of a native program: the runtime's counters and recursion_misses", () => {
  assert.deepEqual(parseProgFdinfo(native), {
    invocations: 1000,
    panics: 2,
    stops: 1,
    disabled: true,
    recursionMisses: 3,
  });
  assert.equal(parseProgFdinfo(native.replace("iu_disabled:\t1", "iu_disabled:\t0")).disabled, false);
});

test("fdinfo of an eBPF program: no iu_ lines, so null (shown as -)", () => {
  assert.deepEqual(parseProgFdinfo(kernelLines), {
    invocations: null,
    panics: null,
    stops: null,
    disabled: null,
    recursionMisses: 3,
  });
  assert.deepEqual(parseProgFdinfo(""), {
    invocations: null,
    panics: null,
    stops: null,
    disabled: null,
    recursionMisses: null,
  });
  // A value that is not a plain unsigned integer is not a counter.
  assert.equal(parseProgFdinfo("iu_panics:\t-1\n").panics, null);
});

test("this process's fdinfo of a non-BPF fd parses to no counters", () => {
  // /proc/self/fdinfo/0 exists for any process; it has pos/flags but no program lines.
  let text = "";
  try {
    text = readFileSync("/proc/self/fdinfo/0", "utf8");
  } catch {
    return; // no procfs
  }
  assert.equal(parseProgFdinfo(text).invocations, null);
});

test("iu prog list: a column per counter, - for an eBPF program", () => {
  const base: ProgInfo = {
    type: 6,
    id: 7,
    tag: "e542e5c1d79364ed",
    jitedLen: 41,
    xlatedLen: 0,
    loadTime: 0n,
    uid: 0,
    nrMapIds: 2,
    mapIds: [3, 4],
    name: "hello",
    ifindex: 0,
    runTimeNs: 0n,
    runCnt: 0n,
    attachBtfId: 0,
  };
  const rows: ProgListEntry[] = [
    { ...base, stats: parseProgFdinfo(native) },
    { ...base, id: 8, name: "twin", mapIds: [], stats: parseProgFdinfo(kernelLines) },
  ];
  const lines = progListTable(rows.map(progListRow)).split("\n");
  assert.match(lines[0], /^ID +TYPE +NAME +TAG +JITED +INVOCATIONS +PANICS +STOPS +DISABLED +MISSES +MAPS$/);
  assert.match(lines[1], /^7 +xdp +hello +e542e5c1d79364ed +41B +1000 +2 +1 +yes +3 +3,4$/);
  assert.match(lines[2], /^8 +xdp +twin +e542e5c1d79364ed +41B +- +- +- +- +3 +-$/);
  assert.equal(progListRow(rows[1]).invocations, null, "--json: null where the table shows -");
});
