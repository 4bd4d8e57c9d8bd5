// Builds the native programs of the samples' in-VM tests (tests/vm/samples/native/*) to
// their default output, so the VM run (whose root is read-only) finds their images.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { build } from "../../../src/toolchain/build.js";

const dir = join(repoRoot, "tests", "vm", "samples", "native");

for (const name of readdirSync(dir)) {
  test(`build tests/vm/samples/native/${name}`, () => {
    const r = build(join(dir, name), {});
    assert.deepEqual(r.image.problems, []);
  });
}
