// Builds the test programs of the runtime-safety suite (tests/vm/runtime/native/*) on the
// host, where the VM's tests find them (the VM has a read-only root and compiles slowly
// under TCG). `iu test-all --filter runtime` runs this first, then tests/vm/runtime.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { build } from "../../../src/toolchain/build.js";

const native = join(repoRoot, "tests", "vm", "runtime", "native");

for (const name of readdirSync(native)) {
  test(`build tests/vm/runtime/native/${name}`, () => {
    const r = build(join(native, name), {});
    assert.deepEqual(r.image.problems, []);
  });
}
