// `iu --version` prints the package's version.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";

test("iu --version and -V print package.json's version", () => {
  const { version } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
  for (const flag of ["--version", "-V"]) {
    const r = spawnSync(process.execPath, [join(repoRoot, "bin", "iu.js"), flag], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), version);
  }
});
