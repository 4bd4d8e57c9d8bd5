// The development VM seen from outside: what `iu vm run` prints and how it exits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";

function iu(args: string[], timeoutMs = 180_000) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(repoRoot, "bin/iu.js"), ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: timeoutMs,
  });
  return { code: r.status, out: r.stdout, err: r.stderr, seconds: (Date.now() - t0) / 1000 };
}

/** VM processes whose iu parent is gone (reparented to init): what a leak looks like. */
function orphanedQemus(): string[] {
  const r = spawnSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" });
  return r.stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter(
      ([, ppid, cmd, ...rest]) =>
        ppid === "1" && cmd?.includes("qemu-system") && rest.join(" ").includes("iushare"),
    )
    .map((f) => f.join(" "));
}

test("an unchanged kernel build is served from the cache and prints the image", () => {
  iu(["kernel", "build"], 1_800_000);
  const r = iu(["kernel", "build"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /images\/[0-9a-f]{24}\/bzImage\n$/);
  assert.match(r.err, /\(cached, key [0-9a-f]{24}\)/);
  assert.doesNotMatch(r.err, /kernel build: started/);
});

test("the VM runs the project kernel, node and bpftool", () => {
  const r = iu([
    "vm",
    "run",
    "--",
    "sh",
    "-c",
    'uname -r; node -e "console.log(6*7)"; bpftool prog list; echo done',
  ]);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split("\n");
  assert.match(lines[0], /^6\.12\.\d+-iu$/);
  assert.equal(lines[1], "42");
  assert.match(r.out, /done\n$/);
});

test("the VM exits with the command's status and sees the current directory writable", () => {
  const r = iu(["vm", "run", "--", "sh", "-c", "touch .iu-vm-probe && rm .iu-vm-probe && exit 7"]);
  assert.equal(r.code, 7, r.err);
});

test("a guest kernel panic fails the command with the panic text", () => {
  const r = iu(["vm", "run", "--", "sh", "-c", "echo c > /proc/sysrq-trigger; sleep 5"]);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /Kernel panic - not syncing|sysrq triggered crash/);
});

test("a timeout kills QEMU, says so, and leaves no QEMU behind", () => {
  const r = iu(["vm", "run", "--timeout", "8", "--", "sleep", "600"]);
  assert.equal(r.code, 124);
  assert.match(r.err, /timed out after 8 s/);
  assert.ok(r.seconds < 60);
  assert.deepEqual(orphanedQemus(), []);
});

test("a missing kernel image is a clear error", () => {
  const r = iu(["vm", "run", "--kernel", "/nonexistent/bzImage", "--", "true"]);
  assert.equal(r.code, 1);
  assert.match(r.err, /kernel image \/nonexistent\/bzImage does not exist/);
});
