// Signed native images through the loader: load, attach at the declared target, trace
// output, foreground and pinned `iu load`, and the kernel's refusals reaching the user
// with errno and log. Images are built on the host (iu build samples/NAME) before the VM
// run: the VM's root is read-only, so the Rust build cannot run inside it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { BpfProgram, IuObject, ProgType, SysError, TraceReader } from "../../../src/loader/index.js";
import { bpffsDir, getpid, iu, iuJson, inVm, sleep } from "./util.js";

const helloImage = join(repoRoot, "samples", "hello", "target", "iu", "hello.iu");

/** Why native tests cannot run here, or false. */
function nativeSkip(): string | false {
  if (!inVm) return "needs the VM (root, bpffs, tracefs): run through iu test-all";
  if (!existsSync(helloImage)) return `no ${helloImage}: build it on the host first (iu build samples/hello)`;
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
const skip = nativeSkip();

test(
  "hello: load, attach at syscalls/sys_enter_getpid, the caller's pid in trace output",
  { skip },
  async () => {
    const obj = IuObject.open(helloImage).load();
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
  const child = spawn(process.execPath, [join(repoRoot, "bin", "iu.js"), "load", helloImage, "--attach"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  for (let i = 0; i < 100 && !/running/.test(stderr); i++) await sleep(100);
  assert.match(stderr, /running/);
  const id = Number(/prog (\d+) hello/.exec(stdout)?.[1]);
  assert.ok(id > 0, stdout);
  let pid = 0;
  for (let i = 0; i < 50 && !stdout.includes(`hello from pid ${pid}`); i++) {
    pid = getpid();
    await sleep(100);
  }
  assert.ok(stdout.includes(`hello from pid ${pid}`), stdout);
  child.kill("SIGINT");
  assert.equal(await exited, 0, stderr);
  assert.match(stderr, /detached and unloaded/);
  assert.ok(!BpfProgram.list().some((i) => i.id === id), "program still loaded after SIGINT");
});

test("iu load --pin --attach returns; the pins keep it alive; removing them unloads", { skip }, async () => {
  const dir = bpffsDir("iu-native");
  const r = iuJson<{ programs: { id: number; name: string }[]; pinned: string[] }>(
    "load",
    helloImage,
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
  const r = iu("run", helloImage);
  // test_run is not implemented for tracepoint programs (eBPF neither): ENOTSUPP/EINVAL
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /BPF_PROG_TEST_RUN failed: E\w+/);
});

test("the kernel's refusals arrive as SysError with errno and log", { skip }, () => {
  const image = readFileSync(helloImage);
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

test("every sample image found loads", { skip }, () => {
  const samples = join(repoRoot, "samples");
  for (const s of readdirSync(samples)) {
    const dir = join(samples, s, "target", "iu");
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".iu"))) {
      const obj = IuObject.open(join(dir, f)).load();
      assert.ok(obj.programs.size > 0, f);
      obj.close();
    }
  }
});
