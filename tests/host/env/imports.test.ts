// The import graph of src/ has no circle (madge reads the TypeScript imports, type-only
// ones included): each part can be read, tested and replaced on its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";

test("src/ has no import circle", () => {
  const madge = join(repoRoot, "node_modules", ".bin", "madge");
  const args = ["--circular", "--json", "--extensions", "ts", "--ts-config", "tsconfig.json", "src"];
  const r = spawnSync(madge, args, { cwd: repoRoot, encoding: "utf8" });
  assert.equal(r.status, 0, `madge failed: ${r.stderr}`);
  const circles = JSON.parse(r.stdout) as string[][];
  assert.deepEqual(circles, [], `import circles:\n${circles.map((c) => c.join(" -> ")).join("\n")}`);
});
