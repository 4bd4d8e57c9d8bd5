// The kernel pipeline's pure parts: the cache key and applying the repo's changes to a tree.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  mkdtempSync,
  mkdirSync,
  writeFileSync,
  readFileSync,
  existsSync,
  statSync,
  utimesSync,
} from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { kernelCacheKey, syncKernelChanges } from "../../../src/env/kernel.js";
import { findKernelErrors } from "../../../src/env/vm.js";
import { tallyOf } from "../../../src/testing/harness.js";

function fixture() {
  const root = mkdtempSync(join(tmpdir(), "iu-kt-"));
  const changes = join(root, "changes");
  const tree = join(root, "tree");
  mkdirSync(join(changes, "config"), { recursive: true });
  mkdirSync(join(changes, "src", "kernel", "bpf"), { recursive: true });
  mkdirSync(join(changes, "patches"), { recursive: true });
  mkdirSync(join(tree, "kernel", "bpf"), { recursive: true });
  writeFileSync(join(changes, "config", "base.config"), "CONFIG_BPF=y\n");
  writeFileSync(join(changes, "config", "debug.config"), "CONFIG_KASAN=y\n");
  writeFileSync(join(root, "cert.pem"), "cert-1");
  writeFileSync(join(tree, "kernel", "bpf", "Makefile"), "obj-y += core.o\n");
  writeFileSync(join(tree, "kernel", "bpf", "core.c"), "int core;\n");
  return { root, changes, tree, cert: join(root, "cert.pem") };
}

const patch = (from: string, to: string) =>
  ["--- a/kernel/bpf/Makefile", "+++ b/kernel/bpf/Makefile", "@@ -1 +1,2 @@", ` ${from}`, `+${to}`, ""].join(
    "\n",
  );

test("cache key changes with source version, changes, config, flavour and certificate", () => {
  const f = fixture();
  const key = () => kernelCacheKey("6.12.117-1", "default", f.cert, f.changes);
  const k0 = key();
  assert.equal(key(), k0, "the key is stable");
  assert.notEqual(kernelCacheKey("6.12.118-1", "default", f.cert, f.changes), k0, "source version");
  assert.notEqual(kernelCacheKey("6.12.117-1", "debug", f.cert, f.changes), k0, "flavour");
  writeFileSync(join(f.changes, "src", "kernel", "bpf", "iu.c"), "int iu;\n");
  const k1 = key();
  assert.notEqual(k1, k0, "a new kernel file");
  writeFileSync(join(f.changes, "patches", "0001.patch"), patch("obj-y += core.o", "obj-y += iu.o"));
  const k2 = key();
  assert.notEqual(k2, k1, "a patch");
  writeFileSync(join(f.changes, "config", "base.config"), "CONFIG_BPF=y\nCONFIG_BPF_JIT=y\n");
  const k3 = key();
  assert.notEqual(k3, k2, "the config fragment");
  writeFileSync(f.cert, "cert-2");
  assert.notEqual(key(), k3, "the signing certificate");
});

test("unknown flavour is a clear error", () => {
  const f = fixture();
  assert.throws(() => kernelCacheKey("v", "nosuch", f.cert, f.changes), /unknown kernel flavour "nosuch"/);
});

test("changes are applied, updated and reverted, touching only files whose content changes", () => {
  const f = fixture();
  const makefile = join(f.tree, "kernel", "bpf", "Makefile");
  const newFile = join(f.tree, "kernel", "bpf", "iu.c");
  writeFileSync(join(f.changes, "src", "kernel", "bpf", "iu.c"), "int iu;\n");
  writeFileSync(join(f.changes, "patches", "0001.patch"), patch("obj-y += core.o", "obj-y += iu.o"));
  syncKernelChanges(f.tree, undefined, f.changes);
  assert.equal(readFileSync(makefile, "utf8"), "obj-y += core.o\nobj-y += iu.o\n");
  assert.equal(readFileSync(newFile, "utf8"), "int iu;\n");

  // Unchanged inputs: nothing is rewritten (make sees no new mtimes).
  const old = new Date(2000, 1, 1);
  utimesSync(makefile, old, old);
  assert.equal(syncKernelChanges(f.tree, undefined, f.changes), 0);
  assert.equal(statSync(makefile).mtime.getTime(), old.getTime());

  // A changed patch is applied to the original, not on top of the old result.
  writeFileSync(join(f.changes, "patches", "0001.patch"), patch("obj-y += core.o", "obj-y += iu2.o"));
  syncKernelChanges(f.tree, undefined, f.changes);
  assert.equal(readFileSync(makefile, "utf8"), "obj-y += core.o\nobj-y += iu2.o\n");

  // Removing the changes restores the pristine tree.
  writeFileSync(join(f.changes, "patches", "0001.patch"), "");
  syncKernelChanges(f.tree, undefined, f.changes);
  assert.equal(readFileSync(makefile, "utf8"), "obj-y += core.o\n");
  assert.ok(existsSync(newFile), "new files stay while they are in kernel/src");
});

test("a patch that does not apply names the patch and the fix", () => {
  const f = fixture();
  writeFileSync(
    join(f.changes, "patches", "0001.patch"),
    patch("obj-y += something-else.o", "obj-y += iu.o"),
  );
  assert.throws(() => syncKernelChanges(f.tree, undefined, f.changes), /0001\.patch does not apply.*rebase/s);
});

test("kernel errors are found in the console log, program panics are not", () => {
  const log = [
    "[    1.0] iu: program 'p' panicked at src/lib.rs:3:5: index out of bounds",
    "[    2.0] BUG: kernel NULL pointer dereference, address: 0000000000000000",
    "[    2.1] Oops: 0002 [#1] SMP",
  ].join("\n");
  const errs = findKernelErrors(log);
  assert.equal(errs.length, 1);
  assert.match(errs[0], /NULL pointer dereference/);
  assert.deepEqual(findKernelErrors("[ 1.0] iu: program 'p' panicked at a.rs:1:1"), []);
  assert.match(findKernelErrors("Kernel panic - not syncing: sysrq triggered crash")[0], /sysrq/);
});

test("test tally reads node's spec summary", () => {
  assert.deepEqual(tallyOf("ℹ tests 3\nℹ pass 2\nℹ fail 1\nℹ skipped 0\n"), {
    passed: 2,
    failed: 1,
    skipped: 0,
  });
});
