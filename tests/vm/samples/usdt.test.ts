// samples/usdt and its eBPF twin: USDT programs on usdt_target:jump and usdt_target:tick of
// samples/usdt/usdt_target.c print the same decoded arguments for the same run; the tick
// probe (behind a semaphore) fires only while a program is attached to it; `:pid=N`
// probes one process; a probe the binary lacks is refused with the probes it has.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { IuError } from "../../../src/errors.js";
import { attach, parseTarget, TraceReader, type Link, type TraceLine } from "../../../src/loader/index.js";
import { requireUserBinary } from "../../../src/testing/inputs.js";
import { loadNative, loadTwin, skipUnlessVm } from "./util.js";

const linesOf = (lines: TraceLine[], pid: number): string[] =>
  lines.filter((l) => l.pid === pid).map((l) => l.message.trim());

/** Runs the target: its pid, "N ticks", and the `env` and `main` addresses it passed. */
function run(bin: string, n: number): { pid: number; out: string; env: string; main: string } {
  const r = spawnSync(bin, [String(n)], { input: "", encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const [out, addrs] = r.stdout.trim().split("\n");
  const [env, main] = addrs.split(" ");
  return { pid: r.pid, out, env, main };
}

test(
  "usdt: native and eBPF twin decode the same probe arguments for the same run",
  { skip: skipUnlessVm },
  async () => {
    const bin = requireUserBinary("usdt", "usdt_target");
    assert.equal(run(bin, 3).out, "0 ticks", "no tracer: the tick semaphore is off");
    const seen: Record<string, string[]> = {};
    for (const side of ["native", "twin"] as const) {
      const reader = new TraceReader({ pollMs: 20 });
      reader.readAvailable();
      const obj = side === "native" ? loadNative("usdt") : undefined;
      const twin = side === "twin" ? loadTwin("usdt") : undefined;
      const links: Link[] = [];
      try {
        const targets: Record<string, string> = {
          usdt_auto_attach: `usdt:${bin}:usdt_target:jump`,
          usdt_tick: `usdt:${bin}:usdt_target:tick`,
        };
        if (obj) obj.attach(Object.fromEntries(Object.entries(targets).map(([p, t]) => [p, parseTarget(t)])));
        if (twin)
          for (const [p, t] of Object.entries(targets))
            links.push(attach(twin.prog(p).fd, twin.prog(p).type, parseTarget(t)));
        const r = run(bin, 3);
        assert.equal(r.out, "3 ticks", `${side}: attaching the tick probe turns its semaphore on`);
        const lines = await reader.collect(5000, (l) => l.message.includes("USDT tick: 5 args: 2000"));
        seen[side] = linesOf(lines, r.pid).map((l) => l.replace(r.env, "ENV").replace(r.main, "MAIN"));
      } finally {
        for (const l of links) l.close();
        obj?.close();
        twin?.close();
        reader.close();
      }
    }
    assert.deepEqual(
      seen.native.filter((l) => l.includes("jump")),
      [-1, 0, 1].map((i) => `USDT auto attach to usdt_target:jump: arg1 = ENV, arg2 = ${i}, arg3 = MAIN`),
    );
    assert.deepEqual(
      seen.native.filter((l) => l.includes("tick")),
      [
        "USDT tick: 5 args: 0 0 a 42 0",
        "USDT tick: 5 args: 1000 -1 b 42 7",
        "USDT tick: 5 args: 2000 -2 c 42 14",
      ],
    );
    assert.deepEqual(seen.native, seen.twin);
    assert.equal(run(bin, 2).out, "0 ticks", "detached: the semaphore is off again");
  },
);

test(
  "usdt with :pid=N probes that process only; a missing probe is refused",
  { skip: skipUnlessVm },
  async () => {
    const bin = requireUserBinary("usdt", "usdt_target");
    const waiting = spawn(bin, ["2"], { stdio: ["pipe", "pipe", "inherit"] });
    const reader = new TraceReader({ pollMs: 20 });
    reader.readAvailable();
    const obj = loadNative("usdt");
    try {
      assert.throws(
        () => obj.attach({ usdt_manual_attach: parseTarget(`usdt:${bin}:usdt_target:nosuch`) }),
        (e: unknown) =>
          e instanceof IuError &&
          /has no probe usdt_target:nosuch \(it has usdt_target:jump, usdt_target:tick\)/.test(e.message),
      );
      const pid = waiting.pid!;
      obj.attach({ usdt_manual_attach: parseTarget(`usdt:${bin}:usdt_target:jump:pid=${pid}`) });
      const other = run(bin, 2);
      waiting.stdin.end("go\n");
      const [code] = (await once(waiting, "exit")) as [number];
      assert.equal(code, 0);
      let mine = 0;
      const lines = await reader.collect(5000, (l) => l.pid === pid && ++mine === 2);
      const got = linesOf(lines, pid);
      assert.equal(got.length, 2, got.join("\n"));
      assert.match(
        got[1],
        /^USDT manual attach to usdt_target:jump: arg1 = [0-9a-f]+, arg2 = 0, arg3 = [0-9a-f]+$/,
      );
      assert.deepEqual(linesOf(lines, other.pid), [], "the other process is not probed");
    } finally {
      waiting.kill();
      obj.close();
      reader.close();
    }
  },
);
