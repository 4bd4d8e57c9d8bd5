// samples/ksyscall and its eBPF twin: programs on kill and tgkill print the same lines for
// the same signals (node's process.kill is kill(2); python's signal.raise_signal is
// tgkill(2) through raise(3)); signal 0 prints nothing; `iu link list` shows the wrapper kprobes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { attach, listLinks, parseTarget, TraceReader, type Link } from "../../../src/loader/index.js";
import { getpid, loadNative, loadTwin, skipUnlessVm } from "./util.js";

const RAISE =
  "import signal; signal.signal(signal.SIGUSR1, signal.SIG_IGN); signal.raise_signal(signal.SIGUSR1)";

test(
  "ksyscall: native and eBPF twin print the same lines for kill and tgkill",
  { skip: skipUnlessVm },
  async () => {
    const me = getpid();
    const seen: Record<string, string[]> = {};
    for (const side of ["native", "twin"] as const) {
      const reader = new TraceReader({ pollMs: 20 });
      reader.readAvailable();
      const obj = side === "native" ? loadNative("ksyscall") : undefined;
      const twin = side === "twin" ? loadTwin("ksyscall") : undefined;
      const links: Link[] = [];
      const sleeper = spawn("sleep", ["30"]);
      try {
        if (obj) {
          obj.attach();
          const shown = listLinks().map((l) => l.target);
          // a ksyscall link is a kprobe on the syscall's wrapper, and is listed as one
          assert.ok(
            shown.includes("kprobe:__x64_sys_kill") && shown.includes("kprobe:__x64_sys_tgkill"),
            shown.join(", "),
          );
        }
        if (twin)
          for (const [prog, target] of [
            ["entry_probe", "kprobe:__x64_sys_kill"],
            ["tgkill_entry", "kprobe:__x64_sys_tgkill"],
          ])
            links.push(attach(twin.prog(prog).fd, twin.prog(prog).type, parseTarget(target)));
        process.kill(sleeper.pid!, 0);
        process.kill(sleeper.pid!, "SIGTERM");
        await once(sleeper, "exit");
        const py = spawnSync("python3", ["-c", RAISE], { encoding: "utf8" });
        assert.equal(py.status, 0, py.stderr);
        const lines = await reader.collect(5000, (l) => l.pid === py.pid && l.message.includes("tgkill"));
        seen[side] = lines
          .filter((l) => l.pid === me || l.pid === py.pid)
          .map((l) =>
            l.message.trim().replace(`PID ${sleeper.pid} `, "PID SLEEPER ").replaceAll(String(py.pid), "PY"),
          );
      } finally {
        sleeper.kill();
        for (const l of links) l.close();
        obj?.close();
        twin?.close();
        reader.close();
      }
    }
    assert.deepEqual(seen.native, [
      `KILL syscall called by PID ${me} (node) for PID SLEEPER with signal 15.`,
      "tgkill syscall called by PID PY (python3) for thread id PY with pid PY and signal 10.",
    ]);
    assert.deepEqual(seen.native, seen.twin);
  },
);
