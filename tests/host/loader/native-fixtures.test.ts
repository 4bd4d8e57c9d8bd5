// The loader's native test programs (tests/vm/loader/native/*), as the prepare step built
// and signed them with the toolchain on the host for the in-VM tests (the VM's root is
// read-only: no Rust build can run inside it): signed, well-formed, and declaring what the
// VM tests expect.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { nativeTestCrates } from "../../../src/testing/inputs.js";
import { assertPreparedImage } from "../../helpers/prepared.js";

const root = join(repoRoot, "tests", "vm", "loader", "native");

for (const dir of nativeTestCrates().filter((d) => d.startsWith(root + "/"))) {
  const name = dir.slice(root.length + 1);
  test(`native test program ${name} is built, signed, and declares what the VM tests expect`, () => {
    const image = assertPreparedImage(dir);
    assert.equal(image.programs.length, 1);
    assert.equal(image.maps.length, 1);
    assert.deepEqual(
      [image.maps[0].mapType, image.maps[0].keySize, image.maps[0].valueSize, image.maps[0].maxEntries],
      [2, 4, 8, 1],
    );
  });
}
