// iu new scaffolds a crate for every hook type that builds as is and declares that hook.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { IuError } from "../../../src/errors.js";
import { PolicyError } from "../../../src/toolchain/policy.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../../src/toolchain/build.js";
import { ensureSigningKey } from "../../../src/toolchain/keys.js";
import { newProgram, PROGRAM_TYPES } from "../../../src/toolchain/new.js";

const tmp = mkdtempSync(join(tmpdir(), "iu-new-test-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
const key = ensureSigningKey(join(tmp, "keys"));
const expected: Record<string, { type: string; attach: string; maps: number; programs?: number }> = {
  tracepoint: { type: "tracepoint", attach: "syscalls/sys_enter_getpid", maps: 0 },
  raw_tracepoint: { type: "raw_tracepoint", attach: "sys_enter", maps: 0 },
  kprobe: { type: "kprobe", attach: "__x64_sys_getpid", maps: 1 },
  xdp: { type: "xdp", attach: "", maps: 1 },
  tc: { type: "sched_cls", attach: "", maps: 1 },
  perf_event: { type: "perf_event", attach: "cpu-clock", maps: 1 },
  // an fentry and an fexit program on the same function
  fentry: { type: "tracing", attach: "do_unlinkat", maps: 0, programs: 2 },
  fexit: { type: "tracing", attach: "do_unlinkat", maps: 0 },
  uprobe: { type: "kprobe", attach: "uprobe:/usr/bin/bash:readline", maps: 0 },
  uretprobe: { type: "kprobe", attach: "uretprobe:/usr/bin/bash:readline", maps: 0 },
  usdt: { type: "kprobe", attach: "usdt:/usr/lib/x86_64-linux-gnu/libstdc++.so.6:libstdcxx:throw", maps: 1 },
  ksyscall: { type: "kprobe", attach: "ksyscall:kill", maps: 0 },
  lsm: { type: "lsm", attach: "bprm_check_security", maps: 0 },
  cgroup_skb: { type: "cgroup_skb", attach: "", maps: 1 },
  socket_filter: { type: "socket_filter", attach: "", maps: 0 },
};

for (const type of PROGRAM_TYPES) {
  test(`iu new --type ${type} builds as is`, () => {
    const dir = join(tmp, `my-${type.replace("_", "-")}`);
    newProgram(dir, type);
    const r = build(dir, { key, out: join(tmp, `${type}.iu`), env: { PATH: "/usr/bin:/bin" } });
    assert.deepEqual(r.image.problems, []);
    assert.equal(r.image.programs.length, expected[type].programs ?? 1);
    for (const p of r.image.programs) {
      assert.equal(p.type, expected[type].type);
      assert.equal(p.attach, expected[type].attach);
    }
    assert.equal(r.image.maps.length, expected[type].maps);
    if (type === "kprobe")
      assert.deepEqual(
        (({ name, type: t, keySize, valueSize, maxEntries, flags }) => ({
          name,
          t,
          keySize,
          valueSize,
          maxEntries,
          flags,
        }))(r.image.maps[0]),
        { name: "CALLS", t: "percpu_array", keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 },
      );
    assert.ok(r.image.signature);
  });
}

for (const [what, conv, message] of [
  ["a pointer conversion", "%p", /only %d %i %u %x %X %c \(with l\/ll\), %s and %% are allowed/],
  ["an integer for %s", "%s", /does not fit this trace_printk conversion/],
] as const)
  test(`${what} in trace_printk! is a compile-time error, not a policy violation`, () => {
    const dir = join(tmp, `fmt-${conv.slice(1)}`);
    newProgram(dir, "tracepoint");
    const lib = join(dir, "src", "lib.rs");
    writeFileSync(lib, readFileSync(lib, "utf8").replace("getpid from %d", `getpid from ${conv}`));
    assert.throws(
      () => build(dir, { key, out: join(tmp, `fmt-${conv.slice(1)}.iu`), env: { PATH: "/usr/bin:/bin" } }),
      (e: unknown) => e instanceof IuError && !(e instanceof PolicyError) && message.test(e.message),
    );
  });

test("iu new refuses unknown types and existing crates", () => {
  assert.throws(() => newProgram(join(tmp, "x"), "socket"), /unknown program type/);
  newProgram(join(tmp, "twice"), "xdp");
  assert.throws(() => newProgram(join(tmp, "twice"), "xdp"), /already contains a crate/);
});
