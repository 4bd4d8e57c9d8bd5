// Signed native images through the loader: load, attach at the declared target, trace
// output, foreground and pinned `iu load`, and the kernel's refusals reaching the user
// with errno and log. Images are built on the host (iu build samples/NAME) before the VM
// run: the VM's root is read-only, so the Rust build cannot run inside it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { crateImage, requireInput, sampleImage } from "../../../src/testing/inputs.js";
import { sampleDirs } from "../../../src/toolchain/samples.js";
import {
  attach,
  BpfMap,
  BpfProgram,
  IuObject,
  parseTarget,
  ProgType,
  SysError,
  TraceReader,
} from "../../../src/loader/index.js";
import { bpffsDir, bpftool, compileFixture, getpid, iu, iuJson, iuSpawn, inVm, sleep } from "./util.js";

const helloImage = sampleImage("hello");

/**
 * Why native tests cannot run here, or false: outside the VM, or a kernel without native
 * images. A missing image is no reason: the tests that need it fail naming it.
 */
function nativeSkip(): string | false {
  if (!inVm) return "needs the VM (root, bpffs, tracefs): run through iu test-all";
  if (!existsSync(helloImage)) return false;
  try {
    const obj = IuObject.open(helloImage).load();
    obj.close();
    return false;
  } catch (e) {
    if (e instanceof SysError && e.errnoName === "E2BIG")
      return "this kernel has no native-image support (E2BIG)";
    return false; // other failures are real test failures, reported by the tests below
  }
}
/** The hello sample's image; throws naming it when the prepare step did not build it. */
const hello = (): string => requireInput(helloImage, "iu build samples/hello");
const skip = nativeSkip();

test(
  "hello: load, attach at syscalls/sys_enter_getpid, the caller's pid in trace output",
  { skip },
  async () => {
    const obj = IuObject.open(hello()).load();
    const reader = new TraceReader({ pollMs: 20 });
    try {
      const p = obj.program("hello");
      assert.equal(p.type, ProgType.TRACEPOINT);
      assert.equal(p.name, "hello");
      assert.ok(BpfProgram.list().some((i) => i.id === p.id && i.name === "hello"));
      reader.readAvailable();
      const attached = obj.attach();
      assert.deepEqual(attached, [{ program: "hello", target: "tracepoint:syscalls/sys_enter_getpid" }]);
      const pid = getpid();
      const lines = await reader.collect(5000, (l) => l.message.includes(`hello from pid ${pid}`));
      assert.ok(
        lines.some((l) => l.message.includes(`hello from pid ${pid}`)),
        `trace: ${JSON.stringify(lines.map((l) => l.raw))}`,
      );
    } finally {
      reader.close();
      obj.close();
    }
  },
);

test("iu load --attach in the foreground prints trace output and unloads on SIGINT", { skip }, async () => {
  const c = iuSpawn("load", hello(), "--attach");
  await c.ready(/running/);
  const id = Number(/prog (\d+) hello/.exec(c.stdout)?.[1]);
  assert.ok(id > 0, c.stdout);
  let pid = 0;
  for (let i = 0; i < 300 && !c.stdout.includes(`hello from pid ${pid}`); i++) {
    pid = getpid();
    await sleep(100);
  }
  assert.ok(c.stdout.includes(`hello from pid ${pid}`), c.stdout);
  c.child.kill("SIGINT");
  assert.equal(await c.closed, 0, c.stderr);
  assert.match(c.stderr, /detached and unloaded/);
  assert.ok(!BpfProgram.list().some((i) => i.id === id), "program still loaded after SIGINT");
});

test("iu load -q --pin prints nothing and pins the program", { skip }, () => {
  const dir = bpffsDir("iu-quiet");
  try {
    const quiet = iu("load", hello(), "--pin", dir, "-q");
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.equal(quiet.stdout, "");
    assert.equal(quiet.stderr, "");
    assert.ok(existsSync(join(dir, "progs", "hello")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("iu load --pin --attach returns; the pins keep it alive; removing them unloads", { skip }, async () => {
  const dir = bpffsDir("iu-native");
  const r = iuJson<{ programs: { id: number; name: string }[]; pinned: string[] }>(
    "load",
    hello(),
    "--pin",
    dir,
    "--attach",
  );
  const id = r.programs[0].id;
  assert.ok(r.pinned.includes(join(dir, "progs", "hello")));
  assert.ok(r.pinned.includes(join(dir, "links", "hello")));
  assert.ok(BpfProgram.list().some((i) => i.id === id));
  const links = iuJson<{ progId: number; target?: string }[]>("link", "list");
  assert.ok(
    links.some((l) => l.progId === id && l.target === "tracepoint:sys_enter_getpid"),
    JSON.stringify(links),
  );
  rmSync(dir, { recursive: true });
  for (let i = 0; i < 50 && BpfProgram.list().some((p) => p.id === id); i++) await sleep(100);
  assert.ok(!BpfProgram.list().some((i) => i.id === id), "program outlived its pins");
});

test("iu run on a native tracepoint program reports the kernel's answer", { skip }, () => {
  const r = iu("run", hello());
  // test_run is not implemented for tracepoint programs (eBPF neither): ENOTSUPP/EINVAL
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /BPF_PROG_TEST_RUN failed: E\w+/);
});

test("the kernel's refusals arrive as SysError with errno and log", { skip }, () => {
  const image = readFileSync(hello());
  const load = (img: Buffer, entry = "hello", mapFds: number[] = []) =>
    BpfProgram.loadNative({ image: img, entry, progType: ProgType.TRACEPOINT, mapFds });
  const refuses = (fn: () => unknown, what: string) =>
    assert.throws(
      fn,
      (e: unknown) => {
        assert.ok(e instanceof SysError, `${what}: ${String(e)}`);
        assert.ok(e.log.trim().length > 0, `${what}: ${e.errnoName} without a log line`);
        return true;
      },
      what,
    );
  const elfLen = IuObject.fromBuffer(image).spec.elfLength;
  refuses(() => load(image.subarray(0, elfLen)), "unsigned image");
  const flipped = Buffer.from(image);
  flipped[elfLen >> 1] ^= 0x40;
  refuses(() => load(flipped), "flipped byte");
  refuses(() => load(image.subarray(0, image.length - 5)), "truncated");
  refuses(() => load(image, "no_such_entry"), "missing entry");
  refuses(() => load(image, "hello", [0]), "map fd for an image without maps");
  // the kernel stays usable
  const again = load(image);
  assert.equal(again.name, "hello");
  again.close();
});

test("every sample's image loads: its maps are created, every program loads", { skip }, () => {
  const failed: string[] = [];
  let loaded = 0;
  for (const s of sampleDirs()) {
    requireInput(crateImage(s), `iu build ${s}`);
    const dir = join(s, "target", "iu");
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".iu"))) {
      try {
        const obj = IuObject.open(join(dir, f)).load();
        assert.equal(obj.programs.size, obj.spec.programs.length, f);
        assert.equal(obj.maps.size, obj.spec.maps.length, f);
        obj.close();
        loaded++;
      } catch (e) {
        failed.push(`${f}: ${(e as Error).message}`);
      }
    }
  }
  assert.deepEqual(failed, []);
  assert.ok(loaded > 0);
});

/** A loader test program built on the host: tests/vm/loader/native/NAME/target/iu/NAME.iu. */
function fixture(name: string): { readonly path: string } {
  const crate = join(repoRoot, "tests", "vm", "loader", "native", name);
  return {
    get path() {
      return requireInput(crateImage(crate), `iu build tests/vm/loader/native/${name}`);
    },
  };
}

const xdpTx = fixture("iu-xdp-tx");
const count = fixture("iu-count");

test(
  "native XDP through iu run and the library: XDP_TX, addresses swapped, map counts runs",
  { skip },
  () => {
    const pkt = Buffer.alloc(64, 0);
    Buffer.from("aabbccddeeff", "hex").copy(pkt, 0);
    Buffer.from("112233445566", "hex").copy(pkt, 6);
    pkt.writeUInt16BE(0x0800, 12);
    const pktFile = join(tmpdir(), "iu-native-pkt.bin");
    writeFileSync(pktFile, pkt);
    const r = iuJson<{ retval: number; dataOut: string; durationNs: number }>(
      "run",
      xdpTx.path,
      "--data",
      pktFile,
      "--repeat",
      "101",
    );
    assert.equal(r.retval, 3, "XDP_TX");
    // the runs share one buffer (no reset between repeats): 101 swaps leave it swapped
    assert.equal(r.dataOut.slice(0, 24), "112233445566aabbccddeeff");
    assert.ok(r.durationNs > 0);

    const obj = IuObject.open(xdpTx.path).load();
    try {
      const p = obj.program("iu_xdp_tx");
      assert.equal(p.typeName, "xdp");
      const res = p.testRun({ data: pkt, repeat: 1000 });
      assert.equal(res.retval, 3);
      assert.equal(obj.map("PACKETS").lookup(Buffer.alloc(4))!.readBigUInt64LE(), 1000n);
      // (a frame shorter than 14 bytes cannot be tested: test_run refuses it with EINVAL)
      assert.deepEqual(p.refresh().mapIds, [obj.map("PACKETS").id]);
    } finally {
      obj.close();
    }
  },
);

test("native kprobe counts getpid calls; iu map dump and bpftool read the same count", { skip }, () => {
  const obj = IuObject.open(count.path).load();
  try {
    assert.deepEqual(obj.attach(), [{ program: "iu_count", target: "kprobe:__x64_sys_getpid" }]);
    for (let i = 0; i < 50; i++) getpid();
    obj.links.get("iu_count")!.close();
    const m = obj.map("COUNTS");
    const n = m.lookup(Buffer.alloc(4))!.readBigUInt64LE();
    assert.ok(n >= 50n, `count ${n}`);
    const dump = iuJson<{ entries: { value: { int: string } }[] }>("map", "dump", String(m.id));
    assert.equal(dump.entries[0].value.int, n.toString());
    const bt = bpftool("map", "dump", "id", String(m.id)) as { value: string[] }[];
    assert.equal(Buffer.from(bt[0].value.map((h) => Number(h))).readBigUInt64LE(), n);
  } finally {
    obj.close();
  }
});

test("an eBPF program (clang) and a native program update one shared map", { skip }, () => {
  const dir = bpffsDir("iu-shared");
  const m = BpfMap.create({ name: "counts", mapType: 2, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 });
  let obj: IuObject | undefined;
  try {
    m.pin(join(dir, "counts"));
    const o = compileFixture("shared_count");
    const load = spawnSync(
      "bpftool",
      ["prog", "load", o, join(dir, "ebpf"), "map", "name", "counts", "pinned", join(dir, "counts")],
      { encoding: "utf8" },
    );
    assert.equal(load.status, 0, load.stderr);
    const ebpf = BpfProgram.fromPinned(join(dir, "ebpf"));
    const ebpfLink = attach(ebpf.fd, ebpf.type, parseTarget("tracepoint:syscalls/sys_enter_getpid"));
    obj = IuObject.open(count.path).load({ maps: { COUNTS: m } });
    obj.attach();
    const native = obj.program("iu_count");
    assert.deepEqual(native.info.mapIds, [m.id]);
    assert.deepEqual(ebpf.info.mapIds, [m.id]);
    for (let i = 0; i < 40; i++) getpid();
    ebpfLink.close();
    obj.links.get("iu_count")!.close();
    const n = m.lookup(Buffer.alloc(4))!.readBigUInt64LE();
    assert.ok(n >= 80n, `both programs should count every call: ${n}`);
    ebpf.close();
    // a map of the wrong shape is refused before the kernel is asked
    const wrong = BpfMap.create({
      name: "wrong",
      mapType: 2,
      keySize: 4,
      valueSize: 4,
      maxEntries: 1,
      flags: 0,
    });
    assert.throws(
      () => IuObject.open(count.path).load({ maps: { COUNTS: wrong } }),
      /does not match its declaration/,
    );
    // ... and by the kernel when asked directly
    assert.throws(
      () =>
        BpfProgram.loadNative({
          image: readFileSync(count.path),
          entry: "iu_count",
          progType: ProgType.KPROBE,
          mapFds: [wrong.fd],
        }),
      (e: unknown) => e instanceof SysError && e.log.length > 0,
    );
    wrong.close();
  } finally {
    obj?.close();
    m.close();
    rmSync(dir, { recursive: true });
  }
});

test("iu map events streams a native program's ring buffer records", { skip }, async () => {
  const obj = IuObject.open(
    requireInput(sampleImage("ringbuf_events"), "iu build samples/ringbuf_events"),
  ).load();
  obj.attach();
  const events = obj.map("EVENTS");
  const c = iuSpawn("map", "events", String(events.id), "--json", "--timeout", "300");
  try {
    await c.ready(/reading map \d+ \(EVENTS, ringbuf\)/);
    const trueComm = Buffer.from("true").toString("hex");
    for (let i = 0; i < 100 && !c.stdout.includes(trueComm); i++) {
      spawnSync("/bin/true");
      await sleep(100);
    }
    const recs = c.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { length: number; hex: string });
    const exec = recs.find((r) => r.hex.startsWith("01000000") && r.hex.slice(32).startsWith(trueComm));
    assert.ok(exec, c.stdout + c.stderr);
    assert.equal(exec.length, 32);
  } finally {
    c.child.kill("SIGINT");
    await c.closed;
    obj.close();
  }
});
