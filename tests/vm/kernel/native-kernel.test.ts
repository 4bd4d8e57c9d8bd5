// The kernel side of native programs at the bpf(2) level, independent of the TypeScript
// loader: hand-made images (tests/fixtures/kernel, C + ld.lld + openssl), loaded, run at
// every supported hook, the bad inputs with their errnos, panics, leaks and a fuzz run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fixtureImages } from "./fixtures.js";

const inVm = process.getuid?.() === 0 && existsSync("/sys/fs/bpf") && existsSync("/sys/kernel/tracing");
const skip = inVm ? false : "needs the VM: run through iu test-all";
function run(args: string[], timeout = 600_000) {
  const r = spawnSync(join(fixtureImages(), "iutest"), args, { encoding: "utf8", timeout });
  process.stdout.write(r.stdout.replace(/^/gm, "    "));
  return r;
}

function kernelHealthy(): void {
  const log = spawnSync("dmesg", [], { encoding: "utf8" }).stdout;
  assert.doesNotMatch(log, /Oops|BUG:|WARNING:|general protection|Call Trace|double fault/);
}

test("native programs: load, run at every hook, bad inputs, panics, 1000 load/unload cycles", { skip }, () => {
  const r = run([fixtureImages()]);
  assert.equal(r.status, 0, r.stdout.split("\n").filter((l) => l.startsWith("FAIL")).join("\n"));
  kernelHealthy();
});

test("native programs: mutated, re-signed images load or are refused, no oops", { skip }, () => {
  const r = run([fixtureImages(), "fuzz"]);
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /fuzz: \d+ images/);
  kernelHealthy();
});
