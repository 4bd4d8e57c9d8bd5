// The kernel test images the prepare step built (tests/fixtures/kernel: hand-made, signed,
// mutated) for the in-VM test tests/vm/kernel/native-kernel.test.ts: all there, from the
// current sources and signing certificate (the directory is named by their hash).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { FIXTURE_FUZZ_COUNT, requireFixtures } from "../../../src/testing/inputs.js";

test("kernel test images: hand-made, signed, mutated (tests/fixtures/kernel)", () => {
  const dir = requireFixtures();
  const last = `fuzz/${String(FIXTURE_FUZZ_COUNT - 1).padStart(5, "0")}.iu`;
  for (const f of ["good.iu", "badsym.iu", "good-wx.iu", "good-untrusted.iu", "adv-hooks.iu", "iutest", last])
    assert.ok(existsSync(join(dir, f)), `${join(dir, f)} missing: the fixture build is incomplete`);
});
