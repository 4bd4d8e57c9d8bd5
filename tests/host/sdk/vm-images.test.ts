// Builds what the samples' in-VM tests need and the VM (read-only root, slow clang under
// TCG) should not build itself: the native programs of tests/vm/samples/native/* and the
// eBPF twins of samples/*/*.bpf.c (to samples/NAME/target/twin/, used by
// tests/vm/samples/util.ts when newer than their source and built with the same -D
// defines; tracex5's offset comes from the built kernel's BTF).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { cacheDir, repoRoot } from "../../../src/env/paths.js";
import { genBtf } from "../../../src/gen/btf.js";
import { build } from "../../../src/toolchain/build.js";
import { prebuiltTwin, twinClangArgs } from "../../vm/samples/util.js";

const native = join(repoRoot, "tests", "vm", "samples", "native");

for (const name of readdirSync(native)) {
  test(`build tests/vm/samples/native/${name}`, () => {
    const r = build(join(native, name), {});
    assert.deepEqual(r.image.problems, []);
  });
}

const samples = join(repoRoot, "samples");
const vmlinux = join(cacheDir(), "kernel", "build", "vmlinux");
const twins = readdirSync(samples).flatMap((s) =>
  existsSync(join(samples, s, `${s}.bpf.c`)) ? [[s, `${s}.bpf.c`] as const] : [],
);

for (const [sample, file] of twins) {
  test(`compile the eBPF twin samples/${sample}/${file}`, { skip: spawnSync("clang", ["--version"]).status !== 0 && "no clang" }, () => {
    const defines: string[] = [];
    if (/TASK_STACK_OFF/.test(readFileSync(join(samples, sample, file), "utf8"))) {
      // tracex5: offsetof(task_struct, stack) from the project kernel's BTF (the VM test
      // asks for the twin built with the offset of the running kernel's BTF).
      if (!existsSync(vmlinux)) return;
      const code = genBtf(["task_struct"], { btf: vmlinux, fields: ["stack"] });
      defines.push(`TASK_STACK_OFF=${/wrapping_add\((\d+)\)/.exec(code)![1]}`);
    }
    const out = prebuiltTwin(sample, file, defines);
    mkdirSync(dirname(out), { recursive: true });
    const r = spawnSync("clang", twinClangArgs(sample, file, out, defines), { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  });
}
