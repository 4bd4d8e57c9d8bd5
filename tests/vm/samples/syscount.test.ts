// samples/syscount and its eBPF twin, attached together, counting one child shell's
// system calls: the same per-syscall counts and the same number of latency samples.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { attach, parseTarget } from "../../../src/loader/index.js";
import { dumpMap, loadNative, loadTwin, skipUnlessVm, sleep, u32Key } from "./util.js";

test("syscount: native and twin count the same system calls", { skip: skipUnlessVm }, async () => {
  const obj = loadNative("syscount");
  const twin = loadTwin("syscount");
  const links = [];
  try {
    // No process has pid 0xffffffff: nothing is counted until the child is targeted (0
    // would count every process).
    obj.map("TARGET").update(u32Key(0), u32Key(0xffffffff));
    twin.map("TARGET").update(u32Key(0), u32Key(0xffffffff));
    obj.attach();
    links.push(
      attach(twin.prog("sys_enter").fd, twin.prog("sys_enter").type, parseTarget("raw_tp:sys_enter")),
    );
    links.push(attach(twin.prog("sys_exit").fd, twin.prog("sys_exit").type, parseTarget("raw_tp:sys_exit")));
    // The child blocks in read() until we write a line, so both programs see all of
    // its system calls after the target is set.
    const child = spawn(
      "/bin/sh",
      [
        "-c",
        "echo ready; read x; for i in 1 2 3 4 5 6 7 8; do read y < /dev/null; : > /dev/null; done; echo done",
      ],
      {
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    while (!out.includes("ready")) await sleep(20);
    await sleep(300);
    obj.map("TARGET").update(u32Key(0), u32Key(child.pid!));
    twin.map("TARGET").update(u32Key(0), u32Key(child.pid!));
    child.stdin.write("go\n");
    await new Promise((r) => child.on("exit", r));
    const u64 = (v: Buffer) => v.readBigUInt64LE().toString();
    const native = dumpMap(obj.map("COUNTS"), u64);
    const ebpf = dumpMap(twin.map("COUNTS"), u64);
    assert.ok(Object.keys(native).length >= 3, JSON.stringify(native));
    // openat (257) is called at least for the 16 redirections.
    assert.ok(Number(native[u32Key(257).toString("hex")] ?? 0) >= 16, JSON.stringify(native));
    assert.deepEqual(native, ebpf);
    const hist = (m: ReturnType<typeof obj.map>) => {
      const h: number[] = [];
      for (let i = 0; i < 64; i++) h.push(Number(m.lookup(u32Key(i))!.readBigUInt64LE()));
      return h;
    };
    const hn = hist(obj.map("HIST"));
    const he = hist(twin.map("HIST"));
    const sum = (h: number[]) => h.reduce((a, b) => a + b, 0);
    // Each side times the calls itself, so a call on a bucket boundary can land one
    // bucket apart; the number of timed calls is the same.
    assert.equal(sum(hn), sum(he));
    assert.ok(sum(hn) > 0);
    console.log(
      `syscount: native histogram ${JSON.stringify(hn)}\nsyscount: twin   histogram ${JSON.stringify(he)}`,
    );
  } finally {
    for (const l of links) l.close();
    obj.close();
    twin.close();
  }
});
