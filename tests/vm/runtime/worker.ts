/**
 * A load generator the runtime tests start pinned to one CPU (`taskset -c N node worker.js
 * ...`), so that it shares that CPU with other programs' invocations. It prints "ready",
 * waits for a line on stdin, then runs for SECONDS:
 *   xdp PINNED_PROG SECONDS HEX_PACKET   test runs (repeat 500)
 *   getpgid SECONDS PINNED_MAP           getpgid(0x3ffffff0) in a loop (fails: no such
 *                                        pid); reads the per-CPU counter PINNED_MAP[0]
 *                                        just before and after it
 * and prints one JSON line: {"runs": N, "wrong": N} or {"calls": N, "counted": N}, with
 * the CPU it ended on. `counted` is what the counter gained during the loop alone.
 */
import { readFileSync } from "node:fs";
import { BpfMap, BpfProgram } from "../../../src/loader/index.js";
import { getpgid } from "../../../src/loader/sys.js";

const MAGIC = 0x3ffffff0;
/** The CPU this process last ran on (field 39 of /proc/self/stat). */
function lastCpu(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[36]);
}

function xdp(path: string, seconds: number, hex: string): Record<string, number> {
  const prog = BpfProgram.fromPinned(path);
  const data = Buffer.from(hex, "hex");
  const end = Date.now() + seconds * 1000;
  let runs = 0;
  let wrong = 0;
  while (Date.now() < end) {
    const r = prog.testRun({ data, repeat: 500 });
    if (r.retval !== 2) wrong++;
    runs += 500;
  }
  prog.close();
  return { runs, wrong };
}

function getpgidLoop(seconds: number, mapPath: string): Record<string, number> {
  const map = BpfMap.fromPinned(mapPath);
  const sum = () => {
    const v = map.lookup(Buffer.alloc(4))!;
    let s = 0;
    for (let i = 0; i + 8 <= v.length; i += 8) s += Number(v.readBigUInt64LE(i));
    return s;
  };
  const before = sum();
  const end = Date.now() + seconds * 1000;
  let calls = 0;
  while (Date.now() < end) {
    for (let i = 0; i < 1000; i++) getpgid(MAGIC);
    calls += 1000;
  }
  const counted = sum() - before;
  map.close();
  return { calls, counted };
}

const [what, ...args] = process.argv.slice(2);
if (what !== "xdp" && what !== "getpgid") {
  process.stderr.write(`worker: unknown mode ${what}\n`);
  process.exit(2);
}
if (what === "getpgid") getpgid(0); // loads libc before the count starts
process.stdout.write("ready\n");
process.stdin.once("data", () => {
  const r = what === "xdp" ? xdp(args[0], Number(args[1]), args[2]) : getpgidLoop(Number(args[0]), args[1]);
  process.stdout.write(`${JSON.stringify({ ...r, cpu: lastCpu() })}\n`);
  process.exit(0);
});
