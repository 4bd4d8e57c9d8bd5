// samples/uprobe and its eBPF twin: uprobes and uretprobes on uprobed_add and uprobed_sub
// of samples/uprobe/uprobed.c print the same arguments and results for the same run; a
// `:pid=N` target fires in that process only; `iu link list` shows the probes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import {
  attach,
  listLinks,
  parseTarget,
  TraceReader,
  type Link,
  type TraceLine,
} from "../../../src/loader/index.js";
import { funcFileOffset } from "../../../src/loader/hooks/uprobe.js";
import { requireUserBinary } from "../../../src/testing/inputs.js";
import { loadNative, loadTwin, skipUnlessVm } from "./util.js";

const PROGS = ["uprobe_add", "uretprobe_add", "uprobe_sub", "uretprobe_sub"];

function targetsOf(bin: string, pid?: number): Record<string, string> {
  const p = pid ? `:pid=${pid}` : "";
  return {
    uprobe_add: `uprobe:${bin}:uprobed_add${p}`,
    uretprobe_add: `uretprobe:${bin}:uprobed_add${p}`,
    uprobe_sub: `uprobe:${bin}:uprobed_sub${p}`,
    uretprobe_sub: `uretprobe:${bin}:uprobed_sub${p}`,
  };
}

/** What the programs print for `uprobed n`. */
function expected(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      `uprobed_add ENTRY: a = ${i}, b = ${i + 1}`,
      `uprobed_add EXIT: return = ${2 * i + 1}`,
      `uprobed_sub ENTRY: a = ${i * i}, b = ${i}`,
      `uprobed_sub EXIT: return = ${i * i - i}`,
    );
  return out;
}

const linesOf = (lines: TraceLine[], pid: number): string[] =>
  lines.filter((l) => l.pid === pid).map((l) => l.message.trim());

test(
  "uprobe: native and eBPF twin print the same arguments and results for the same run",
  { skip: skipUnlessVm },
  async () => {
    const bin = requireUserBinary("uprobe", "uprobed");
    const seen: Record<string, string[]> = {};
    for (const side of ["native", "twin"] as const) {
      const reader = new TraceReader({ pollMs: 20 });
      reader.readAvailable();
      const obj = side === "native" ? loadNative("uprobe") : undefined;
      const twin = side === "twin" ? loadTwin("uprobe") : undefined;
      const links: Link[] = [];
      try {
        const targets = targetsOf(bin);
        if (obj) obj.attach(Object.fromEntries(PROGS.map((p) => [p, parseTarget(targets[p])])));
        if (twin)
          for (const p of PROGS)
            links.push(attach(twin.prog(p).fd, twin.prog(p).type, parseTarget(targets[p])));
        if (obj) {
          const off = funcFileOffset(bin, "uprobed_add");
          const shown = listLinks().map((l) => l.target);
          assert.ok(
            shown.includes(`uprobe:${bin}:0x${off.toString(16)}`),
            `iu link list: ${shown.join(", ")}`,
          );
          assert.ok(shown.includes(`uretprobe:${bin}:0x${off.toString(16)}`));
        }
        const r = spawnSync(bin, ["3"], { input: "", encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        const lines = await reader.collect(5000, (l) => l.message.includes("uprobed_sub EXIT: return = 6"));
        seen[side] = linesOf(lines, r.pid);
      } finally {
        for (const l of links) l.close();
        obj?.close();
        twin?.close();
        reader.close();
      }
    }
    assert.deepEqual(seen.native, expected(3));
    assert.deepEqual(seen.native, seen.twin);
  },
);

test("uprobe with :pid=N fires in that process only", { skip: skipUnlessVm }, async () => {
  const bin = requireUserBinary("uprobe", "uprobed");
  const waiting = spawn(bin, ["2"], { stdio: ["pipe", "pipe", "inherit"] });
  const reader = new TraceReader({ pollMs: 20 });
  reader.readAvailable();
  const obj = loadNative("uprobe");
  try {
    const pid = waiting.pid!;
    const targets = targetsOf(bin, pid);
    obj.attach(Object.fromEntries(PROGS.map((p) => [p, parseTarget(targets[p])])));
    const other = spawnSync(bin, ["2"], { input: "", encoding: "utf8" });
    assert.equal(other.status, 0, other.stderr);
    waiting.stdin.end("go\n");
    const [code] = (await once(waiting, "exit")) as [number];
    assert.equal(code, 0);
    let mine = 0;
    const lines = await reader.collect(5000, (l) => l.pid === pid && ++mine === expected(2).length);
    assert.deepEqual(linesOf(lines, pid), expected(2));
    assert.deepEqual(linesOf(lines, other.pid), [], "the other process is not probed");
  } finally {
    waiting.kill();
    obj.close();
    reader.close();
  }
});
