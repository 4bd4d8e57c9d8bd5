// What the samples' in-VM tests need and the VM (read-only root, slow clang under TCG)
// does not build itself, as the prepare step built it (src/testing/inputs.ts): the native
// programs of tests/vm/samples/native/*, checked here; and the eBPF twins of
// samples/*/*.bpf.c, compiled here again into a scratch directory (tracex5's offset from
// the built kernel's BTF) to show they compile with the same arguments and defines.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cacheDir, repoRoot } from "../../../src/env/paths.js";
import {
  nativeTestCrates,
  requireTwin,
  sampleTwins,
  twinClangArgs,
  twinDefines,
} from "../../../src/testing/inputs.js";
import { assertPreparedImage } from "../../helpers/prepared.js";

const native = join(repoRoot, "tests", "vm", "samples", "native");
const vmlinux = join(cacheDir(), "kernel", "build", "vmlinux");
const noClang = spawnSync("clang", ["--version"]).status !== 0 && "clang is not installed";

for (const dir of nativeTestCrates().filter((d) => d.startsWith(native + "/"))) {
  test(`build tests/vm/samples/native/${dir.slice(native.length + 1)}: prepared, signed, well-formed`, () => {
    assertPreparedImage(dir);
  });
}

for (const { sample, file } of sampleTwins()) {
  test(`compile the eBPF twin samples/${sample}/${file}`, { skip: noClang }, () => {
    const defines = twinDefines(sample, file, vmlinux);
    requireTwin(sample, file, defines);
    const out = join(mkdtempSync(join(tmpdir(), "iu-twin-")), file.replace(/\.c$/, ".o"));
    const r = spawnSync("clang", twinClangArgs(sample, file, out, defines), { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  });
}
