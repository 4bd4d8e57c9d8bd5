// Builds the kernel test images on the host (fast), for the in-VM test
// tests/vm/kernel/native-kernel.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { buildFixtures, fixtureDir, fixturesReady, keysDir } from "../../vm/kernel/fixtures.js";

const tools = ["clang", "ld.lld", "openssl", "python3", "gcc"].every(
  (t) => spawnSync("sh", ["-c", `command -v ${t}`]).status === 0,
);
const skip =
  !tools || !existsSync(join(keysDir, "signing-key.pem"))
    ? "needs clang, ld.lld, openssl, python3, gcc and the signing key (iu setup)"
    : false;

test("kernel test images: hand-made, signed, mutated (tests/fixtures/kernel)", { skip }, () => {
  const dir = fixtureDir();
  if (!fixturesReady(dir, 1000)) buildFixtures(dir, 1000);
  for (const f of ["good.iu", "badsym.iu", "good-wx.iu", "good-untrusted.iu", "iutest", "fuzz/00999.iu"])
    assert.ok(existsSync(join(dir, f)), f);
});
