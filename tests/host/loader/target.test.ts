// Attach-target parsing: the CLI's KIND:ARGS syntax and the image's declared targets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatTarget, parseTarget, targetFromDecl } from "../../../src/loader/link.js";
import { AttachType, ProgType } from "../../../src/loader/attr.js";
import { IuError } from "../../../src/errors.js";

test("every target kind parses and formats back", () => {
  const cases: [string, object, string?][] = [
    ["xdp:eth0", { kind: "xdp", iface: "eth0" }],
    ["xdp:lo:skb", { kind: "xdp", iface: "lo", mode: "skb" }],
    ["tc:eth0:egress", { kind: "tc", iface: "eth0", direction: "egress" }],
    ["tc:eth0", { kind: "tc", iface: "eth0", direction: "ingress" }, "tc:eth0:ingress"],
    ["kprobe:do_sys_openat2", { kind: "kprobe", func: "do_sys_openat2", offset: 0, retprobe: false }],
    [
      "kprobe:vfs_read+0x10",
      { kind: "kprobe", func: "vfs_read", offset: 16, retprobe: false },
      "kprobe:vfs_read+16",
    ],
    ["kretprobe:vfs_read", { kind: "kprobe", func: "vfs_read", offset: 0, retprobe: true }],
    [
      "kprobe:ret:vfs_read",
      { kind: "kprobe", func: "vfs_read", offset: 0, retprobe: true },
      "kretprobe:vfs_read",
    ],
    [
      "tracepoint:syscalls/sys_enter_getpid",
      { kind: "tracepoint", category: "syscalls", name: "sys_enter_getpid" },
    ],
    [
      "tp:sched:sched_switch",
      { kind: "tracepoint", category: "sched", name: "sched_switch" },
      "tracepoint:sched/sched_switch",
    ],
    ["raw_tp:sys_enter", { kind: "raw_tp", name: "sys_enter" }],
    ["perf:cpu-clock", { kind: "perf", event: "cpu-clock" }],
    ["perf:page-faults:10", { kind: "perf", event: "page-faults", period: 10n }],
  ];
  for (const [text, want, back] of cases) {
    const t = parseTarget(text);
    assert.deepEqual(t, want, text);
    assert.equal(formatTarget(t), back ?? text);
  }
});

test("bad targets are IuErrors that say what is expected", () => {
  for (const bad of [
    "eth0",
    "xdp:",
    "xdp:eth0:fast",
    "tc:eth0:sideways",
    "kprobe:9bad",
    "kretprobe:f+4",
    "tracepoint:nocategory",
    "raw_tp:a/b",
    "perf:no-such-event",
    "lsm:File-Open",
    "usdt:/bin/x:only_name",
    "cgroup_skb:/sys/fs/cgroup",
    "cgroup_skb:relative:ingress",
    "socket:12",
    "cgroup_sock:/sys/fs/cgroup",
  ]) {
    assert.throws(
      () => parseTarget(bad),
      (e: unknown) => e instanceof IuError && /expected one of/.test(e.message),
      bad,
    );
  }
});

test("declared targets from .iu.progs records", () => {
  assert.deepEqual(targetFromDecl(ProgType.TRACEPOINT, 0, "syscalls/sys_enter_getpid"), {
    kind: "tracepoint",
    category: "syscalls",
    name: "sys_enter_getpid",
  });
  assert.deepEqual(targetFromDecl(ProgType.RAW_TRACEPOINT, 0, "sys_enter"), {
    kind: "raw_tp",
    name: "sys_enter",
  });
  assert.deepEqual(targetFromDecl(ProgType.KPROBE, 0, "ret:vfs_read"), {
    kind: "kprobe",
    func: "vfs_read",
    offset: 0,
    retprobe: true,
  });
  assert.deepEqual(targetFromDecl(ProgType.PERF_EVENT, 0, "cpu-clock"), { kind: "perf", event: "cpu-clock" });
  assert.equal(targetFromDecl(ProgType.XDP, 0, ""), undefined);
  assert.deepEqual(targetFromDecl(ProgType.XDP, 0, "eth0"), { kind: "xdp", iface: "eth0" });
  assert.deepEqual(targetFromDecl(ProgType.SCHED_CLS, AttachType.TCX_EGRESS, "eth0"), {
    kind: "tc",
    iface: "eth0",
    direction: "egress",
  });
});
