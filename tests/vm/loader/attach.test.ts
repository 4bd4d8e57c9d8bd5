// Attaching at every hook kind the loader supports, with eBPF programs from asm.ts:
// raw tracepoint, tracepoint (+ trace output), kprobe, perf event, XDP and tc (tcx) links.
import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import {
  attach,
  BpfMap,
  BpfProgram,
  detachTarget,
  findLinks,
  Link,
  listLinks,
  parseTarget,
  ProgType,
  TraceReader,
} from "../../../src/loader/index.js";
import { countInto, printPid, returnImm } from "./asm.js";
import { bpffsDir, bpftool, getpid, iu, iuJson, iuSpawn, skipUnlessVm, sleep } from "./util.js";

const key0 = Buffer.alloc(4);

function counter(progType: number, name: string) {
  const m = BpfMap.create({
    name: `${name}_m`,
    mapType: 2,
    keySize: 4,
    valueSize: 8,
    maxEntries: 1,
    flags: 0,
  });
  const p = BpfProgram.loadEbpf({ insns: countInto(m.fd), progType, name });
  return {
    m,
    p,
    count: () => m.lookup(key0)!.readBigUInt64LE(),
    close: () => {
      p.close();
      m.close();
    },
  };
}

test("raw_tp:sys_enter counts syscalls until the link is closed", { skip: skipUnlessVm }, async () => {
  const c = counter(ProgType.RAW_TRACEPOINT, "t_rawtp");
  try {
    const link = attach(c.p.fd, c.p.type, parseTarget("raw_tp:sys_enter"));
    for (let i = 0; i < 10; i++) getpid();
    assert.ok(c.count() >= 10n, `count ${c.count()}`);
    assert.ok(
      listLinks().some(
        (l) => l.type === "raw_tracepoint" && l.progId === c.p.id && l.target === "raw_tp:sys_enter",
      ),
    );
    assert.deepEqual(findLinks(parseTarget("raw_tp:sys_enter"), c.p.id).length, 1);
    link.close();
    const after = c.count();
    for (let i = 0; i < 10; i++) getpid();
    assert.equal(c.count(), after);
  } finally {
    c.close();
  }
});

test("kprobe:__x64_sys_getpid counts calls; iu map dump and bpftool agree", { skip: skipUnlessVm }, () => {
  const c = counter(ProgType.KPROBE, "t_kprobe");
  try {
    const link = attach(c.p.fd, c.p.type, parseTarget("kprobe:__x64_sys_getpid"));
    for (let i = 0; i < 25; i++) getpid();
    const n = c.count();
    assert.ok(n >= 25n, `count ${n}`);
    link.close();
    const dump = iuJson<{ entries: { value: { int: string } }[] }>("map", "dump", String(c.m.id));
    assert.equal(dump.entries[0].value.int, n.toString());
    const bt = bpftool("map", "dump", "id", String(c.m.id)) as { value: string[] }[];
    const btValue = Buffer.from(bt[0].value.map((h) => Number(h))).readBigUInt64LE();
    assert.equal(btValue, n);
  } finally {
    c.close();
  }
});

test("kretprobe attaches too", { skip: skipUnlessVm }, () => {
  const c = counter(ProgType.KPROBE, "t_kretprobe");
  try {
    const link = attach(c.p.fd, c.p.type, parseTarget("kretprobe:__x64_sys_getpid"));
    for (let i = 0; i < 5; i++) getpid();
    assert.ok(c.count() >= 5n);
    assert.ok(listLinks().some((l) => l.progId === c.p.id && l.target === "kretprobe:__x64_sys_getpid"));
    link.close();
  } finally {
    c.close();
  }
});

test(
  "tracepoint:syscalls/sys_enter_getpid prints the caller's pid to trace_pipe",
  { skip: skipUnlessVm },
  async () => {
    const p = BpfProgram.loadEbpf({
      insns: printPid("iu-hello"),
      progType: ProgType.TRACEPOINT,
      name: "t_tp_print",
    });
    const reader = new TraceReader({ pollMs: 20 });
    try {
      reader.readAvailable(); // drain
      const link = attach(p.fd, p.type, parseTarget("tracepoint:syscalls/sys_enter_getpid"));
      const pid = getpid();
      const lines = await reader.collect(5000, (l) => l.message.includes(`iu-hello ${pid}`));
      link.close();
      const mine = lines.find((l) => l.message.includes(`iu-hello ${pid}`));
      assert.ok(mine, `no trace line with pid ${pid} in ${JSON.stringify(lines.map((l) => l.raw))}`);
      assert.equal(mine.pid, process.pid);
    } finally {
      reader.close();
      p.close();
    }
  },
);

test("perf:cpu-clock runs the program on every CPU's timer", { skip: skipUnlessVm }, async () => {
  const c = counter(ProgType.PERF_EVENT, "t_perf");
  try {
    const link = attach(c.p.fd, c.p.type, parseTarget("perf:cpu-clock:100000"));
    const end = Date.now() + 300;
    while (Date.now() < end) getpid(); // keep a CPU busy
    await sleep(50);
    assert.ok(c.count() > 0n, "no perf samples");
    assert.ok(link.fds.length >= 1);
    link.close();
  } finally {
    c.close();
  }
});

test("xdp:lo and tc:lo:ingress links: attach, list, pin, detach by target", { skip: skipUnlessVm }, () => {
  const dir = bpffsDir("iu-links");
  const xdp = BpfProgram.loadEbpf({ insns: returnImm(2), progType: ProgType.XDP, name: "t_xdp_pass" });
  const tc = BpfProgram.loadEbpf({ insns: returnImm(-1), progType: ProgType.SCHED_CLS, name: "t_tc_next" });
  try {
    const lx = attach(xdp.fd, xdp.type, parseTarget("xdp:lo"));
    const lt = attach(tc.fd, tc.type, parseTarget("tc:lo:ingress"));
    lx.pin(join(dir, "xdp"));
    lt.pin(join(dir, "tc"));
    lx.close();
    lt.close();
    assert.equal(findLinks(parseTarget("xdp:lo")).length, 1, "pinned xdp link survives close");
    assert.equal(findLinks(parseTarget("tc:lo:ingress")).length, 1);
    const links = iuJson<{ type: string; progId: number }[]>("link", "list");
    assert.ok(links.some((l) => l.type === "xdp" && l.progId === xdp.id));
    assert.ok(links.some((l) => l.type === "tcx" && l.progId === tc.id));
    // detach by target (BPF_LINK_DETACH) and by pinned path
    const [xdpLinkId] = findLinks(parseTarget("xdp:lo"));
    assert.deepEqual(detachTarget(parseTarget("xdp:lo")).detached, [xdpLinkId]);
    assert.equal(findLinks(parseTarget("xdp:lo")).length, 0, "nothing attached at xdp:lo any more");
    // the defunct link object itself lives on until its pin goes (its ifindex reads 0)
    assert.ok(listLinks().some((l) => l.id === xdpLinkId && l.target === "xdp ifindex 0"));
    const d = iu("detach", join(dir, "tc"));
    assert.equal(d.status, 0, d.stderr);
    assert.equal(findLinks(parseTarget("tc:lo:ingress")).length, 0);
    Link.fromPinned(join(dir, "xdp")).close();
  } finally {
    xdp.close();
    tc.close();
    rmSync(dir, { recursive: true });
  }
});

test("iu attach --pin and iu detach through the CLI", { skip: skipUnlessVm }, () => {
  const dir = bpffsDir("iu-cli");
  const c = counter(ProgType.RAW_TRACEPOINT, "t_cli_rawtp");
  try {
    c.p.pin(join(dir, "prog"));
    const a = iu("attach", join(dir, "prog"), "raw_tp:sys_enter", "--pin", join(dir, "link"));
    assert.equal(a.status, 0, a.stderr);
    const before = c.count();
    for (let i = 0; i < 5; i++) getpid();
    assert.ok(c.count() >= before + 5n);
    const d = iu("detach", join(dir, "link"));
    assert.equal(d.status, 0, d.stderr);
    const after = c.count();
    for (let i = 0; i < 5; i++) getpid();
    assert.equal(c.count(), after);
    const bad = iu("attach", join(dir, "prog"), "xdp:lo");
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /cannot be attached to xdp:lo/);
  } finally {
    c.close();
    rmSync(dir, { recursive: true });
  }
});

test("iu trace --json streams the programs' output", { skip: skipUnlessVm }, async () => {
  const p = BpfProgram.loadEbpf({
    insns: printPid("iu-trace"),
    progType: ProgType.TRACEPOINT,
    name: "t_tp_cli",
  });
  const c = iuSpawn("trace", "--json", "--timeout", "120");
  try {
    await c.ready(/reading .*trace_pipe/);
    const link = attach(p.fd, p.type, parseTarget("tracepoint:syscalls/sys_enter_getpid"));
    let pid = 0;
    for (let i = 0; i < 300 && !c.stdout.includes(`iu-trace ${pid}`); i++) {
      pid = getpid();
      await sleep(100);
    }
    link.close();
    const line = c.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { pid: number; message: string })
      .find((l) => l.message === `iu-trace ${pid}`);
    assert.ok(line, c.stdout);
    assert.equal(line.pid, process.pid);
  } finally {
    c.child.kill("SIGINT");
    await c.closed;
    p.close();
  }
});
