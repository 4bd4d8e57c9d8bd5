// samples/sockfilter and its eBPF twin, attached (socket:PID:FD) to the packet socket of
// a running sockfilter_user: both keep exactly the IPv4 packets (each datagram on lo
// twice, sent and received) and drop the IPv6 ones, and report the same events; without
// a filter the socket sees both; `iu detach socket:PID:FD` takes a filter off.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { attach, detachTarget, parseTarget, type IuObject } from "../../../src/loader/index.js";
import { RingBufReader } from "../../../src/loader/ringbuf.js";
import { requireUserBinary } from "../../../src/testing/inputs.js";
import { loadNative, loadTwin, skipUnlessVm, type Twin } from "./util.js";

interface Event {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  proto: number;
}

const ip = (b: Buffer, o: number): string => [...b.subarray(o, o + 4)].join(".");
const decode = (b: Buffer): Event => ({
  src: ip(b, 0),
  dst: ip(b, 4),
  sport: b.readUInt16BE(8),
  dport: b.readUInt16BE(10),
  proto: b.readUInt32LE(12),
});

/** Starts sockfilter_user; resolves with it, its pid and its socket's fd, and its output lines. */
async function start(): Promise<{
  p: ChildProcessWithoutNullStreams;
  target: string;
  next: () => Promise<string>;
}> {
  const p = spawn(requireUserBinary("sockfilter", "sockfilter_user"), [], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const lines = createInterface({ input: p.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const r = await lines.next();
    assert.ok(!r.done, "sockfilter_user printed a line");
    return r.value as string;
  };
  const [pid, fd] = (await next()).split(" ");
  return { p, target: `socket:${pid}:${fd}`, next };
}

async function finish(s: Awaited<ReturnType<typeof start>>): Promise<string> {
  s.p.stdin.end("go\n");
  const counts = await s.next();
  const [code] = (await once(s.p, "exit")) as [number];
  assert.equal(code, 0);
  return counts;
}

test(
  "sockfilter: native and eBPF twin keep the same packets of a socket and report the same events",
  { skip: skipUnlessVm },
  async () => {
    const seen: Record<string, { counts: string; events: Event[] }> = {};
    for (const side of ["native", "twin"] as const) {
      const obj: IuObject | undefined = side === "native" ? loadNative("sockfilter") : undefined;
      const twin: Twin | undefined = side === "twin" ? loadTwin("sockfilter") : undefined;
      const rb = new RingBufReader(obj ? obj.map("RB") : twin!.map("RB"));
      try {
        const s = await start();
        const t = parseTarget(s.target);
        if (obj) obj.attach({ socket_handler: t });
        else attach(twin!.prog().fd, twin!.prog().type, t);
        const counts = await finish(s);
        const events = (await rb.collect(3000, (rs) => rs.length >= 6)).map(decode);
        seen[side] = { counts, events };
      } finally {
        rb.close();
        obj?.close();
        twin?.close();
      }
    }
    const one: Event = { src: "127.0.0.1", dst: "127.0.0.1", sport: 0, dport: 7777, proto: 17 };
    assert.equal(seen.native.counts, "6 0", "IPv4 kept (3 sent + 3 received), IPv6 dropped");
    assert.equal(seen.native.events.length, 6);
    // The source port is an ephemeral one, different in each run.
    const noPort = (x: { counts: string; events: Event[] }) => ({
      ...x,
      events: x.events.map((e) => ({ ...e, sport: 0 })),
    });
    assert.deepEqual(noPort(seen.native).events, Array(6).fill(one));
    assert.deepEqual(noPort(seen.native), noPort(seen.twin));

    const plain = await start();
    assert.equal(await finish(plain), "6 4", "without a filter the socket sees IPv6 too");

    const off = await start();
    const obj = loadNative("sockfilter");
    try {
      obj.attach({ socket_handler: parseTarget(off.target) });
      detachTarget(parseTarget(off.target));
      assert.equal(await finish(off), "6 4", "detached: the filter is off");
    } finally {
      obj.close();
    }
  },
);
