// The loader's native test programs (tests/vm/loader/native/*) build and sign with the
// toolchain, here on the host, so the in-VM tests that follow find their images (the VM's
// root is read-only: no Rust build can run inside it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { build } from "../../../src/toolchain/build.js";

const root = join(repoRoot, "tests", "vm", "loader", "native");
const crates = existsSync(root)
  ? readdirSync(root).filter((d) => existsSync(join(root, d, "Cargo.toml")))
  : [];

for (const name of crates) {
  test(`native test program ${name} builds, signs, and declares what the VM tests expect`, () => {
    const r = build(join(root, name));
    assert.equal(r.out, join(root, name, "target", "iu", `${name}.iu`));
    assert.deepEqual(r.image.problems, []);
    assert.ok(r.image.signature, "signed");
    assert.equal(r.image.programs.length, 1);
    assert.equal(r.image.maps.length, 1);
    assert.deepEqual(
      [
        r.image.maps[0].mapType,
        r.image.maps[0].keySize,
        r.image.maps[0].valueSize,
        r.image.maps[0].maxEntries,
      ],
      [2, 4, 8, 1],
    );
  });
}
