// samples/ringbuf_events and its eBPF twin, attached together: the TypeScript ring-buffer
// consumer (src/loader/ringbuf.ts) reads the same exec/exit events from both.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { attach, parseTarget } from "../../../src/loader/index.js";
import { RingBufReader } from "../../../src/loader/ringbuf.js";
import { loadNative, loadTwin, skipUnlessVm } from "./util.js";

interface Ev {
  kind: "exec" | "exit";
  pid: number;
  uid: number;
  comm: string;
}

function decode(b: Buffer): Ev {
  assert.equal(b.length, 32);
  return {
    kind: b.readUInt32LE(0) === 1 ? "exec" : "exit",
    pid: b.readUInt32LE(4),
    uid: b.readUInt32LE(8),
    comm: b.subarray(16, 32).toString("latin1").replace(/\0.*$/s, ""),
  };
}

test("ringbuf_events: native and twin stream the same exec/exit events", { skip: skipUnlessVm }, async () => {
  const obj = loadNative("ringbuf_events");
  const twin = loadTwin("ringbuf_events");
  const links = [];
  const rn = new RingBufReader(obj.map("EVENTS"));
  const rt = new RingBufReader(twin.map("EVENTS"));
  try {
    obj.attach();
    links.push(
      attach(
        twin.prog("on_exec").fd,
        twin.prog("on_exec").type,
        parseTarget("tracepoint:sched/sched_process_exec"),
      ),
    );
    links.push(
      attach(
        twin.prog("on_exit").fd,
        twin.prog("on_exit").type,
        parseTarget("tracepoint:sched/sched_process_exit"),
      ),
    );
    const pids: number[] = [];
    for (let i = 0; i < 3; i++) pids.push(spawnSync("/bin/true").pid!);
    const done = (rs: Buffer[]) =>
      pids.every((p) => rs.map(decode).some((e) => e.pid === p && e.kind === "exit"));
    const mine = (rs: Buffer[]) => rs.map(decode).filter((e) => pids.includes(e.pid));
    const native = mine(await rn.collect(5000, done));
    const ebpf = mine(await rt.collect(5000, done));
    for (const p of pids) {
      assert.deepEqual(
        native.filter((e) => e.pid === p),
        [
          { kind: "exec", pid: p, uid: 0, comm: "true" },
          { kind: "exit", pid: p, uid: 0, comm: "true" },
        ],
      );
    }
    assert.deepEqual(native, ebpf);
  } finally {
    for (const l of links) l.close();
    rn.close();
    rt.close();
    obj.close();
    twin.close();
  }
});
