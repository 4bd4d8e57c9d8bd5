// The test programs of the runtime-safety suite (tests/vm/runtime/native/*), as the
// prepare step built them on the host for the VM's tests: signed, following the image
// format, and not older than their sources.
import { test } from "node:test";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { nativeTestCrates } from "../../../src/testing/inputs.js";
import { assertPreparedImage } from "../../helpers/prepared.js";

const root = join(repoRoot, "tests", "vm", "runtime", "native");

for (const dir of nativeTestCrates().filter((d) => d.startsWith(root + "/"))) {
  test(`tests/vm/runtime/native/${dir.slice(root.length + 1)}: prepared, signed, well-formed`, () => {
    assertPreparedImage(dir);
  });
}
