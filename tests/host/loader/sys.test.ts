// The syscall seam: sys.ts is the only module that reaches libc, and its wrappers fail
// with one error type (SysError: operation, errno number and name).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import {
  Errno,
  getpgid,
  getpid,
  ioctl,
  mmap,
  MmapFlags,
  munmap,
  Prot,
  SysError,
} from "../../../src/loader/sys.js";

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === "fixtures" ? [] : sources(p);
    return /\.ts$/.test(e.name) ? [p] : [];
  });
}

test("no module but src/loader/sys.ts loads koffi", () => {
  const users = [...sources(join(repoRoot, "src")), ...sources(join(repoRoot, "tests"))]
    // an import from the package, import(), require() or createRequire(...)() of it
    .filter((f) => /(\bfrom\s+|\(\s*)["']koffi["']/.test(readFileSync(f, "utf8")))
    .map((f) => relative(repoRoot, f));
  assert.deepEqual(users, ["src/loader/sys.ts"]);
});

test("getpid and getpgid are the real system calls", () => {
  assert.equal(getpid(), process.pid);
  assert.equal(typeof getpgid(0), "number");
  // pid_max is at most 2^22: this process does not exist
  assert.equal(getpgid(0x3ffffff0), undefined);
});

test("a failed ioctl is a SysError naming the request and the errno", () => {
  assert.throws(
    () => ioctl(-1, 0x2400, 0, "PERF_EVENT_IOC_ENABLE"),
    (e: unknown) =>
      e instanceof SysError &&
      e.op === "ioctl(PERF_EVENT_IOC_ENABLE)" &&
      e.errnoName === "EBADF" &&
      /^ioctl\(PERF_EVENT_IOC_ENABLE\) failed: EBADF/.test(e.message),
  );
});

test("mmap of a bad fd is a SysError; a good mapping reads and writes through its buffer", () => {
  assert.throws(
    () => mmap(4096, Prot.READ, MmapFlags.SHARED, -1, 0, "test ring"),
    (e: unknown) => e instanceof SysError && e.op === "mmap (test ring)" && e.errnoName === "EBADF",
  );
  const m = mmap(8192, Prot.READ | Prot.WRITE, MmapFlags.PRIVATE | MmapFlags.ANONYMOUS, -1, 0, "anonymous");
  try {
    assert.equal(m.buffer.byteLength, 8192);
    const v = new DataView(m.buffer);
    assert.equal(v.getBigUint64(4096, true), 0n, "anonymous pages start zeroed");
    v.setBigUint64(4096, 0x1122334455667788n, true);
    assert.equal(new DataView(m.buffer).getBigUint64(4096, true), 0x1122334455667788n);
  } finally {
    munmap(m);
  }
});

test("SysError keeps the kernel log and names ENOTSUPP", () => {
  const e = new SysError("BPF_PROG_LOAD (x)", Errno.ENOTSUPP, "0: R1 invalid\n");
  assert.equal(e.errno, 524);
  assert.equal(e.errnoName, "ENOTSUPP");
  assert.equal(e.log, "0: R1 invalid\n");
  assert.match(e.message, /^BPF_PROG_LOAD \(x\) failed: ENOTSUPP .*\nkernel log:\n0: R1 invalid$/s);
});
